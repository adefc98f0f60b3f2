import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Delimiter } from '../csv/csv-reader.ts';
import { pick, seededRandom } from './random.ts';

/*
 * A seeded Wigan-like sample whose 2022/23 figures are the published ones: total spend
 * £415,000,000.00, of which £91,000,000.00 with 981 Wigan-based suppliers, and 9% with the VCFSE
 * sector; 2021/22 a little lower. Made up, like the reference fixtures: every supplier, number
 * and postcode is invented, in the formats the real files use.
 *
 * How the figures come out exactly: suppliers are drawn in groups, each with a target spend per
 * year; payments are random and the last one of each group takes the remainder. Every local
 * supplier is paid, and keeps a positive net, so the local supplier count is exact.
 *
 *   A  local, not VCFSE            B  local VCFSE (charities, CICs, co-operatives)
 *   C  VCFSE outside Wigan         D  everyone else (rest of Greater Manchester, elsewhere)
 *   U  nothing known of them       R  redacted payments (individuals)
 */

/** Wigan's local authority district code (ONS). */
export const WIGAN = 'E08000010';
/** The other nine districts of Greater Manchester. */
export const GREATER_MANCHESTER = [
  'E08000001',
  'E08000002',
  'E08000003',
  'E08000004',
  'E08000005',
  'E08000006',
  'E08000007',
  'E08000008',
  'E08000009',
];
const ELSEWHERE = [
  'E08000035',
  'E08000012',
  'E09000033',
  'E08000025',
  'E06000016',
  'E06000023',
  'E08000021',
  'E07000117',
];
const DISTRICT_NAMES: Record<string, string> = {
  E08000010: 'Wigan',
  E08000001: 'Bolton',
  E08000002: 'Bury',
  E08000003: 'Manchester',
  E08000004: 'Oldham',
  E08000005: 'Rochdale',
  E08000006: 'Salford',
  E08000007: 'Stockport',
  E08000008: 'Tameside',
  E08000009: 'Trafford',
  E08000035: 'Leeds',
  E08000012: 'Liverpool',
  E09000033: 'Westminster',
  E08000025: 'Birmingham',
  E06000016: 'Leicester',
  E06000023: 'Bristol',
  E08000021: 'Newcastle upon Tyne',
  E07000117: 'Burnley',
};
const OUTWARD: Record<string, string[]> = {
  E08000010: ['WN1', 'WN2', 'WN3', 'WN4', 'WN5', 'WN6', 'WN7', 'M29', 'M46'],
  E08000001: ['BL1', 'BL2', 'BL3'],
  E08000002: ['BL8', 'BL9'],
  E08000003: ['M1', 'M4', 'M13', 'M20'],
  E08000004: ['OL1', 'OL8'],
  E08000005: ['OL11', 'OL16'],
  E08000006: ['M5', 'M28'],
  E08000007: ['SK1', 'SK4'],
  E08000008: ['OL6', 'SK16'],
  E08000009: ['M33', 'M41'],
  E08000035: ['LS1', 'LS11'],
  E08000012: ['L1', 'L3'],
  E09000033: ['SW1A', 'W1D'],
  E08000025: ['B1', 'B5'],
  E06000016: ['LE1'],
  E06000023: ['BS1'],
  E08000021: ['NE1'],
  E07000117: ['BB11'],
};
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

