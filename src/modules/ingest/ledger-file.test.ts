import { describe, expect, it } from 'vitest';
import { FileRejectedError, LedgerFile } from './ledger-file.ts';
import { parseYesNo, type LedgerRow } from './ledger-csv.ts';

async function load(text: string | Uint8Array, mapping?: Record<string, string | number>) {
  const bytes = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const file = new LedgerFile([bytes], { mapping });
  const rows: LedgerRow[] = [];
  for await (const batch of file.rows()) rows.push(...batch);
  return { file, rows };
}

describe('LedgerFile', () => {
  it('finds the header under title lines, reads the rows and totals them in pence', async () => {
    const { file, rows } = await load(
      'Payments over £500 - April 2022\r\n\r\nDate,Supplier,Net Amount,Service Area,,\r\n01/04/2022,"Smith, J & Sons Ltd","£1,200.00",Adults,,\r\n02/04/2022,Redacted Personal Information,600.50,Children,,\r\n03/04/2022,Smith J and Sons Limited,(100.00),Adults,,\r\n',
    );
    expect(file.headerLine).toBe(3);
    expect(file.rowsRead).toBe(3);
    expect(file.totalPence).toBe(170050n);
    expect([file.firstDate, file.lastDate]).toEqual(['2022-04-01', '2022-04-03']);
    expect(
      rows.map((r) => [r.line, r.paymentDate, r.amountPence, r.supplierKey, r.redacted]),
    ).toEqual([
      [4, '2022-04-01', 120000, 'SMITH J AND SONS LTD', false],
      [5, '2022-04-02', 60050, null, true],
      [6, '2022-04-03', -10000, 'SMITH J AND SONS LTD', false],
    ]);
    expect(file.warnings().map((w) => w.code)).toEqual(['lines-above-header']);
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('collects every row error with its line, column and value', async () => {
    const { file, rows } = await load(
      'Date,Supplier,Amount\n31/02/2022,A,1.00\n01/03/2022,B,abc\n01/03/2022,,5\n01/03/2022,C,2.00\n',
    );
    expect(rows.map((r) => r.line)).toEqual([5]);
    expect(file.errorCount).toBe(3);
    expect(file.errors).toEqual([
      {
        row: 2,
        column: 'Date',
        value: '31/02/2022',
        message: '"31/02/2022" is not a date that exists',
      },
      { row: 3, column: 'Amount', value: 'abc', message: '"abc" is not an amount' },
      { row: 4, column: 'Supplier', value: '', message: 'the supplier is empty' },
    ]);
  });

  it('skips a total line and says so', async () => {
    const { file } = await load('Date,Supplier,Amount\n01/04/2022,A,1.00\n,,1.00\n');
    expect(file.rowsRead).toBe(1);
    expect(file.warnings()).toEqual([
      {
        code: 'skipped-lines',
        message:
          '1 line(s) had no payment date and no supplier (lines 3): read as totals or notes and skipped.',
      },
    ]);
  });

  it('reads a semicolon file with decimal commas, and a tab file', async () => {
    const semi = await load('Date;Supplier;Amount\n01/04/2022;A;1.234,56\n');
    expect(semi.rows[0]?.amountPence).toBe(123456);
    const tab = await load('Date\tSupplier\tAmount\n01/04/2022\tA, B\t1,234.56\n');
    expect(tab.rows[0]).toMatchObject({ supplierName: 'A, B', amountPence: 123456 });
  });

  it('reads Windows-1252 and reports it', async () => {
    const bytes = Uint8Array.from([
      ...new TextEncoder().encode('Date,Supplier,Amount\n01/04/2022,Caf'),
      0xe9,
      ...new TextEncoder().encode(' Ltd,'),
      0xa3,
      ...new TextEncoder().encode('5.00\n'),
    ]);
    const { file, rows } = await load(bytes);
    expect(rows[0]).toMatchObject({ supplierName: 'Café Ltd', amountPence: 500 });
    expect(file.warnings()[0]?.code).toBe('encoding');
  });

  it('refuses a file without a recognisable header, naming what is missing', async () => {
    const error = await load('When,How much,Who\n01/04/2022,1.00,A\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect((error as FileRejectedError).errors[0]?.message).toContain(
      'no column looks like the payment date, amount, supplier name',
    );
  });

  it('loads the same file with an explicit mapping', async () => {
    const { rows } = await load('When,How much,Who\n01/04/2022,1.00,A\n', {
      paymentDate: 'When',
      amount: 'How much',
      supplierName: 'Who',
    });
    expect(rows[0]).toMatchObject({
      paymentDate: '2022-04-01',
      amountPence: 100,
      supplierName: 'A',
    });
  });

  it('keeps optional identifiers, normalised', async () => {
    const { rows } = await load(
      'Date,Supplier,Amount,Supplier ID,Supplier Registered Company Number,Supplier Registered Charity Number,VAT Registration Number,Irrecoverable VAT,Invoice Received Date\n' +
        '01/04/2022,A,10.00,S1,1234567,1012345-1,GB123456789,N/A,20/03/2022\n',
    );
    expect(rows[0]).toMatchObject({
      supplierRef: 'S1',
      supplierKey: 'S1',
      companyNumber: '01234567',
      charityNumber: '1012345',
      vatNumber: '123456789',
      irrecoverableVatPence: null,
      invoiceReceivedDate: '2022-03-20',
    });
  });
});

describe('invoices not yet paid, and scope', () => {
  it('keeps a line with a received date and no payment date apart, as an unpaid invoice', async () => {
    const { file, rows } = await load(
      'Payment Date,Supplier Ref,Supplier,Invoice No,Date Received,In Scope,Amount\n' +
        '01/10/2025,S1,Acme Ltd,A-1,30/09/2025,Y,10.00\n' +
        ',S1,Acme Ltd,A-2,15/10/2025,N,20.00\n' +
        'n/a,,Redacted personal data,,16/10/2025,,5.00\n',
    );
    expect(rows.map((r) => [r.line, r.inScope, r.invoiceReceivedDate])).toEqual([
      [2, true, '2025-09-30'],
    ]);
    expect(file.totalPence).toBe(1000n);
    expect(file.unpaidInvoices).toEqual([
      {
        line: 3,
        supplierName: 'Acme Ltd',
        supplierRef: 'S1',
        supplierKey: 'S1',
        invoiceNumber: 'A-2',
        invoiceReceivedDate: '2025-10-15',
        amountPence: 2000,
        inScope: false,
      },
      {
        line: 4,
        supplierName: 'Redacted personal data',
        supplierRef: null,
        supplierKey: null,
        invoiceNumber: null,
        invoiceReceivedDate: '2025-10-16',
        amountPence: 500,
        inScope: null,
      },
    ]);
    expect(file.warnings().map((w) => w.code)).toContain('unpaid-invoices');
  });

  it('still refuses a line with no payment date when the file has no received dates', async () => {
    const { file } = await load('Payment Date,Supplier,Amount\n,Acme Ltd,10.00\n');
    expect(file.errors[0]).toMatchObject({ row: 2, column: 'Payment Date' });
  });

  it('names an unpaid line whose received date or amount is wrong', async () => {
    const { file } = await load(
      'Payment Date,Supplier,Date Received,Amount\n,Acme Ltd,31/02/2025,10.00\n,Acme Ltd,01/02/2025,ten\n',
    );
    expect(file.errors.map((e) => [e.row, e.column, e.value])).toEqual([
      [2, 'Date Received', '31/02/2025'],
      [3, 'Amount', 'ten'],
    ]);
    expect(file.unpaidInvoices).toEqual([]);
  });
});

describe('parseYesNo', () => {
  it.each([
    ['Yes', true],
    ['y', true],
    ['TRUE', true],
    ['1', true],
    ['In scope', true],
    ['No', false],
    ['N', false],
    ['0', false],
    ['Out of scope', false],
    ['', null],
    ['n/a', null],
  ])('%j -> %s', (raw, value) => {
    expect(parseYesNo(raw)).toEqual({ ok: true, value });
  });

  it('refuses anything else', () => {
    expect(parseYesNo('maybe')).toMatchObject({ ok: false });
  });
});
