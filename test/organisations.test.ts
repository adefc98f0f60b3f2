import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, wigan, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.close());

describe('organisations', () => {
  it('creates an organisation and returns it with a location', async () => {
    const res = await t.asAdmin({ method: 'POST', url: '/v1/organisations', payload: wigan });
    expect(res.statusCode).toBe(201);
    expect(res.headers.location).toBe('/v1/organisations/wigan');
    expect(res.json()).toMatchObject({
      id: 'wigan',
      name: 'Wigan Council',
      homeAreas: ['E08000010'],
      widerAreas: wigan.widerAreas,
      yearStartMonth: 4,
    });
  });

  it('defaults the wider area to none and the year to April', async () => {
    const res = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations',
      payload: { id: 'wigan-youth-zone', name: 'Wigan Youth Zone', homeAreas: ['E08000010'] },
    });
    expect(res.json()).toMatchObject({ widerAreas: [], yearStartMonth: 4 });
  });

  it('refuses a second organisation with the same id with 409', async () => {
    const res = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations',
      payload: { ...wigan, name: 'Other' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({
      type: '/problems/conflict',
      detail: 'An organisation with id "wigan" already exists.',
    });
  });

  it('lists every invalid field of a body at once', async () => {
    const res = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations',
      payload: {
        id: 'Not A Slug!',
        name: '',
        homeAreas: ['E0800001', 'E08000010'],
        yearStartMonth: 13,
        colour: 'red',
      },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json() as { errors: { in: string; field: string; message: string }[] };
    expect(body).toMatchObject({ type: '/problems/validation', status: 400 });
    const fields = body.errors.map((e) => e.field).sort();
    expect(fields).toEqual(['', 'homeAreas.0', 'id', 'name', 'yearStartMonth']);
    expect(body.errors.every((e) => e.in === 'body')).toBe(true);
    expect(body.errors.find((e) => e.field === '')?.message).toMatch(/colour/);
  });

  it('updates the fields given and keeps the rest', async () => {
    const res = await t.asAdmin({
      method: 'PATCH',
      url: '/v1/organisations/wigan-youth-zone',
      payload: { yearStartMonth: 8, name: 'Wigan Youth Zone (charity)' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      name: 'Wigan Youth Zone (charity)',
      yearStartMonth: 8,
      homeAreas: ['E08000010'],
    });
    const again = await t.asAdmin({ method: 'GET', url: '/v1/organisations/wigan-youth-zone' });
    expect(again.json()).toMatchObject({ yearStartMonth: 8 });
  });

  it('refuses an empty update and an unknown organisation', async () => {
    expect(
      (await t.asAdmin({ method: 'PATCH', url: '/v1/organisations/wigan', payload: {} }))
        .statusCode,
    ).toBe(400);
    const missing = await t.asAdmin({
      method: 'PATCH',
      url: '/v1/organisations/nowhere',
      payload: { name: 'x' },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toBe('Organisation nowhere was not found.');
  });

  it('writes every change to the audit log', async () => {
    const rows = await t.database.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'target'])
      .where('target', 'in', ['wigan', 'wigan-youth-zone'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { actor: 'admin-token', action: 'organisation.create', target: 'wigan' },
      { actor: 'admin-token', action: 'organisation.create', target: 'wigan-youth-zone' },
      { actor: 'admin-token', action: 'organisation.update', target: 'wigan-youth-zone' },
    ]);
  });
});
