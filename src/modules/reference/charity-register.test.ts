import { describe, expect, it } from 'vitest';
import { charityParser, type CharityLayout } from './charity-register.ts';

// publicextract.charity.txt, as published (tab-separated; the first cell may carry a BOM).
const HEADER =
  'date_of_extract\torganisation_number\tregistered_charity_number\tlinked_charity_number\tcharity_name\tcharity_type\tcharity_registration_status\tdate_of_registration\tdate_of_removal\tcharity_reporting_status\tlatest_acc_fin_period_start_date\tlatest_acc_fin_period_end_date\tlatest_income\tlatest_expenditure\tcharity_contact_address1\tcharity_contact_address2\tcharity_contact_address3\tcharity_contact_address4\tcharity_contact_address5\tcharity_contact_postcode\tcharity_contact_phone\tcharity_contact_email\tcharity_contact_web\tcharity_company_registration_number\tcharity_insolvent\tcharity_in_administration\tcharity_previously_excepted\tcharity_is_cdf_or_cif\tcharity_is_cio\tcio_is_dissolved\tdate_cio_dissolution_notice\tcharity_activities\tcharity_gift_aid\tcharity_has_land'.split(
    '\t',
  );

function detect(header: readonly string[]): CharityLayout {
  const layout = charityParser.detectHeader(header, null);
  if (!layout) throw new Error('header not recognised');
  return layout;
}

const layout = detect(HEADER);
function row(values: Record<string, string>): string[] {
  return HEADER.map((column) => values[column] ?? '');
}
const foodBank = {
  date_of_extract: '2026-11-20 00:00:00',
  registered_charity_number: '1150001',
  linked_charity_number: '0',
  charity_name: 'The Wigan Borough Food Bank Trust',
  charity_type: 'Charitable company',
  charity_registration_status: 'Registered',
  date_of_registration: '2013-01-17 00:00:00',
  charity_contact_postcode: 'wn1 1aa',
  charity_company_registration_number: '8123456',
  charity_is_cio: 'False',
};

describe('charity register header', () => {
  it('finds the columns, whatever a BOM on the first', () => {
    const withBom = ['\uFEFFdate_of_extract', ...HEADER.slice(1)];
    expect(detect(withBom)).toMatchObject({
      format: 'charity-register',
      width: 34,
      number: 2,
      linked: 3,
      name: 4,
      postcode: 19,
      company: 23,
      extractDate: 0,
    });
  });

  it('refuses a header without the charity number, link or name', () => {
    expect(
      charityParser.detectHeader(['charity_name', 'charity_contact_postcode'], null),
    ).toBeNull();
  });
});

describe('charity register rows', () => {
  it('reads a main charity: number, names, key, postcode and company number normalised', () => {
    expect(charityParser.parseRow(row(foodBank), layout)).toEqual({
      kind: 'row',
      record: {
        charityNumber: '1150001',
        name: 'The Wigan Borough Food Bank Trust',
        nameKey: 'WIGAN BOROUGH FOOD BANK TRUST',
        charityType: 'Charitable company',
        isCio: false,
        status: 'Registered',
        registeredOn: '2013-01-17',
        removedOn: null,
        postcode: 'WN1 1AA',
        companyNumber: '08123456',
      },
      editionHint: '2026-11-20',
    });
  });

  it('reads a removed charity with its removal date, and a CIO', () => {
    const removed = charityParser.parseRow(
      row({
        ...foodBank,
        charity_registration_status: 'Removed',
        date_of_removal: '2021-03-31 00:00:00',
        charity_company_registration_number: '',
        charity_type: 'CIO',
        charity_is_cio: 'True',
      }),
      layout,
    );
    expect(removed).toMatchObject({
      record: {
        status: 'Removed',
        removedOn: '2021-03-31',
        companyNumber: null,
        charityType: 'CIO',
        isCio: true,
      },
    });
  });

  it('leaves out linked charities, not as errors', () => {
    expect(
      charityParser.parseRow(row({ ...foodBank, linked_charity_number: '2' }), layout),
    ).toEqual({ kind: 'excluded' });
  });

  it('keeps a row whose postcode or company number is junk, without them', () => {
    expect(
      charityParser.parseRow(
        row({
          ...foodBank,
          charity_contact_postcode: 'N/A',
          charity_company_registration_number: 'none',
        }),
        layout,
      ),
    ).toMatchObject({ kind: 'row', record: { postcode: null, companyNumber: null } });
  });

  it('reports a row without a number or a name', () => {
    expect(
      charityParser.parseRow(row({ ...foodBank, registered_charity_number: 'abc' }), layout),
    ).toMatchObject({ kind: 'bad', problem: { column: 'registered_charity_number' } });
    expect(charityParser.parseRow(row({ ...foodBank, charity_name: '  ' }), layout)).toMatchObject({
      kind: 'bad',
      problem: { column: 'charity_name', message: 'is empty' },
    });
  });

  it('takes the edition from the extract date', () => {
    expect(charityParser.edition(layout, 'publicextract.charity.txt', '2026-11-20')).toBe(
      '2026-11-20',
    );
  });
});