const AREAS = [
  'Adult Social Care',
  'Children and Families',
  'Economy and Skills',
  'Environment',
  'Finance',
  'Housing',
  'Public Health',
  'Resources',
];
const TYPES = [
  'Agency Staff',
  'Building Repairs',
  'Catering',
  'Cleaning',
  'Consultancy',
  'Domiciliary Care',
  'Equipment',
  'Grants to Voluntary Bodies',
  'Highways Maintenance',
  'Home to School Transport',
  'ICT Software',
  'Legal Fees',
  'Residential Care',
  'Security',
  'Supported Living',
  'Training',
  'Utilities',
  'Waste Collection',
  'Youth Services',
  'Grounds Maintenance',
];
const PLACES = [
  'Wigan',
  'Leigh',
  'Ince',
  'Hindley',
  'Standish',
  'Orrell',
  'Pemberton',
  'Atherton',
  'Tyldesley',
  'Golborne',
  'Ashton',
  'Shevington',
  'Abram',
  'Aspull',
  'Astley',
  'Lowton',
  'Winstanley',
  'Worsley Mesnes',
  'Scholes',
  'Platt Bridge',
];
const OTHER_PLACES = [
  'Bolton',
  'Bury',
  'Salford',
  'Stockport',
  'Oldham',
  'Rochdale',
  'Trafford',
  'Tameside',
  'Northern',
  'Pennine',
  'Midland',
  'National',
  'Britannia',
  'Albion',
  'Regent',
  'Crown',
  'Summit',
  'Horizon',
  'Apex',
  'Meridian',
];
const TRADES = [
  'Builders',
  'Care Services',
  'Cleaning',
  'Consulting',
  'Electrical',
  'Engineering',
  'Foods',
  'Logistics',
  'Plumbing',
  'Print',
  'Recruitment',
  'Roofing',
  'Software',
  'Transport',
  'Joinery',
  'Landscapes',
  'Security',
  'Catering',
  'Training',
  'Facilities',
  'Scaffolding',
  'Decorators',
  'Glazing',
  'Waste Services',
  'Legal Services',
];
const CAUSES = [
  'Food Bank',
  'Youth Trust',
  'Carers Centre',
  'Community Trust',
  'Hospice',
  'Credit Union',
  'Sports Club',
  'Arts Centre',
  'Women\u2019s Refuge',
  'Mental Health Network',
  'Foundation',
  'Community Farm',
  'Advice Centre',
  'Befriending Service',
  'Men\u2019s Shed',
];

export interface SampleTargets {
  total: bigint;
  local: bigint;
  localSuppliers: number;
  vcfse: bigint;
  redacted: bigint;
  unknown: bigint;
  /** Local VCFSE spend (part of both local and VCFSE). */
  localVcfse: bigint;
}

/** The published 2022/23 figures, and a 2021/22 a little lower. Pence. */
export const SAMPLE_YEARS: Record<number, SampleTargets> = {
  2022: {
    total: 41_500_000_000n,
    local: 9_100_000_000n,
    localSuppliers: 981,
    vcfse: 3_735_000_000n,
    redacted: 450_000_000n,
    unknown: 600_000_000n,
    localVcfse: 1_200_000_000n,
  },
  2021: {
    total: 39_860_000_000n,
    local: 8_430_000_000n,
    localSuppliers: 940,
    vcfse: 3_348_240_000n,
    redacted: 430_000_000n,
    unknown: 620_000_000n,
    localVcfse: 1_100_000_000n,
  },
};

interface Place {
  postcode: string;
  lad: string;
  lsoa: string;
}

interface Supplier {
  ref: string;
  name: string;
  group: 'A' | 'B' | 'C' | 'D' | 'U';
  place: Place | null;
  /** How the tags find its place and kind: the supplier file, or a register entry. */
  postcodeInFile: boolean;
  companyNumber: string | null;
  charityNumber: string | null;
  societyNumber: string | null;
  employees: number | null;
  turnoverPence: bigint | null;
  /** The 2021/22 local suppliers are most, not all, of 2022/23's. */
  paidIn2021: boolean;
}

export interface SampleFiles {
  dir: string;
  reference: {
    postcodes: string;
    deprivation: string;
    charities: string;
    companies: string;
    mutuals: string;
  };
  suppliers: string;
  ledgers: string[];
  payments: number;
}

