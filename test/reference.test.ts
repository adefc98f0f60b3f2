import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReferenceDataset } from '../src/db/schema.ts';
import * as repo from '../src/modules/reference/reference.repository.ts';
import { buildTestApp, createOrgWithKey, wigan, type TestApp } from './helpers/test-app.ts';
import { testDbKind } from './helpers/test-db.ts';

const FIXTURES = new URL('../fixtures/reference/', import.meta.url);
const ONSPD = 'ONSPD_AUG_2026_UK_sample.csv';
const NSPL = 'NSPL_MAY_2022_UK_sample.csv';
const IOD2019 = 'File_7_IoD2019_sample.csv';
const IOD2025 = 'File_7_IoD2025_sample.csv';
const CHARITIES = 'publicextract.charity.txt';
const COMPANIES = 'BasicCompanyData-2026-11-01-sample.csv';
const MUTUALS = 'SocietyList-2026-11-sample.csv';

const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

let t: TestApp;
let viewer: string;
let finance: string;

beforeAll(async () => {
  t = await buildTestApp();
  viewer = await createOrgWithKey(t, wigan, 'viewer');
  finance = await createOrgWithKey(t, wigan, 'finance');
});
afterAll(() => t.close());

/** POSTs a file to /v1/reference/:dataset as the admin (or the key given). */
function upload(
  dataset: string,
  body: string | Buffer,
  options: { fileName?: string; key?: string; contentType?: string } = {},
) {
  const query = options.fileName ? `?filename=${encodeURIComponent(options.fileName)}` : '';
  const inject = {
    method: 'POST' as const,
    url: `/v1/reference/${dataset}${query}`,
    headers: { 'content-type': options.contentType ?? 'text/csv' },
    payload: body,
  };
  return options.key ? t.as(options.key, inject) : t.asAdmin(inject);
}
const uploadFixture = (dataset: ReferenceDataset, name: string) =>
  upload(dataset, fixture(name), { fileName: name });

const count = async (table: string) => {
  const { rows } = await sql<{
    n: string;
  }>`SELECT count(*)::text AS n FROM ${sql.table(table)}`.execute(t.database.db);
  return Number(rows[0]?.n);
};
const loadsRecorded = async () => count('reference_loads');

