import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_YEARS, writeWiganSample, type SampleFiles } from '../src/demo/wigan-sample.ts';
import { buildTestApp, createOrgWithKey, wigan, type TestApp } from './helpers/test-app.ts';

/*
 * The published figures, reproduced: Wigan Council spent £415m with suppliers in 2022/23,
 * £91m of it with 981 Wigan-based suppliers, 9% with the VCFSE sector. The seeded sample is
 * loaded through the API as a council would load it, and the API must answer exactly these.
 */

let t: TestApp;
let viewer: string;
let dir: string;
let sample: SampleFiles;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cwb-sample-'));
  sample = writeWiganSample(dir);
  t = await buildTestApp({ config: { uploadLimitBytes: 50 * 1024 * 1024 } });
  const finance = await createOrgWithKey(t, wigan, 'finance');
  viewer = await createOrgWithKey(t, wigan, 'viewer');
  for (const [dataset, file] of Object.entries(sample.reference)) {
    const res = await t.asAdmin({
      method: 'POST',
      url: `/v1/reference/${dataset}?filename=${path.basename(file)}`,
      headers: { 'content-type': 'text/csv' },
      payload: createReadStream(file),
    });
    expect(res.statusCode, res.body).toBe(201);
  }
  const post = (kind: string, file: string) =>
    t.as(finance, {
      method: 'POST',
      url: `/v1/organisations/wigan/uploads?kind=${kind}&filename=${path.basename(file)}`,
      headers: { 'content-type': 'text/csv' },
      payload: readFileSync(file),
    });
  expect((await post('suppliers', sample.suppliers)).statusCode).toBe(201);
  for (const ledger of sample.ledgers) {
    const res = await post('ledger', ledger);
    expect(res.statusCode, res.body).toBe(201);
  }
}, 300_000);
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the Wigan sample', () => {
  it('answers 2022/23 with the published figures, exactly', async () => {
    const res = await t.as(viewer, {
      method: 'GET',
      url: '/v1/organisations/wigan/metrics?year=2022',
    });
    expect(res.statusCode).toBe(200);
    const m = res.json();
    expect(m).toMatchObject({
      label: '2022/23',
      totalSpend: '415000000.00',
      localSpend: '91000000.00',
      localSupplierCount: 981,
      vcfseSpend: '37350000.00',
      vcfseShare: 0.09,
      redactedSpend: '4500000.00',
    });
    expect(m.localShare).toBe(91 / 415);
  });

  it('has 2021/22 a little lower, so the change shows', async () => {
    const m = (
      await t.as(viewer, { method: 'GET', url: '/v1/organisations/wigan/metrics?year=2022' })
    ).json();
    const targets = SAMPLE_YEARS[2021]!;
    expect(m.previousYear).toMatchObject({
      totalSpend: '398600000.00',
      localSpend: '84300000.00',
      localSupplierCount: 940,
    });
    expect(m.change.totalSpend).toBeCloseTo(415 / 398.6 - 1, 12);
    expect(m.change.localShare).toBeCloseTo(
      91 / 415 - Number(targets.local) / Number(targets.total),
      12,
    );
    expect(m.change.vcfseShare).toBeCloseTo(0.09 - 0.084, 12);
  });

  it('classifies nearly all of the spend, as the registers allow', async () => {
    const c = (
      await t.as(viewer, { method: 'GET', url: '/v1/organisations/wigan/classification?year=2022' })
    ).json();
    // Unknown location: the redacted payments (£4.5m) and the suppliers nothing is known of (£6m).
    expect(c.location).toEqual({
      knownSpend: '404500000.00',
      unknownSpend: '10500000.00',
      knownShare: 404.5 / 415,
    });
  });
});