/** Writes the sample into `dir`. The same seed writes the same files, byte for byte. */
export function writeWiganSample(dir: string, seed = 415): SampleFiles {
  const random = seededRandom(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  mkdirSync(path.join(dir, 'reference'), { recursive: true });

  // Places: postcodes with their LSOAs. A quarter of Wigan's LSOAs are among the 20% most deprived.
  const lsoaDeciles = new Map<string, { lad: string; decile: number }>();
  const places = new Map<string, Place[]>();
  let lsoaNumber = 6000;
  const usedPostcodes = new Set<string>();
  for (const lad of [WIGAN, ...GREATER_MANCHESTER, ...ELSEWHERE]) {
    const count = lad === WIGAN ? 420 : GREATER_MANCHESTER.includes(lad) ? 40 : 30;
    const lsoas = Array.from({ length: Math.ceil(count / 4) }, () => {
      const code = `E0100${String(lsoaNumber++).padStart(4, '0')}`;
      const decile = lad === WIGAN ? (random() < 0.27 ? int(1, 2) : int(3, 10)) : int(1, 10);
      lsoaDeciles.set(code, { lad, decile });
      return code;
    });
    const list: Place[] = [];
    while (list.length < count) {
      const postcode = `${pick(random, OUTWARD[lad]!)} ${int(0, 9)}${pick(random, [...INWARD_LETTERS])}${pick(random, [...INWARD_LETTERS])}`;
      if (usedPostcodes.has(postcode)) continue;
      usedPostcodes.add(postcode);
      list.push({ postcode, lad, lsoa: pick(random, lsoas) });
    }
    places.set(lad, list);
  }
  const placeIn = (lads: readonly string[]) => pick(random, places.get(pick(random, lads))!);

  // Suppliers.
  const names = new Set<string>();
  const uniqueName = (make: () => string) => {
    for (;;) {
      const name = make();
      if (!names.has(name.toUpperCase())) {
        names.add(name.toUpperCase());
        return name;
      }
    }
  };
  let companySeq = 8_000_000;
  let charitySeq = 1_100_000;
  let societySeq = 30_000;
  let refSeq = 100_000;
  const suppliers: Supplier[] = [];
  const add = (group: Supplier['group'], make: (s: Supplier) => void) => {
    const s: Supplier = {
      ref: `W${refSeq++}`,
      name: '',
      group,
      place: null,
      postcodeInFile: false,
      companyNumber: null,
      charityNumber: null,
      societyNumber: null,
      employees: null,
      turnoverPence: null,
      paidIn2021: true,
    };
    make(s);
    suppliers.push(s);
  };
  const business = (s: Supplier, where: readonly string[], local: boolean) => {
    s.name = uniqueName(
      () =>
        `${pick(random, local ? PLACES : OTHER_PLACES)} ${pick(random, TRADES)} ${pick(random, ['Ltd', 'Limited', 'Services Ltd', '& Sons Ltd', 'Group Ltd', 'UK Ltd'])}`,
    );
    s.place = placeIn(where);
    s.companyNumber = String(companySeq++).padStart(8, '0');
    s.postcodeInFile = random() < 0.65;
    if (random() < 0.5) {
      s.employees = random() < 0.85 ? int(1, 240) : int(250, 4000);
      s.turnoverPence =
        BigInt(s.employees < 250 ? int(50_000, 40_000_000) : int(50_000_000, 900_000_000)) * 100n;
    }
  };
  // A: 831 local businesses.
  for (let i = 0; i < 831; i++) add('A', (s) => business(s, [WIGAN], true));
  // B: 150 local VCFSE: 100 charities, 30 CICs, 20 co-operatives.
  for (let i = 0; i < 150; i++) {
    add('B', (s) => {
      const kind = i < 100 ? 'charity' : i < 130 ? 'cic' : 'coop';
      s.place = placeIn([WIGAN]);
      s.name = uniqueName(
        () =>
          `${pick(random, PLACES)} ${kind === 'coop' ? pick(random, ['Community Energy', 'Food', 'Housing', 'Workers', 'Leisure']) : pick(random, CAUSES)}${kind === 'cic' ? ' CIC' : kind === 'coop' ? ' Co-operative' : ''}`,
      );
      if (kind === 'charity') s.charityNumber = String(charitySeq++);
      if (kind === 'cic') s.companyNumber = String(companySeq++).padStart(8, '0');
      if (kind === 'coop') s.societyNumber = `${societySeq++}R`;
      s.postcodeInFile = random() < 0.3;
    });
  }
  // C: 120 VCFSE outside Wigan.
  for (let i = 0; i < 120; i++) {
    add('C', (s) => {
      s.place = placeIn(random() < 0.6 ? GREATER_MANCHESTER : ELSEWHERE);
      s.name = uniqueName(() => `${pick(random, OTHER_PLACES)} ${pick(random, CAUSES)}`);
      s.charityNumber = String(charitySeq++);
    });
  }
  // D: 2,300 other suppliers: the rest of Greater Manchester and elsewhere.
  for (let i = 0; i < 2300; i++)
    add('D', (s) => business(s, i < 1000 ? GREATER_MANCHESTER : ELSEWHERE, false));
  // U: 180 suppliers nothing is known of: no postcode, no number, no register entry.
  for (let i = 0; i < 180; i++) {
    add('U', (s) => {
      s.name = uniqueName(
        () =>
          `${pick(random, ['J', 'A', 'M', 'S', 'P', 'D', 'K'])} ${pick(random, ['Ashworth', 'Barlow', 'Crompton', 'Fairclough', 'Gaskell', 'Hesketh', 'Lowe', 'Pilkington', 'Rigby', 'Topping', 'Unsworth', 'Winstanley'])} ${pick(random, ['Joinery', 'Driving Tuition', 'Tutoring', 'Photography', 'Music Lessons', 'Handyman', 'Gardening', 'Dog Walking', 'Translation', 'Catering'])}`,
      );
    });
  }
  // 41 of the 981 local suppliers are new in 2022/23.
  const local = suppliers.filter((s) => s.group === 'A' || s.group === 'B');
  for (const s of local.slice(-41)) s.paidIn2021 = false;

  const files: SampleFiles = {
    dir,
    reference: {
      postcodes: path.join(dir, 'reference', 'ONSPD_AUG_2026_UK.csv'),
      deprivation: path.join(dir, 'reference', 'File_7_IoD2019_All_Ranks_Scores_Deciles.csv'),
      charities: path.join(dir, 'reference', 'publicextract.charity.txt'),
      companies: path.join(dir, 'reference', 'BasicCompanyDataAsOneFile-2026-11-01.csv'),
      mutuals: path.join(dir, 'reference', 'SocietyList.csv'),
    },
    suppliers: path.join(dir, 'wigan-suppliers.csv'),
    ledgers: [],
    payments: 0,
  };
  writeReference(files, places, lsoaDeciles, suppliers, random);
  writeSupplierFile(files.suppliers, suppliers);

  // Ledgers: one file a quarter, Wigan's shape, with the invoice columns of a fuller AP export.
  // Received dates come from their own stream, so the payments are those of the sample without them.
  const received = seededRandom(seed * 31 + 7);
  const sequence = { next: 0 };
  for (const year of [2021, 2022]) {
    const payments = yearPayments(year, SAMPLE_YEARS[year]!, suppliers, random, sequence);
    files.payments += payments.length;
    for (let quarter = 0; quarter < 4; quarter++) {
      const inQuarter = payments
        .filter((p) => Math.floor(p.monthIndex / 3) === quarter)
        .sort((a, b) => a.date.localeCompare(b.date) || a.seq - b.seq);
      const file = path.join(
        dir,
        `wigan-spend-${year}-${String((year + 1) % 100).padStart(2, '0')}-q${quarter + 1}.csv`,
      );
      let text = `\uFEFFWigan Council - payments over \u00a3500 - ${year}/${String((year + 1) % 100).padStart(2, '0')} quarter ${quarter + 1}\r\n\r\n`;
      text +=
        'Directorate,Expense Type,Payment Date,Transaction Number,Invoice Number,Invoice Received Date,Supplier ID,Supplier Name,Net Amount,VAT,Gross Amount\r\n';
      for (const p of inQuarter) {
        const vat = (p.pence * 20n) / 100n;
        text +=
          [
            p.area,
            p.type,
            dmy(p.date),
            `PAY${p.seq}`,
            `INV${p.seq}`,
            dmy(daysBefore(p.date, daysToPay(received))),
            p.ref,
            csvQuote(p.name),
            money(p.pence),
            money(vat),
            money(p.pence + vat),
          ].join(',') + '\r\n';
      }
      writeFileSync(file, text);
      files.ledgers.push(file);
    }
  }
  return files;
}

interface Payment {
  seq: number;
  date: string;
  monthIndex: number;
  ref: string;
  name: string;
  area: string;
  type: string;
  pence: bigint;
}

/** One year's payments, group by group, each group's total exact. */
function yearPayments(
  year: number,
  targets: SampleTargets,
  suppliers: Supplier[],
  random: () => number,
  sequence: { next: number },
): Payment[] {
  const paid = (s: Supplier) =>
    year === 2022 || s.paidIn2021 || s.group === 'D' || s.group === 'C' || s.group === 'U';
  const groups: { suppliers: Supplier[]; pence: bigint; count: number; creditNotes: boolean }[] = [
    {
      suppliers: suppliers.filter((s) => s.group === 'A' && paid(s)),
      pence: targets.local - targets.localVcfse,
      count: 9000,
      creditNotes: true,
    },
    {
      suppliers: suppliers.filter((s) => s.group === 'B' && paid(s)),
      pence: targets.localVcfse,
      count: 1800,
      creditNotes: false,
    },
    {
      suppliers: suppliers.filter((s) => s.group === 'C'),
      pence: targets.vcfse - targets.localVcfse,
      count: 2200,
      creditNotes: false,
    },
    {
      suppliers: suppliers.filter((s) => s.group === 'U'),
      pence: targets.unknown,
      count: 900,
      creditNotes: false,
    },
    {
      suppliers: suppliers.filter((s) => s.group === 'D'),
      pence:
        targets.total -
        targets.local -
        (targets.vcfse - targets.localVcfse) -
        targets.unknown -
        targets.redacted,
      count: 34000,
      creditNotes: true,
    },
  ];
  const start = Date.UTC(year, 3, 1);
  const out: Payment[] = [];
  const payment = (s: Supplier | null, pence: bigint): Payment => {
    const day = Math.floor(random() * 365);
    const date = new Date(start + day * 86_400_000).toISOString().slice(0, 10);
    const monthIndex = (Number(date.slice(0, 4)) - year) * 12 + Number(date.slice(5, 7)) - 4;
    return {
      seq: ++sequence.next,
      date,
      monthIndex,
      ref: s?.ref ?? 'REDACTED',
      name: s?.name ?? 'Redacted Personal Information',
      area: pick(random, AREAS),
      type: pick(random, TYPES),
      pence,
    };
  };
  for (const group of groups)
    out.push(
      ...spread(group.pence, group.count, group.suppliers, group.creditNotes, random, payment),
    );
  // Redacted payments: individuals (care packages, direct payments).
  out.push(...spread(targets.redacted, 1500, [null], false, random, payment));
  return out;
}

/**
 * `count` payments adding up to exactly `pence`: every supplier paid at least once, amounts
 * spread unevenly (a few large contracts, many small invoices), all of at least £500; a few
 * credit notes, each smaller than what its supplier was already paid.
 */
function spread(
  pence: bigint,
  count: number,
  suppliers: (Supplier | null)[],
  creditNotes: boolean,
  random: () => number,
  payment: (s: Supplier | null, pence: bigint) => Payment,
): Payment[] {
  const weights = suppliers.map(() => Math.exp(random() * random() * 7));
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const chooser = (): number => {
    let r = random() * totalWeight;
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]!) <= 0) return i;
    return weights.length - 1;
  };
  const owners = [
    ...suppliers.keys(),
    ...Array.from({ length: Math.max(0, count - suppliers.length) }, chooser),
  ];
  const raw = owners.map(() => 1 + random() * random() * 40);
  const rawTotal = raw.reduce((a, b) => a + b, 0);
  const minimum = 50_000n; // £500
  const spare = pence - minimum * BigInt(owners.length);
  if (spare < 0n) throw new Error('sample: a group has too little spend for its payments');
  const amounts = raw.map((r) => minimum + BigInt(Math.floor((Number(spare) * r) / rawTotal)));
  const assigned = amounts.reduce((a, b) => a + b, 0n);
  amounts[amounts.length - 1]! += pence - assigned; // the remainder: exact to the penny
  const out = owners.map((i, k) => payment(suppliers[i]!, amounts[k]!));
  if (creditNotes) {
    // One payment in fifty comes with a credit note for part of it, kept within the group total.
    for (let k = 0; k < out.length; k += 50) {
      const credit = out[k]!.pence / 4n;
      if (credit < minimum) continue;
      out.push({ ...payment(null, -credit), ref: out[k]!.ref, name: out[k]!.name });
      out[k]!.pence += credit;
    }
  }
  return out;
}

