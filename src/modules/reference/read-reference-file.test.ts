import { describe, expect, it } from 'vitest';
import { AppError } from '../../http/problem.ts';
import { charityParser } from './charity-register.ts';
import { mutualParser } from './fca-mutuals.ts';
import { postcodeParser } from './onspd.ts';
import { MAX_WARNINGS, readReferenceFile, type ReferenceSource } from './read-reference-file.ts';

const source = (text: string, fileName: string | null = null): ReferenceSource => ({
  fileName,
  bytes: [Buffer.from(text, 'utf8')],
});

async function readAll<R>(reader: { batches: AsyncGenerator<R[]> }): Promise<R[]> {
  const out: R[] = [];
  for await (const batch of reader.batches) out.push(...batch);
  return out;
}

async function problemOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

const NSPL_HEAD = 'pcd,pcds,dointr,doterm,usertype,laua,ward,lsoa11,lsoa21';
const nsplRow = (pcds: string, lad = 'E08000010', doterm = '') =>
  `"${pcds.replace(' ', '')}","${pcds}","199901","${doterm}","0","${lad}","E05000849","E01006262","E01006262"`;

describe('readReferenceFile', () => {
  it('streams the records and counts them, with format and edition', async () => {
    const text = [
      NSPL_HEAD,
      nsplRow('WN1 1AA'),
      nsplRow('M1 1AE', 'E08000003'),
      nsplRow('WN1 9ZZ', 'E08000010', '201905'),
    ].join('\r\n');
    const progress: number[] = [];
    const reader = readReferenceFile(postcodeParser, [source(text, 'NSPL_MAY_2022_UK.csv')], (n) =>
      progress.push(n),
    );
    const records = await readAll(reader);
    expect(records.map((r) => r.postcode)).toEqual(['WN1 1AA', 'M1 1AE', 'WN1 9ZZ']);
    expect(reader.outcome()).toEqual({
      format: 'nspl',
      edition: '2022-05',
      lsoaVintage: null,
      rows: { read: 3, loaded: 3, skipped: 0, excluded: 0 },
      warnings: [],
      warningCount: 0,
    });
    expect(progress.at(-1)).toBe(3);
  });

  it('reports rows whose field count is off, and bad values, with their line numbers', async () => {
    const text = [
      NSPL_HEAD,
      nsplRow('WN1 1AA'),
      '"WN11AB","WN1 1AB","199901"',
      nsplRow('BAD'),
      nsplRow('WN1 1AD'),
      nsplRow('WN1 1AE'),
      `${nsplRow('WN1 1AF')},,`,
    ].join('\n');
    const reader = readReferenceFile(postcodeParser, [source(text)]);
    expect(await readAll(reader)).toHaveLength(4);
    const outcome = reader.outcome();
    expect(outcome.rows).toEqual({ read: 6, loaded: 4, skipped: 2, excluded: 0 });
    expect(outcome.warnings).toEqual([
      {
        row: 3,
        column: null,
        value: null,
        message:
          'The row has 3 fields where the header has 9 (a stray delimiter, quote or line break?).',
      },
      { row: 4, column: 'pcds', value: 'BAD', message: 'pcds is not a postcode.' },
    ]);
  });

  it('skips a title line above the header', async () => {
    const text = ['ONS Postcode Directory extract', '', NSPL_HEAD, nsplRow('WN1 1AA')].join('\n');
    const reader = readReferenceFile(postcodeParser, [source(text)]);
    expect(await readAll(reader)).toHaveLength(1);
  });

  it('refuses a header it does not know with 422, listing the columns expected and found', async () => {
    const reader = readReferenceFile(postcodeParser, [
      source('postcode,district\nWN1 1AA,Wigan\n'),
    ]);
    const problem = await problemOf(readAll(reader));
    expect(problem.status).toBe(422);
    expect(problem.code).toBe('unknown-format');
    expect(problem.message).toMatch(/no known postcodes format/);
    expect(problem.message).toMatch(/Columns found: postcode, district\./);
    expect(problem.extra.errors).toContainEqual({
      row: 1,
      column: 'oslaua (or lad25cd ...)',
      value: null,
      message: 'ONS Postcode Directory (ONSPD) has this column.',
    });
  });

  it('refuses an empty file and one with a header but no loadable rows', async () => {
    expect((await problemOf(readAll(readReferenceFile(postcodeParser, [source('')])))).code).toBe(
      'empty-file',
    );
    const headerOnly = readReferenceFile(postcodeParser, [source(`${NSPL_HEAD}\n`)]);
    expect((await problemOf(readAll(headerOnly))).code).toBe('no-rows');
  });

  it('refuses a file where most rows are bad, listing the first problems', async () => {
    const lines = [NSPL_HEAD, nsplRow('WN1 1AA')];
    for (let i = 0; i < 150; i++) lines.push(nsplRow(`BAD${i}`));
    const problem = await problemOf(
      readAll(readReferenceFile(postcodeParser, [source(lines.join('\n'))])),
    );
    expect(problem.code).toBe('too-many-bad-rows');
    expect(problem.message).toMatch(/^150 of 151 rows could not be read/);
    expect(problem.extra.errors).toHaveLength(MAX_WARNINGS);
    expect(problem.extra.errorCount).toBe(150);
  });

  it('keeps the first 100 warnings of a file with many, and counts them all', async () => {
    const lines = [NSPL_HEAD];
    for (let i = 0; i < 400; i++) lines.push(nsplRow(i % 3 === 0 ? `BAD${i}` : 'WN1 1AA'));
    const reader = readReferenceFile(postcodeParser, [source(lines.join('\n'))]);
    await readAll(reader);
    expect(reader.outcome().warnings).toHaveLength(100);
    expect(reader.outcome().warningCount).toBe(134);
  });

  it('reads a tab-separated register with a BOM, leaving linked charities out', async () => {
    const head =
      '\uFEFFdate_of_extract\tregistered_charity_number\tlinked_charity_number\tcharity_name';
    const text = [
      head,
      '2026-11-20\t1150001\t0\tFood Bank',
      '2026-11-20\t1150001\t1\tFood Bank Shop',
      '2026-11-20\t1150002\t0\tYouth Zone',
    ].join('\n');
    const reader = readReferenceFile(charityParser, [source(text)]);
    expect((await readAll(reader)).map((c) => c.charityNumber)).toEqual(['1150001', '1150002']);
    expect(reader.outcome()).toMatchObject({
      edition: '2026-11-20',
      rows: { read: 3, loaded: 2, excluded: 1, skipped: 0 },
    });
  });

  it('reads several parts of one file in order, and refuses parts in different formats', async () => {
    const part1 = source([NSPL_HEAD, nsplRow('WN1 1AA')].join('\n'), 'NSPL_MAY_2022_UK_part1.csv');
    const part2 = source([NSPL_HEAD, nsplRow('WN1 1AB')].join('\n'));
    const reader = readReferenceFile(postcodeParser, [part1, part2]);
    expect((await readAll(reader)).map((r) => r.postcode)).toEqual(['WN1 1AA', 'WN1 1AB']);
    expect(reader.outcome()).toMatchObject({ edition: '2022-05', rows: { read: 2 } });

    const onspd = source('pcds,doterm,oslaua\nWN1 1AC,,E08000010\n', 'other.csv');
    const mixed = readReferenceFile(postcodeParser, [part1, onspd]);
    const problem = await problemOf(readAll(mixed));
    expect(problem.code).toBe('mixed-formats');
    expect(problem.message).toMatch(/nspl and onspd \(other\.csv\)/);
  });

  it('explains a zip file and an unreadable quote as 422 problems', async () => {
    const zip: ReferenceSource = {
      fileName: 'x.zip',
      bytes: [Buffer.from([0x50, 0x4b, 3, 4, 0, 0, 0])],
    };
    const zipped = await problemOf(readAll(readReferenceFile(mutualParser, [zip])));
    expect(zipped.code).toBe('binary-file');
    expect(zipped.message).toMatch(/load the CSV inside/);

    const text = `Society Name,Full Registation Number,Society Address\n"Never closed,1R,Wigan\n`;
    const broken = await problemOf(readAll(readReferenceFile(mutualParser, [source(text)])));
    expect(broken.code).toBe('unreadable-file');
    expect(broken.extra.errors?.[0]).toMatchObject({ row: 2 });
  });
});