describe('reference data: loading the official formats', () => {
  it('lists every dataset as not loaded at first, to any key', async () => {
    const res = await t.as(viewer, { method: 'GET', url: '/v1/reference' });
    expect(res.statusCode).toBe(200);
    expect(
      res.json().datasets.map((d: { dataset: string; loaded: boolean }) => [d.dataset, d.loaded]),
    ).toEqual([
      ['postcodes', false],
      ['deprivation', false],
      ['charities', false],
      ['companies', false],
      ['mutuals', false],
    ]);
  });

  it('loads the ONSPD: 201 with the summary, every postcode stored, terminated ones kept', async () => {
    const res = await uploadFixture('postcodes', ONSPD);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      dataset: 'postcodes',
      format: 'onspd',
      edition: '2026-08',
      lsoaVintage: null,
      fileName: ONSPD,
      rows: { read: 63, loaded: 63, skipped: 0, excluded: 0 },
      warnings: [],
      warningCount: 0,
      loadedBy: 'admin-token',
    });
    expect(res.json().seconds).toBeGreaterThanOrEqual(0);
    expect(await count('ref_postcodes')).toBe(63);

    const areas = await repo.findPostcodeAreas(t.database.db, [
      'WN1 9ZZ',
      'WN7 1AB',
      'GY1 1AA',
      'ZZ9 9ZZ',
    ]);
    const byPostcode = Object.fromEntries(areas.map((a) => [a.postcode, a]));
    expect(Object.keys(byPostcode).sort()).toEqual(['GY1 1AA', 'WN1 9ZZ', 'WN7 1AB']);
    expect(byPostcode['WN1 9ZZ']).toMatchObject({ lad: 'E08000010', terminated: '201905' });
    expect(byPostcode['WN7 1AB']).toMatchObject({
      lad: 'E08000010',
      terminated: null,
      usertype: 0,
    });
    // Guernsey: pseudo codes mean no district.
    expect(byPostcode['GY1 1AA']).toMatchObject({ lad: null, lsoa11: null });
  });

  it('loads IoD2019 and matches postcodes on their 2011 LSOAs', async () => {
    const res = await uploadFixture('deprivation', IOD2019);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      format: 'iod',
      edition: 'IoD2019',
      lsoaVintage: '2011',
      rows: { read: 59, loaded: 59, skipped: 0 },
    });
    const [area] = await repo.findPostcodeAreas(t.database.db, ['WN3 4EF']);
    expect(area).toMatchObject({
      lsoa: 'E01006300',
      imd_decile: 1,
      deprivation_edition: 'IoD2019',
    });
  });

  it('loads IoD2025 in its place and matches postcodes on their 2021 LSOAs', async () => {
    const res = await uploadFixture('deprivation', IOD2025);
    expect(res.json()).toMatchObject({
      edition: 'IoD2025',
      lsoaVintage: '2021',
      rows: { loaded: 59 },
    });
    expect(await repo.findDeprivationVintage(t.database.db)).toBe('2021');
    const areas = await repo.findPostcodeAreas(t.database.db, ['WN3 4EF', 'WN2 2AB', 'CF10 1AA']);
    const decile = Object.fromEntries(areas.map((a) => [a.postcode, a.imd_decile]));
    // WN3 4EF's 2011 LSOA was split in 2021: the new LSOA is in decile 2.
    expect(areas.find((a) => a.postcode === 'WN3 4EF')).toMatchObject({ lsoa: 'E01035101' });
    expect(decile).toEqual({ 'WN3 4EF': 2, 'WN2 2AB': 1, 'CF10 1AA': null });
  });

  it('loads the charity register: main charities only, numbers and postcodes normalised', async () => {
    const res = await uploadFixture('charities', CHARITIES);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      format: 'charity-register',
      edition: '2026-11-20',
      rows: { read: 16, loaded: 14, skipped: 0, excluded: 2 },
    });
    const [hospice] = await repo.findCharitiesByNumber(t.database.db, ['511004']);
    expect(hospice).toMatchObject({
      name: 'The Makerfield Hospice',
      name_key: 'MAKERFIELD HOSPICE',
      company_number: '02987654',
      postcode: 'WN4 8EE',
      status: 'Registered',
    });
    const [removed] = await repo.findCharitiesByNumber(t.database.db, ['1012005']);
    expect(removed).toMatchObject({ status: 'Removed', removed_on: '2019-03-31' });
    const byCompany = await repo.findCharitiesByCompanyNumber(t.database.db, ['08123456']);
    expect(byCompany.map((c) => c.charity_number)).toEqual(['1150001']);
    const [cio] = await repo.findCharitiesByNameKey(t.database.db, [
      'LEIGH COMMUNITY SPORTS ASSOCIATION',
    ]);
    expect(cio).toMatchObject({ charity_type: 'CIO', is_cio: true });
  });

  it('loads BasicCompanyData: categories, statuses, accounts and SIC codes', async () => {
    const res = await uploadFixture('companies', COMPANIES);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      format: 'basic-company-data',
      edition: '2026-11-01',
      rows: { read: 30, loaded: 30, skipped: 0 },
    });
    const companies = await repo.findCompaniesByNumber(t.database.db, [
      '09876543',
      '06789012',
      '11223344',
      '14001002',
      '14112233',
    ]);
    const byNumber = Object.fromEntries(companies.map((c) => [c.company_number, c]));
    expect(byNumber['09876543']).toMatchObject({
      name_key: 'PEMBERTON BUILDERS LTD',
      postcode: 'WN5 9UN',
      category: 'Private Limited Company',
      accounts_category: 'MICRO ENTITY',
      sic_codes: ['41202', '43390'],
    });
    expect(byNumber['06789012']).toMatchObject({ status: 'Dissolved' });
    expect(byNumber['11223344']).toMatchObject({ category: 'Community Interest Company' });
    expect(byNumber['14001002']!.name).toBe('SMITH, JONES & CO "THE BUILDERS" LIMITED');
    expect(byNumber['14112233']).toMatchObject({ postcode: null, sic_codes: [] });
    const { rows } = await sql<{ category: string }>`
      SELECT DISTINCT accounts_category AS category FROM ref_companies ORDER BY 1`.execute(
      t.database.db,
    );
    expect(rows.map((r) => r.category)).toEqual([
      'ACCOUNTS TYPE NOT AVAILABLE',
      'AUDIT EXEMPTION SUBSIDIARY',
      'AUDITED ABRIDGED',
      'DORMANT',
      'FILING EXEMPTION SUBSIDIARY',
      'FULL',
      'GROUP',
      'INITIAL',
      'MEDIUM',
      'MICRO ENTITY',
      'NO ACCOUNTS FILED',
      'PARTIAL EXEMPTION',
      'SMALL',
      'TOTAL EXEMPTION FULL',
      'TOTAL EXEMPTION SMALL',
      'UNAUDITED ABRIDGED',
    ]);
  });

  it('loads the FCA society list, taking postcodes from the addresses', async () => {
    const res = await uploadFixture('mutuals', MUTUALS);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      format: 'fca-mutuals',
      edition: '2026-11',
      rows: { loaded: 11 },
    });
    const mutuals = await repo.findMutualsByNumber(t.database.db, ['31117R', '24680R', '28345R']);
    const byNumber = Object.fromEntries(mutuals.map((m) => [m.society_number, m]));
    expect(byNumber['31117R']).toMatchObject({
      registered_as: 'Co-operative Society',
      postcode: 'WN2 2AB',
      status: 'Registered',
    });
    expect(byNumber['24680R']).toMatchObject({ postcode: null });
    expect(byNumber['28345R']).toMatchObject({ status: 'Deregistered' });
  });

  it('lists what is loaded, with format, edition and rows', async () => {
    const res = await t.as(finance, { method: 'GET', url: '/v1/reference' });
    expect(res.statusCode).toBe(200);
    expect(res.json().datasets).toEqual([
      expect.objectContaining({
        dataset: 'postcodes',
        loaded: true,
        format: 'onspd',
        edition: '2026-08',
        rows: 63,
      }),
      expect.objectContaining({
        dataset: 'deprivation',
        format: 'iod',
        edition: 'IoD2025',
        lsoaVintage: '2021',
        rows: 59,
      }),
      expect.objectContaining({ dataset: 'charities', edition: '2026-11-20', rows: 14 }),
      expect.objectContaining({ dataset: 'companies', edition: '2026-11-01', rows: 30 }),
      expect.objectContaining({ dataset: 'mutuals', edition: '2026-11', rows: 11 }),
    ]);
    expect(res.json().datasets[0].loadedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('records each load and writes it to the audit log', async () => {
    expect(await loadsRecorded()).toBe(6);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['actor', 'target'])
      .where('action', '=', 'reference.load')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.target)).toEqual([
      'postcodes',
      'deprivation',
      'deprivation',
      'charities',
      'companies',
      'mutuals',
    ]);
  });
});