function writeSupplierFile(file: string, suppliers: Supplier[]): void {
  let text =
    'Supplier ID,Supplier Name,Address,Postcode,Company Number,Charity Number,Society Number,Employees,Annual Turnover\r\n';
  for (const s of suppliers) {
    if (s.group === 'U' && s.ref.endsWith('7')) continue; // some suppliers are only in the ledger
    const town = s.place ? (DISTRICT_NAMES[s.place.lad] ?? '') : '';
    text +=
      [
        s.ref,
        csvQuote(s.name),
        csvQuote(s.place ? `${100 + (Number(s.ref.slice(1)) % 300)} High Street, ${town}` : ''),
        s.postcodeInFile && s.place ? s.place.postcode : '',
        s.companyNumber ?? '',
        s.charityNumber ?? '',
        s.societyNumber ?? '',
        s.employees ?? '',
        s.turnoverPence === null ? '' : money(s.turnoverPence),
      ].join(',') + '\r\n';
  }
  writeFileSync(file, text);
}

/** The reference files, in the official formats (a fixture row as the template of each). */
function writeReference(
  files: SampleFiles,
  places: Map<string, Place[]>,
  lsoas: Map<string, { lad: string; decile: number }>,
  suppliers: Supplier[],
  random: () => number,
): void {
  const all = [...places.values()].flat();
  const onspd = template('ONSPD_AUG_2026_UK_sample.csv', ',');
  writeFileSync(
    files.reference.postcodes,
    [
      onspd.header,
      ...all.map((p) => {
        const [outward, inward] = p.postcode.split(' ') as [string, string];
        return onspd.row({
          pcd: `${outward.padEnd(4)}${inward}`,
          pcd2: `${outward.padEnd(5)}${inward}`,
          pcds: p.postcode,
          dointr: '199801',
          doterm: '',
          oslaua: p.lad,
          osward: `E05${String(10000 + (hash(p.postcode) % 89999)).padStart(6, '0')}`,
          usertype: '0',
          lsoa11: p.lsoa,
          lsoa21: p.lsoa,
        });
      }),
    ].join('\r\n') + '\r\n',
  );

  const iod = template('File_7_IoD2019_sample.csv', ',');
  const ranked = [...lsoas].sort((a, b) => a[1].decile - b[1].decile);
  writeFileSync(
    files.reference.deprivation,
    [
      iod.header,
      ...ranked.map(([code, { lad, decile }], i) =>
        iod.row({
          'LSOA code (2011)': code,
          'LSOA name (2011)': `${DISTRICT_NAMES[lad]} ${String(i + 1).padStart(3, '0')}A`,
          'Local Authority District code (2019)': lad,
          'Local Authority District name (2019)': DISTRICT_NAMES[lad]!,
          'Index of Multiple Deprivation (IMD) Score': (60 - decile * 5).toFixed(3),
          'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)': String(
            (decile - 1) * 3284 + 1 + (i % 3284),
          ),
          'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)':
            String(decile),
        }),
      ),
    ].join('\n') + '\n',
  );

  const charities = template('publicextract.charity.txt', '\t');
  const charityRows = suppliers
    .filter((s) => s.charityNumber)
    .map((s) => {
      const cio = random() < 0.4;
      return charities.row({
        registered_charity_number: s.charityNumber!,
        organisation_number: String(5_000_000 + Number(s.charityNumber)),
        linked_charity_number: '0',
        charity_name: s.name,
        charity_type: cio ? 'CIO' : 'Trust',
        charity_registration_status: 'Registered',
        date_of_removal: '',
        charity_contact_postcode: s.place?.postcode ?? '',
        charity_company_registration_number: '',
        charity_is_cio: cio ? 'True' : 'False',
      });
    });
  writeFileSync(
    files.reference.charities,
    `\uFEFF${[charities.header, ...charityRows].join('\r\n')}\r\n`,
  );

  const companies = template('BasicCompanyData-2026-11-01-sample.csv', ',');
  const accounts = [
    'MICRO ENTITY',
    'SMALL',
    'TOTAL EXEMPTION FULL',
    'MEDIUM',
    'FULL',
    'GROUP',
    'UNAUDITED ABRIDGED',
  ];
  const companyRows = suppliers
    .filter((s) => s.companyNumber)
    .map((s) =>
      companies.row({
        CompanyName: s.name.toUpperCase(),
        CompanyNumber: s.companyNumber!,
        'RegAddress.PostCode': s.place?.postcode ?? '',
        'RegAddress.PostTown': s.place ? (DISTRICT_NAMES[s.place.lad] ?? '').toUpperCase() : '',
        CompanyCategory: / CIC$/.test(s.name)
          ? 'Community Interest Company'
          : 'Private Limited Company',
        CompanyStatus: 'Active',
        'Accounts.AccountCategory':
          s.group === 'D' && random() < 0.3
            ? pick(random, ['FULL', 'GROUP'])
            : pick(random, accounts),
        URI: `http://business.data.gov.uk/id/company/${s.companyNumber}`,
      }),
    );
  writeFileSync(
    files.reference.companies,
    [companies.header, ...companyRows].join('\r\n') + '\r\n',
  );

  const mutuals = template('SocietyList-2026-11-sample.csv', ',');
  const mutualRows = suppliers
    .filter((s) => s.societyNumber)
    .map((s) =>
      mutuals.row({
        'Society Number': s.societyNumber!.slice(0, -1),
        'Society Suffix': 'R',
        'Full Registation Number': s.societyNumber!,
        'Society Name': `${s.name} Limited`,
        'Registered As': 'Co-operative Society',
        'Society Address': `${100 + (hash(s.name) % 200)} Market Street, Wigan, ${s.place!.postcode}`,
        'Society Status': 'Registered',
      }),
    );
  writeFileSync(files.reference.mutuals, [mutuals.header, ...mutualRows].join('\r\n') + '\r\n');
}

