import { describe, expect, it } from 'vitest';
import { mapColumns, MappingError, normaliseHeader } from './column-map.ts';
import { LEDGER_FIELDS } from './ledger-csv.ts';

const map = (header: string[], explicit?: Record<string, string | number>) =>
  mapColumns(header, LEDGER_FIELDS, { explicit, required: ['paymentDate', 'amount'] }).headers;

describe('normaliseHeader', () => {
  it('reads headers the way people write them', () => {
    expect(normaliseHeader(' Supplier(Beneficiary) Name ')).toBe('supplier beneficiary name');
    expect(normaliseHeader("Procurement Classification: Council's Procurement Category Name")).toBe(
      'procurement classification councils procurement category name',
    );
    expect(normaliseHeader('Amount (£)')).toBe('amount');
  });
});

describe('mapColumns with the ledger synonyms', () => {
  it('maps the Manchester header', () => {
    expect(
      map([
        'Body Name',
        'Service Area',
        'Expenses Type',
        'Invoice Payment Date',
        'Transaction Number',
        'Net Amount',
        'Supplier Name',
      ]),
    ).toEqual({
      body: 'Body Name',
      expenseArea: 'Service Area',
      expenseType: 'Expenses Type',
      paymentDate: 'Invoice Payment Date',
      transactionNumber: 'Transaction Number',
      amount: 'Net Amount',
      supplierName: 'Supplier Name',
    });
  });

  it('uses Net in a Gross/VAT/Net file', () => {
    expect(map(['Date', 'Supplier', 'Gross', 'VAT', 'Net']).amount).toBe('Net');
    expect(map(['Date', 'Supplier', 'Gross Amount', 'VAT Amount', 'Net Amount']).amount).toBe(
      'Net Amount',
    );
  });

  it('keeps the supplier reference apart from the transaction number', () => {
    const headers = map([
      'Payment Date',
      'Transaction Number',
      'Net Amount',
      'Supplier (Beneficiary) Name',
      'Local Supplier Internal Reference',
    ]);
    expect(headers.supplierRef).toBe('Local Supplier Internal Reference');
    expect(headers.transactionNumber).toBe('Transaction Number');
  });

  it('prefers the detailed expense type and the service to its division', () => {
    const headers = map([
      'Body name',
      'Service label',
      'Service division label',
      'Expenditure category',
      'Detailed expenditure type',
      'Date paid',
      'Net Amount',
      'Supplier name',
    ]);
    expect(headers.expenseArea).toBe('Service label');
    expect(headers.expenseType).toBe('Detailed expenditure type');
    expect(headers.paymentDate).toBe('Date paid');
  });

  it('lets an explicit mapping name a column by header or by number', () => {
    const headers = map(['When', 'How much', 'Who'], {
      paymentDate: 'When',
      amount: 2,
      supplierName: 'who',
    });
    expect(headers).toEqual({ paymentDate: 'When', amount: 'How much', supplierName: 'Who' });
  });

  it('refuses an explicit mapping that names a missing column or an unknown field', () => {
    expect(() => map(['Date', 'Amount', 'Supplier'], { amount: 'Net Amount' })).toThrow(
      MappingError,
    );
    const error = (() => {
      try {
        map(['Date', 'Amount', 'Supplier'], { colour: 'Date' });
      } catch (e) {
        return e as MappingError;
      }
    })();
    expect(error?.problems[0]?.message).toMatch(
      /^"colour" is not a field; fields are paymentDate, amount/,
    );
  });

  it('never maps a bank detail column, not even when a mapping names it', () => {
    const header = ['Date', 'Amount', 'Supplier', 'Bank Account Number', 'Sort Code'];
    expect(map(header)).not.toHaveProperty('supplierRef');
    try {
      map(header, { supplierRef: 'Bank Account Number', invoiceNumber: 5 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MappingError);
      expect((error as MappingError).problems).toEqual([
        {
          column: 'Bank Account Number',
          value: 'supplierRef',
          message:
            'column "Bank Account Number" holds bank details, which are never stored: map supplierRef to another column',
        },
        {
          column: 'Sort Code',
          value: 'invoiceNumber',
          message:
            'column "Sort Code" holds bank details, which are never stored: map invoiceNumber to another column',
        },
      ]);
    }
  });

  it('refuses two equally good columns for a required field', () => {
    try {
      map(['Date', 'Amount', 'Amount', 'Supplier']);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MappingError);
      expect((error as MappingError).problems[0]?.message).toContain(
        'columns 2 ("Amount") and 3 ("Amount") both look like the amount',
      );
    }
  });
});