describe('reference data: look-ups for tagging', () => {
  it('finds register entries by exact name key, many keys at once', async () => {
    const companies = await repo.findCompaniesByNameKey(t.database.db, [
      'PEMBERTON BUILDERS LTD',
      'WIGAN BOROUGH FOOD BANK TRUST',
      'NOBODY LTD',
    ]);
    expect(companies.map((c) => c.company_number).sort()).toEqual(['08123456', '09876543']);
    const mutuals = await repo.findMutualsByNameKey(t.database.db, ['MAKERFIELD CREDIT UNION LTD']);
    expect(mutuals.map((m) => m.society_number)).toEqual(['613C']);
  });

  it('suggests near names from all three registers, best first', async () => {
    const near = await repo.findNearNames(t.database.db, 'WIGAN COMMUNITY ENERGY COOPERATIVE');
    expect(near.slice(0, 2).map((n) => [n.register, n.number])).toEqual(
      expect.arrayContaining([
        ['mutuals', '31117R'],
        ['companies', 'IP31117R'],
      ]),
    );
    expect(near[0]!.similarity).toBeGreaterThan(0.5);
    expect(await repo.findNearNames(t.database.db, '')).toEqual([]);
  });

  it('answers empty for no keys without querying', async () => {
    expect(await repo.findPostcodeAreas(t.database.db, [])).toEqual([]);
    expect(await repo.findCompaniesByNumber(t.database.db, [])).toEqual([]);
  });
});