/** Reads a fixture's header and first row; row() makes a row like it with some columns changed. */
function template(fixture: string, delimiter: Delimiter) {
  const text = readFileSync(
    new URL(`../../fixtures/reference/${fixture}`, import.meta.url),
    'utf8',
  ).replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  const header = lines[0]!;
  const names = header.split(delimiter).map((h) => h.replace(/^"|"$/g, '').trim());
  const records = parseLine(lines[1]!, delimiter);
  const quoted = delimiter === ',' && lines[1]!.startsWith('"');
  return {
    header,
    row(values: Record<string, string>): string {
      const fields = names.map((name, i) => values[name] ?? records[i] ?? '');
      return fields
        .map((f) => (quoted ? `"${f.replace(/"/g, '""')}"` : delimiter === ',' ? csvQuote(f) : f))
        .join(delimiter);
    },
  };
}

/** A minimal one-line CSV split (the fixtures' first rows have no newlines in fields). */
function parseLine(line: string, delimiter: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

function csvQuote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function money(pence: bigint): string {
  const negative = pence < 0n;
  const v = negative ? -pence : pence;
  return `${negative ? '-' : ''}${v / 100n}.${String(v % 100n).padStart(2, '0')}`;
}

/**
 * How long an invoice waited: most are paid within 30 days of receipt, a fifth in 31 to 60,
 * a few later (the shape councils publish).
 */
function daysToPay(random: () => number): number {
  const r = random();
  if (r < 0.74) return 4 + Math.floor(random() * 27);
  if (r < 0.93) return 31 + Math.floor(random() * 30);
  return 61 + Math.floor(random() * 60);
}

function daysBefore(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

function dmy(iso: string): string {
  return `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) >>> 0;
  return h;
}
