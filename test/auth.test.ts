import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { buildTestApp, createOrgWithKey, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
let wiganViewer: string;
let wiganFinance: string;
let boltonViewer: string;
let partner: string;

beforeAll(async () => {
  t = await buildTestApp({
    prepare: (app) => {
      app.get('/v1/test-failure', { config: { access: 'admin' } }, () => {
        throw new Error('connection string postgres://secret@db/ is broken');
      });
    },
  });
  wiganViewer = await createOrgWithKey(t, { id: 'wigan', name: 'Wigan Council' }, 'viewer');
  wiganFinance = await createOrgWithKey(t, { id: 'wigan', name: 'Wigan Council' }, 'finance');
  boltonViewer = await createOrgWithKey(t, { id: 'bolton', name: 'Bolton Secret Name' }, 'viewer');
  partner = await createOrgWithKey(
    t,
    { id: 'edge-hill', name: 'Edge Hill University', yearStartMonth: 8 },
    'partner',
  );
});
afterAll(() => t.close());

describe('authentication', () => {
  it('answers a request without a key with 401 problem+json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/organisations/wigan' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="cwb-spend"');
    expect(res.json()).toMatchObject({
      type: '/problems/unauthorized',
      title: 'Unauthorized',
      status: 401,
    });
  });

  it('refuses a key that does not exist, and one of the wrong shape', async () => {
    for (const key of [
      'cwb_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      "' OR '1'='1",
      'x'.repeat(5000),
    ]) {
      const res = await t.as(key, { method: 'GET', url: '/v1/organisations/wigan' });
      expect(res.statusCode).toBe(401);
    }
  });

  it('refuses a revoked key from the next request on', async () => {
    const created = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations/wigan/keys',
      payload: { role: 'viewer' },
    });
    const { id, key } = created.json() as { id: string; key: string };
    expect((await t.as(key, { method: 'GET', url: '/v1/organisations/wigan' })).statusCode).toBe(
      200,
    );

    const revoked = await t.asAdmin({
      method: 'DELETE',
      url: `/v1/organisations/wigan/keys/${id}`,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toMatch(/^\d{4}-/);

    const after = await t.as(key, { method: 'GET', url: '/v1/organisations/wigan' });
    expect(after.statusCode).toBe(401);
    expect(after.json().detail).toMatch(/revoked/);
  });

  it('stores keys as hashes only and shows a key once', async () => {
    const created = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations/wigan/keys',
      payload: { role: 'finance', name: 'finance upload robot' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const { key, prefix } = created.json() as { key: string; prefix: string };
    expect(key.startsWith(`${prefix}_`)).toBe(true);

    const listed = await t.asAdmin({ method: 'GET', url: '/v1/organisations/wigan/keys' });
    expect(listed.body).not.toContain(key);
    const keys = (
      listed.json() as { keys: { prefix: string; name: string | null; role: string }[] }
    ).keys;
    expect(keys.find((k) => k.prefix === prefix)).toMatchObject({
      role: 'finance',
      name: 'finance upload robot',
    });

    const stored = await sql<{ found: bigint }>`
      SELECT count(*) AS found FROM api_keys WHERE row_to_json(api_keys)::text LIKE ${'%' + key.slice(prefix.length + 1) + '%'}`.execute(
      t.database.db,
    );
    expect(stored.rows[0]?.found).toBe(0n);
  });

  it('records when a key was last used', async () => {
    const created = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations/wigan/keys',
      payload: { role: 'viewer' },
    });
    const { id, key, lastUsedAt } = created.json() as {
      id: string;
      key: string;
      lastUsedAt: string | null;
    };
    expect(lastUsedAt).toBeNull();
    await t.as(key, { method: 'GET', url: '/v1/organisations/wigan' });
    const listed = (
      await t.asAdmin({ method: 'GET', url: '/v1/organisations/wigan/keys' })
    ).json() as {
      keys: { id: string; lastUsedAt: string | null }[];
    };
    expect(listed.keys.find((k) => k.id === id)?.lastUsedAt).toMatch(/^\d{4}-/);
  });
});

describe('authorisation', () => {
  it("does not let a viewer of one organisation read another's, and says nothing of it", async () => {
    const res = await t.as(wiganViewer, { method: 'GET', url: '/v1/organisations/bolton' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).not.toContain('Bolton Secret Name');
    expect(res.body).not.toContain('E08000010');
    // An organisation that does not exist is refused the same way: existence does not leak.
    const missing = await t.as(wiganViewer, { method: 'GET', url: '/v1/organisations/nowhere' });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().detail).toBe(res.json().detail);
  });

  it('lets a viewer read its own organisation', async () => {
    const res = await t.as(wiganViewer, { method: 'GET', url: '/v1/organisations/wigan' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'wigan',
      name: 'Wigan Council',
      homeAreas: ['E08000010'],
      yearStartMonth: 4,
    });
  });

  it('lists only the organisations a key may see', async () => {
    const own = await t.as(boltonViewer, { method: 'GET', url: '/v1/organisations' });
    expect(
      (own.json() as { organisations: { id: string }[] }).organisations.map((o) => o.id),
    ).toEqual(['bolton']);
    const all = await t.asAdmin({ method: 'GET', url: '/v1/organisations' });
    expect(
      (all.json() as { organisations: { id: string }[] }).organisations.map((o) => o.id),
    ).toEqual(['bolton', 'edge-hill', 'wigan']);
  });

  it('keeps admin routes for admins', async () => {
    for (const key of [wiganFinance, wiganViewer, partner]) {
      const create = await t.as(key, {
        method: 'POST',
        url: '/v1/organisations',
        payload: { id: 'sneaky', name: 'Sneaky', homeAreas: ['E08000010'] },
      });
      expect(create.statusCode).toBe(403);
      const keys = await t.as(key, {
        method: 'POST',
        url: '/v1/organisations/wigan/keys',
        payload: { role: 'admin' },
      });
      expect(keys.statusCode).toBe(403);
    }
    expect((await t.asAdmin({ method: 'GET', url: '/v1/organisations/sneaky' })).statusCode).toBe(
      404,
    );
  });

  it('gives a partner key no organisation reads', async () => {
    const res = await t.as(partner, { method: 'GET', url: '/v1/organisations/edge-hill' });
    expect(res.statusCode).toBe(403);
  });

  it('checks the key before reading the body', async () => {
    const res = await t.as(wiganViewer, {
      method: 'POST',
      url: '/v1/organisations',
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('errors', () => {
  it('hides internals on a 500', async () => {
    const res = await t.asAdmin({ method: 'GET', url: '/v1/test-failure' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      type: '/problems/internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      instance: '/v1/test-failure',
    });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await t.asAdmin({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().detail).toBe('No route for GET /v1/nothing-here.');
  });

  it('answers an oversized body with a 413 problem', async () => {
    const res = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        id: 'big',
        name: 'x'.repeat(2 * 1024 * 1024),
        homeAreas: ['E08000010'],
      }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ type: '/problems/too-large', status: 413 });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations',
      headers: { 'content-type': 'application/json' },
      payload: '{"id": "x",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      type: '/problems/invalid-json',
      detail: 'The request body is not valid JSON.',
    });
  });
});