describe('reference data: replacing a load', () => {
  it('replaces the postcodes whole: the previous rows are gone, the new ones present', async () => {
    const res = await uploadFixture('postcodes', NSPL);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      format: 'nspl',
      edition: '2022-05',
      rows: { read: 25, loaded: 25 },
      warningCount: 1,
    });
    expect(res.json().warnings[0].message).toMatch(/2011 LSOAs only/);
    expect(await count('ref_postcodes')).toBe(25);
    // In the ONSPD sample, not in the NSPL one.
    expect(await repo.findPostcodeAreas(t.database.db, ['WN2 9ZZ'])).toEqual([]);
    const [m1] = await repo.findPostcodeAreas(t.database.db, ['M1 1AE']);
    expect(m1).toMatchObject({ lad: 'E08000003', lsoa21: null });

    const again = await uploadFixture('postcodes', ONSPD);
    expect(again.statusCode).toBe(201);
    expect(await count('ref_postcodes')).toBe(63);
    expect(await repo.findPostcodeAreas(t.database.db, ['WN2 9ZZ'])).toHaveLength(1);
  });

  it('keeps the index and constraint names, and leaves no load tables behind', async () => {
    const { rows: indexes } = await sql<{ name: string }>`
      SELECT indexname AS name FROM pg_indexes WHERE tablename LIKE 'ref\\_%' ORDER BY 1`.execute(
      t.database.db,
    );
    expect(indexes.map((i) => i.name)).toEqual([
      'ref_charities_company_number',
      'ref_charities_name_key',
      'ref_charities_name_trgm',
      'ref_charities_pkey',
      'ref_companies_name_key',
      'ref_companies_name_trgm',
      'ref_companies_pkey',
      'ref_deprivation_pkey',
      'ref_mutuals_name_key',
      'ref_mutuals_name_trgm',
      'ref_mutuals_pkey',
      'ref_postcodes_pkey',
    ]);
    const { rows: tables } = await sql<{ name: string }>`
      SELECT tablename AS name FROM pg_tables WHERE tablename LIKE 'ref\\_%' ORDER BY 1`.execute(
      t.database.db,
    );
    expect(tables.map((r) => r.name)).toEqual([
      'ref_charities',
      'ref_companies',
      'ref_deprivation',
      'ref_mutuals',
      'ref_postcodes',
    ]);
    const { rows: constraints } = await sql<{ name: string }>`
      SELECT conname AS name FROM pg_constraint
      WHERE conrelid = 'ref_postcodes'::regclass AND contype IN ('p', 'u', 'c') ORDER BY 1`.execute(
      t.database.db,
    );
    expect(constraints.map((c) => c.name)).toEqual([
      'ref_postcodes_pkey',
      'ref_postcodes_terminated_check',
    ]);
  });

  it('leaves the previous data untouched when a load fails part way through the file', async () => {
    const before = await loadsRecorded();
    const good = fixture(ONSPD).toString('utf8').trimEnd();
    // A quote opened on the last line and never closed: the COPY has the rows above already.
    const broken = `${good}\r\n"WN1 1ZZ","WN1  1ZZ","WN1 1ZZ\r\n`;
    const res = await upload('postcodes', broken, { fileName: 'broken.csv' });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: '/problems/unreadable-file', status: 422 });
    expect(res.json().errors[0]).toMatchObject({ row: 65 });
    expect(await count('ref_postcodes')).toBe(63);
    expect(await loadsRecorded()).toBe(before);
    const { rows } = await sql<{ n: string }>`
      SELECT count(*)::text AS n FROM pg_tables WHERE tablename = 'ref_postcodes_load'`.execute(
      t.database.db,
    );
    expect(rows[0]?.n).toBe('0');
  });

  it('refuses a file of mostly bad rows, listing them, and keeps the previous data', async () => {
    const lines = ['Society Name,Full Registation Number,Society Address'];
    lines.push('"Good Society Limited","40001R","1 High Street, Wigan WN1 1AA"');
    for (let i = 0; i < 5; i++) lines.push(`"Nameless ${i}","not a number ${i}",""`);
    const res = await upload('mutuals', lines.join('\n'));
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ type: '/problems/too-many-bad-rows', errorCount: 5 });
    expect(res.json().errors[0]).toMatchObject({
      row: 3,
      column: 'Full Registation Number',
      value: 'not a number 0',
    });
    expect(await count('ref_mutuals')).toBe(11);
  });

  it('loads a file with a few bad rows, reporting each with its line', async () => {
    const text =
      fixture(MUTUALS).toString('utf8').trimEnd() + '\r\n"","","","","","","","","","","",""\r\n';
    const res = await upload('mutuals', text, { fileName: MUTUALS });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      rows: { read: 12, loaded: 11, skipped: 1 },
      warningCount: 1,
    });
    expect(res.json().warnings).toEqual([
      {
        row: 13,
        column: 'Full Registation Number',
        value: '',
        message: 'Full Registation Number is not a society registration number.',
      },
    ]);
  });

  it('keeps the later row of a repeated key, and says so', async () => {
    const text = [
      'Society Name,Full Registation Number,Society Address,Registered As,Society Status',
      '"First Name Limited","50001R","Wigan WN1 1AA","Co-operative Society","Registered"',
      '"Other Society Limited","50002R","Leigh WN7 1AB","Co-operative Society","Registered"',
      '"Second Name Limited","50001r","Wigan WN1 2DA","Community Benefit Society","Registered"',
    ].join('\n');
    const res = await upload('mutuals', text);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ rows: { read: 3, loaded: 2, skipped: 1 }, warningCount: 1 });
    expect(res.json().warnings[0].message).toMatch(/^1 rows repeated a key .*50001R/);
    const [kept] = await repo.findMutualsByNumber(t.database.db, ['50001R']);
    expect(kept).toMatchObject({ name: 'Second Name Limited', postcode: 'WN1 2DA' });
    // Put the fixture back for the tests that follow.
    expect((await uploadFixture('mutuals', MUTUALS)).statusCode).toBe(201);
  });

  it('takes the file as a multipart upload too', async () => {
    const boundary = '----cwbtest';
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${IOD2019}"\r\nContent-Type: text/csv\r\n\r\n`,
      ),
      fixture(IOD2019),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await upload('deprivation', body, {
      contentType: `multipart/form-data; boundary=${boundary}`,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      fileName: IOD2019,
      edition: 'IoD2019',
      lsoaVintage: '2011',
    });
  });
});

