import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { charityParser } from '../src/modules/reference/charity-register.ts';
import { companyParser } from '../src/modules/reference/companies-house.ts';
import { mutualParser } from '../src/modules/reference/fca-mutuals.ts';
import { deprivationParser } from '../src/modules/reference/imd.ts';
import { postcodeParser } from '../src/modules/reference/onspd.ts';
import { readReferenceFile } from '../src/modules/reference/read-reference-file.ts';
import type { Layout, ReferenceParser } from '../src/modules/reference/reference-format.ts';
import { generateReferenceFiles } from './generate-reference.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'cwb-generate-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(parser: ReferenceParser<Layout, unknown>, file: string) {
  const reader = readReferenceFile(parser, [
    { fileName: path.basename(file), bytes: createReadStream(file) },
  ]);
  for await (const _ of reader.batches);
  return reader.outcome();
}

describe('generate-reference', () => {
  it('writes files every loader reads without a bad row, the same for the same seed', async () => {
    const counts = {
      postcodes: 5000,
      companies: 3000,
      charities: 2000,
      deprivation2019: 500,
      deprivation2025: 520,
      mutuals: 300,
    };
    const { files } = await generateReferenceFiles(dir, counts);
    const postcodes = await read(postcodeParser, files.postcodes);
    expect(postcodes).toMatchObject({
      format: 'onspd',
      edition: '2026-11',
      rows: { read: 5000, loaded: 5000, skipped: 0 },
    });
    expect(await read(deprivationParser, files.deprivation2019)).toMatchObject({
      edition: 'IoD2019',
      lsoaVintage: '2011',
      rows: { loaded: 500, skipped: 0 },
    });
    expect(await read(deprivationParser, files.deprivation2025)).toMatchObject({
      edition: 'IoD2025',
      lsoaVintage: '2021',
      rows: { loaded: 520, skipped: 0 },
    });
    const charities = await read(charityParser, files.charities);
    expect(charities.rows).toMatchObject({ read: 2000, skipped: 0 });
    expect(charities.rows.excluded).toBeGreaterThan(100);
    expect(await read(companyParser, files.companies)).toMatchObject({
      format: 'basic-company-data',
      edition: '2026-11-01',
      rows: { read: 3000, loaded: 3000, skipped: 0 },
    });
    expect(await read(mutualParser, files.mutuals)).toMatchObject({
      rows: { loaded: 300, skipped: 0 },
    });

    const again = await generateReferenceFiles(path.join(dir, 'again'), counts);
    for (const key of ['postcodes', 'companies', 'charities'] as const) {
      expect(readFileSync(again.files[key]).equals(readFileSync(files[key]))).toBe(true);
    }
  });
});
