import { describe, expect, it } from 'vitest';
import { FileRejectedError, MappedCsvFile } from '../ingest/mapped-csv-file.ts';
import { SUPPLIER_KIND, type SupplierRow } from './supplier-csv.ts';

async function load(text: string) {
  const file = new MappedCsvFile(SUPPLIER_KIND, [new TextEncoder().encode(text)]);
  const rows: SupplierRow[] = [];
  for await (const batch of file.rows()) rows.push(...batch);
  return { file, rows };
}

describe('supplier lists', () => {
  it('reads a supplier master with synonyms, normalising what the tags need', async () => {
    const { file, rows } = await load(
      'Vendor ID,Vendor Name,Address,Post Code,Company Reg No,Charity Number,Number of Employees,Annual Turnover,Balance Sheet Total\n' +
        'S001,The Wigan Brick Co. Limited,"Unit 4, Wheatlea Ind Est, Wigan",wn3 6xp,1234567,,12,"£1,200,000.00",£300000\n' +
        'S002,Wigan & Leigh Hospice,"Kildare St, Hindley WN2 3HZ",,,1012345,120,,\n',
    );
    expect(file.mapping?.headers).toMatchObject({
      reference: 'Vendor ID',
      name: 'Vendor Name',
      postcode: 'Post Code',
      companyNumber: 'Company Reg No',
      employees: 'Number of Employees',
    });
    expect(rows).toEqual([
      {
        line: 2,
        reference: 'S001',
        name: 'The Wigan Brick Co. Limited',
        nameKey: 'WIGAN BRICK CO LTD',
        address: 'Unit 4, Wheatlea Ind Est, Wigan',
        postcode: 'WN3 6XP',
        companyNumber: '01234567',
        charityNumber: null,
        societyNumber: null,
        vatNumber: null,
        employees: 12,
        turnoverPence: 120_000_000n,
        balanceSheetPence: 30_000_000n,
      },
      expect.objectContaining({
        reference: 'S002',
        postcode: 'WN2 3HZ',
        charityNumber: '1012345',
        employees: 120,
        turnoverPence: null,
      }),
    ]);
  });

  it('leaves an unreadable postcode unknown, with a warning, rather than refusing the file', async () => {
    const { rows, file } = await load(
      'Supplier ID,Supplier Name,Postcode\nS1,A Ltd,WIGAN\nS2,B Ltd,N/A\n',
    );
    expect(rows.map((r) => r.postcode)).toEqual([null, null]);
    expect(file.warnings()).toEqual([
      {
        code: 'unreadable-values',
        message: '1 postcode(s) could not be read and were left unknown (lines 2).',
      },
    ]);
  });

  it('refuses duplicate references, empty names and a bad number of employees, naming each line', async () => {
    const { file } = await load(
      'Supplier ID,Supplier Name,Employees\nS1,A Ltd,10\nS1,B Ltd,5\nS2,,3\nS3,C Ltd,lots\n',
    );
    expect(file.errors).toEqual([
      { row: 3, column: 'Supplier ID', value: 'S1', message: 'the reference is also on line 2' },
      { row: 4, column: 'Supplier Name', value: '', message: 'the supplier name is empty' },
      {
        row: 5,
        column: 'Employees',
        value: 'lots',
        message: '"lots" is not a number of employees',
      },
    ]);
  });

  it('needs a reference and a name column', async () => {
    const error = await load('Name,Postcode\nA Ltd,WN1 1AA\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).errors[0]?.message).toContain(
      'no column looks like the supplier reference',
    );
  });
});