describe('reference data: refusals', () => {
  it('answers a header it does not know with 422, listing the columns expected and found', async () => {
    const res = await upload('postcodes', fixture(COMPANIES), { fileName: COMPANIES });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body).toMatchObject({ type: '/problems/unknown-format', status: 422 });
    expect(body.detail).toMatch(
      /^The header matches no known postcodes format \(expected ONS Postcode Directory/,
    );
    expect(body.detail).toMatch(/Columns found: CompanyName, CompanyNumber, RegAddress\.CareOf/);
    expect(body.errors).toContainEqual({
      row: 1,
      column: 'pcds',
      value: null,
      message: 'ONS Postcode Directory (ONSPD) has this column.',
    });
    expect(await count('ref_postcodes')).toBe(63);
  });

  it('refuses a zip with 422 and an empty body with 422', async () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00]);
    const zipped = await upload('companies', zip, { contentType: 'application/octet-stream' });
    expect(zipped.statusCode).toBe(422);
    expect(zipped.json().type).toBe('/problems/binary-file');
    const empty = await upload('companies', '');
    expect(empty.statusCode).toBe(422);
    expect(await count('ref_companies')).toBe(30);
  });

  it('is for admins only: 403 for finance and viewer keys, 401 without a key', async () => {
    for (const key of [viewer, finance]) {
      const res = await upload('mutuals', fixture(MUTUALS), { key });
      expect(res.statusCode).toBe(403);
      expect(res.json().type).toBe('/problems/forbidden');
    }
    const anonymous = await t.app.inject({
      method: 'POST',
      url: '/v1/reference/mutuals',
      headers: { 'content-type': 'text/csv' },
      payload: fixture(MUTUALS),
    });
    expect(anonymous.statusCode).toBe(401);
    expect(await count('ref_mutuals')).toBe(11);
  });

  it('answers an unknown dataset with 400 naming the field', async () => {
    const res = await upload('spending', 'a,b\n1,2\n');
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ in: 'params', field: 'dataset' });
  });

  it.runIf(testDbKind === 'postgres')(
    'answers 409 while another load of the dataset runs',
    async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const holder = t.database.db.transaction().execute(async (trx) => {
        expect(await repo.lockDatasetForLoad(trx, 'mutuals')).toBe(true);
        locked();
        await held;
      });
      await lockTaken;
      try {
        const res = await uploadFixture('mutuals', MUTUALS);
        expect(res.statusCode).toBe(409);
        expect(res.json().detail).toMatch(/already running/);
      } finally {
        release();
        await holder;
      }
      expect((await uploadFixture('mutuals', MUTUALS)).statusCode).toBe(201);
    },
  );
});
