import { readFileSync } from 'node:fs';
import type { TestApp } from './test-app.ts';

const FIXTURES = new URL('../../fixtures/reference/', import.meta.url);

export const REFERENCE_FIXTURES = {
  postcodes: 'ONSPD_AUG_2026_UK_sample.csv',
  deprivation2019: 'File_7_IoD2019_sample.csv',
  deprivation2025: 'File_7_IoD2025_sample.csv',
  charities: 'publicextract.charity.txt',
  companies: 'BasicCompanyData-2026-11-01-sample.csv',
  mutuals: 'SocietyList-2026-11-sample.csv',
} as const;

/** Loads one reference fixture through the API, as an admin; throws unless it loads. */
export async function loadReferenceFixture(
  t: TestApp,
  dataset: string,
  file: string,
): Promise<void> {
  const res = await t.asAdmin({
    method: 'POST',
    url: `/v1/reference/${dataset}?filename=${encodeURIComponent(file)}`,
    headers: { 'content-type': 'text/csv' },
    payload: readFileSync(new URL(file, FIXTURES)),
  });
  if (res.statusCode !== 201) throw new Error(`loading ${file}: ${res.statusCode} ${res.body}`);
}

/** Loads every reference dataset from the fixtures (IoD 2019 for deprivation). */
export async function loadAllReferenceFixtures(t: TestApp): Promise<void> {
  await loadReferenceFixture(t, 'postcodes', REFERENCE_FIXTURES.postcodes);
  await loadReferenceFixture(t, 'deprivation', REFERENCE_FIXTURES.deprivation2019);
  await loadReferenceFixture(t, 'charities', REFERENCE_FIXTURES.charities);
  await loadReferenceFixture(t, 'companies', REFERENCE_FIXTURES.companies);
  await loadReferenceFixture(t, 'mutuals', REFERENCE_FIXTURES.mutuals);
}
