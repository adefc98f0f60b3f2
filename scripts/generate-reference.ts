// Writes full-size reference files in the official formats, from a seed, for the load
// benchmark (npm run bench:classify): `npx tsx scripts/generate-reference.ts [DIR] [--scale 0.1]`.
// Every value is made up; the layouts (columns, quoting, separators) are those published.
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';

/** Bump when the generated content changes, so cached files are made again. */
const GENERATOR_VERSION = 4;

export interface ReferenceFileCounts {
  postcodes: number;
  companies: number;
  charities: number;
  deprivation2019: number;
  deprivation2025: number;
  mutuals: number;
}

/** Full size: about the size of the real files in 2026. */
export const FULL_SIZE: ReferenceFileCounts = {
  postcodes: 2_700_000,
  companies: 5_000_000,
  charities: 400_000,
  deprivation2019: 32_844,
  deprivation2025: 33_755,
  mutuals: 32_000,
};

export interface GeneratedFiles {
  dir: string;
  counts: ReferenceFileCounts;
  files: {
    postcodes: string;
    deprivation2019: string;
    deprivation2025: string;
    charities: string;
    companies: string;
    mutuals: string;
  };
}

const FILE_NAMES: GeneratedFiles['files'] = {
  postcodes: 'ONSPD_NOV_2026_UK.csv',
  deprivation2019: 'File_7_IoD2019_All_Ranks_Scores_Deciles_Population_Denominators.csv',
  deprivation2025: 'File_7_IoD2025_All_Ranks_Scores_Deciles_Population_Denominators.csv',
  charities: 'publicextract.charity.txt',
  companies: 'BasicCompanyDataAsOneFile-2026-11-01.csv',
  mutuals: 'SocietyList-2026-11.csv',
};

/** mulberry32: small, fast and seeded, so the same seed gives the same files. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

/** Writes lines to a file in large pieces, waiting when the stream is full. */
async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const stream = createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
  let piece = '';
  for (const line of lines) {
    piece += line;
    if (piece.length > 1024 * 1024) {
      if (!stream.write(piece)) await once(stream, 'drain');
      piece = '';
    }
  }
  stream.end(piece);
  await once(stream, 'finish');
}

const q = (value: string | number) => `"${String(value).replaceAll('"', '""')}"`;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/* ---- postcodes ------------------------------------------------------------------------------- */

const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';
const UNITS_PER_SECTOR = UNIT_LETTERS.length * UNIT_LETTERS.length; // 400
const POSTCODES_PER_DISTRICT = 10 * UNITS_PER_SECTOR;

/** Postcode districts with their district (LAD) codes: Greater Manchester first, as it is. */
function districts(count: number): { outward: string; lad: string }[] {
  const list: { outward: string; lad: string }[] = [];
  const add = (area: string, from: number, to: number, lad: (n: number) => string) => {
    for (let n = from; n <= to && list.length < count; n++)
      list.push({ outward: `${area}${n}`, lad: lad(n) });
  };
  add('WN', 1, 8, (n) => (n === 8 ? 'E07000127' : 'E08000010'));
  add('M', 1, 50, (n) =>
    [29, 46].includes(n)
      ? 'E08000010'
      : [5, 6, 7, 27, 28, 30, 44, 50].includes(n)
        ? 'E08000006'
        : [31, 32, 33, 41].includes(n)
          ? 'E08000009'
          : [24, 26, 45].includes(n)
            ? 'E08000002'
            : 'E08000003',
  );
  add('BL', 0, 9, (n) => (n >= 8 || n === 0 ? 'E08000002' : 'E08000001'));
  add('OL', 1, 16, (n) =>
    n <= 5 || n === 8 || n === 9 ? 'E08000004' : n <= 7 ? 'E08000008' : 'E08000005',
  );
  add('SK', 1, 17, (n) => (n >= 14 && n <= 16 ? 'E08000008' : 'E08000007'));
  add('WA', 1, 16, (n) => (n === 3 ? 'E08000010' : n >= 14 ? 'E08000009' : 'E06000007'));
  const areas =
    'AB AL B BA BB BD BH BN BR BS CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY E EC EH EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP KA KT KW KY L LA LD LE LL LN LS LU ME MK ML N NE NG NN NP NR NW OX PA PE PH PL PO PR RG RH RM S SA SE SG SL SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WC WD WF WR WS WV YO'.split(
      ' ',
    );
  const rng = random(7);
  for (let n = 1; list.length < count; n++) {
    for (const area of areas) {
      if (list.length >= count) break;
      const kind = rng.pick(['E06', 'E07', 'E07', 'E08', 'E09']);
      list.push({ outward: `${area}${n}`, lad: `${kind}${pad(rng.int(1, 240), 6)}` });
    }
  }
  return list;
}

/** The i-th postcode of the generated directory (the same one every time). */
export function postcodeAt(list: { outward: string }[], i: number): string {
  const district = list[Math.floor(i / POSTCODES_PER_DISTRICT)]!;
  const within = i % POSTCODES_PER_DISTRICT;
  const unit = within % UNITS_PER_SECTOR;
  return `${district.outward} ${Math.floor(within / UNITS_PER_SECTOR)}${UNIT_LETTERS[Math.floor(unit / 20)]}${UNIT_LETTERS[unit % 20]}`;
}

const POSTCODES_PER_LSOA = 82;
const lsoa11At = (i: number) => `E01${pad(Math.floor(i / POSTCODES_PER_LSOA), 6)}`;
/** One LSOA in twenty was split or changed for 2021: those have new codes. */
const lsoa21At = (i: number) => {
  const n = Math.floor(i / POSTCODES_PER_LSOA);
  return n % 20 === 7 ? `E01${pad(50_000 + Math.floor(n / 20), 6)}` : `E01${pad(n, 6)}`;
};

const ONSPD_HEADER =
  'pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,casward,park,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua11,buasd11,ru11ind,oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21';

function* onspdLines(count: number, list: { outward: string; lad: string }[]): Generator<string> {
  const rng = random(1);
  yield `${ONSPD_HEADER}\r\n`;
  for (let i = 0; i < count; i++) {
    const pcds = postcodeAt(list, i);
    const [outward, inward] = pcds.split(' ') as [string, string];
    const pcd = outward.length < 4 ? `${outward.padEnd(4)}${inward}` : `${outward}${inward}`;
    const pcd2 = `${outward.padEnd(5)}${inward}`;
    const lad = list[Math.floor(i / POSTCODES_PER_DISTRICT)]!.lad;
    const terminated = rng.next() < 0.3;
    const dointr = `${rng.int(1980, 2026)}${pad(rng.int(1, 12), 2)}`;
    const doterm = terminated
      ? `${rng.int(Number(dointr.slice(0, 4)), 2026)}${pad(rng.int(1, 12), 2)}`
      : '';
    const ward = `E05${pad(Math.floor(i / 2000), 6)}`;
    const lsoa11 = lsoa11At(i);
    const oa = `E00${pad(Math.floor(i / 16), 6)}`;
    const msoa = `E02${pad(Math.floor(i / 400), 6)}`;
    const lat = (50 + rng.next() * 5).toFixed(6);
    const long = (-5 + rng.next() * 6).toFixed(6);
    yield `${[
      q(pcd),
      q(pcd2),
      q(pcds),
      q(dointr),
      q(doterm),
      q('E99999999'),
      q('E99999999'),
      q(lad),
      q(ward),
      q('E43000001'),
      q(rng.next() < 0.05 ? 1 : 0),
      q(rng.int(100000, 650000)),
      q(pad(rng.int(10000, 999999), 7)),
      q(1),
      q('E18000002'),
      q('E40000010'),
      q('E92000001'),
      q('E12000002'),
      q(0),
      q('E14000807'),
      q('E15000002'),
      q('E24000123'),
      q('E30000239'),
      q('E16000117'),
      q('E06000062'),
      q('00BWGA'),
      q(oa),
      q('00BWGA'),
      q('E99999999'),
      q(lsoa11),
      q(msoa),
      q('A'),
      q('3B1'),
      q(oa),
      q(lsoa11),
      q(msoa),
      q('E33012883'),
      q('E38000205'),
      q('E34004404'),
      q('E35001739'),
      q('A1'),
      q('7B2'),
      lat,
      long,
      q('E37000051'),
      q(''),
      q('E23000005'),
      q(rng.int(1, 32844)),
      q('E56000005'),
      q('E54000057'),
      q(oa),
      q(lsoa21At(i)),
      q(msoa),
    ].join(',')}\r\n`;
  }
}

/* ---- deprivation ----------------------------------------------------------------------------- */

const DOMAINS = [
  'Income',
  'Employment',
  'Education, Skills and Training',
  'Health Deprivation and Disability',
  'Crime',
  'Barriers to Housing and Services',
  'Living Environment',
  'Income Deprivation Affecting Children Index (IDACI)',
  'Income Deprivation Affecting Older People (IDAOPI)',
  'Children and Young People Sub-domain',
  'Adult Skills Sub-domain',
  'Geographical Barriers Sub-domain',
  'Wider Barriers Sub-domain',
  'Indoors Sub-domain',
  'Outdoors Sub-domain',
];

function* iodLines(edition: 2019 | 2025, count: number): Generator<string> {
  const rng = random(edition);
  const vintage = edition === 2019 ? '2011' : '2021';
  const population =
    edition === 2019
      ? [
          'Total population: mid 2015 (excluding prisoners)',
          'Dependent Children aged 0-15: mid 2015 (excluding prisoners)',
          'Population aged 16-59: mid 2015 (excluding prisoners)',
          'Older population aged 60 and over: mid 2015 (excluding prisoners)',
          'Working age population 18-59/64: for use with Employment Deprivation Domain (excluding prisoners) ',
        ]
      : [
          'Total population: mid 2022',
          'Dependent Children aged 0-15: mid 2022',
          'Older population aged 60 and over: mid 2022',
          'Working age population 18-66 (for use with Employment Deprivation Domain): mid 2022',
        ];
  const header = [
    `LSOA code (${vintage})`,
    `LSOA name (${vintage})`,
    `Local Authority District code (${edition === 2019 ? 2019 : 2024})`,
    `Local Authority District name (${edition === 2019 ? 2019 : 2024})`,
    'Index of Multiple Deprivation (IMD) Score',
    'Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)',
    'Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)',
    ...DOMAINS.flatMap((d) => [
      `${d} Score${['Income', 'Employment'].includes(d) || d.includes('(ID') ? ' (rate)' : ''}`,
      `${d} Rank (where 1 is most deprived)`,
      `${d} Decile (where 1 is most deprived 10% of LSOAs)`,
    ]),
    ...population,
  ];
  yield `${header.map((h) => (h.includes(',') ? q(h) : h)).join(',')}\r\n`;
  // Ranks are a shuffle of 1..count; deciles follow from the rank.
  const ranks = Array.from({ length: count }, (_, i) => i + 1);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
  }
  const codes: string[] = [];
  for (let n = 0; codes.length < count; n++) {
    if (edition === 2019) codes.push(`E01${pad(n, 6)}`);
    else {
      codes.push(n % 20 === 7 ? `E01${pad(50_000 + Math.floor(n / 20), 6)}` : `E01${pad(n, 6)}`);
    }
  }
  for (let i = 0; i < count; i++) {
    const rank = ranks[i]!;
    const decile = Math.min(10, Math.floor(((rank - 1) * 10) / count) + 1);
    const fields: (string | number)[] = [
      codes[i]!,
      `District ${Math.floor(i / 100)} ${pad(i % 100, 3)}A`,
      `E08${pad(Math.floor(i / 150), 6)}`,
      `District ${Math.floor(i / 150)}`,
      (rng.next() * 80).toFixed(3),
      rank,
      decile,
    ];
    for (let d = 0; d < DOMAINS.length; d++) {
      const r = rng.int(1, count);
      fields.push(rng.next().toFixed(3), r, Math.min(10, Math.floor(((r - 1) * 10) / count) + 1));
    }
    for (let p = 0; p < population.length; p++) fields.push(rng.int(800, 3000));
    yield `${fields.join(',')}\r\n`;
  }
}

/* ---- names ----------------------------------------------------------------------------------- */

function wordList(seed: number, size: number): string[] {
  const rng = random(seed);
  const onsets = [
    'B',
    'BR',
    'C',
    'CH',
    'D',
    'F',
    'G',
    'GR',
    'H',
    'K',
    'L',
    'M',
    'N',
    'P',
    'PR',
    'R',
    'S',
    'SH',
    'ST',
    'T',
    'TR',
    'V',
    'W',
  ];
  const vowels = ['A', 'E', 'I', 'O', 'U', 'AI', 'EA', 'OO', 'OU'];
  const codas = ['', 'N', 'R', 'L', 'S', 'T', 'CK', 'NG', 'M', 'RD', 'LL'];
  const words = new Set<string>();
  while (words.size < size) {
    let word = '';
    for (let s = rng.int(1, 3); s > 0; s--)
      word += rng.pick(onsets) + rng.pick(vowels) + rng.pick(codas);
    words.add(word);
  }
  return [...words];
}

/* ---- companies ------------------------------------------------------------------------------- */

const CATEGORIES: [string, number][] = [
  ['Private Limited Company', 0.9],
  ['PRI/LTD BY GUAR/NSC (Private, limited by guarantee, no share capital)', 0.03],
  ['Limited Liability Partnership', 0.015],
  ['Community Interest Company', 0.01],
  ['Public Limited Company', 0.002],
  ['Registered Society', 0.005],
  ['Charitable Incorporated Organisation', 0.008],
  ['Limited Partnership', 0.01],
  ['Scottish Partnership', 0.02],
];
const ACCOUNTS = [
  'MICRO ENTITY',
  'MICRO ENTITY',
  'MICRO ENTITY',
  'TOTAL EXEMPTION FULL',
  'TOTAL EXEMPTION FULL',
  'NO ACCOUNTS FILED',
  'NO ACCOUNTS FILED',
  'DORMANT',
  'SMALL',
  'UNAUDITED ABRIDGED',
  'FULL',
  'GROUP',
  'MEDIUM',
  'AUDIT EXEMPTION SUBSIDIARY',
  'ACCOUNTS TYPE NOT AVAILABLE',
];
const STATUSES = [
  'Active',
  'Active',
  'Active',
  'Active',
  'Active',
  'Active',
  'Active',
  'Active',
  'Active - Proposal to Strike off',
  'Liquidation',
];
const SICS = [
  '62020 - Information technology consultancy activities',
  '41202 - Construction of domestic buildings',
  '68209 - Other letting and operating of own or leased real estate',
  '70229 - Management consultancy activities other than financial management',
  '96090 - Other service activities n.e.c.',
  '56101 - Licensed restaurants',
  '47910 - Retail sale via mail order houses or via Internet',
  '82990 - Other business support service activities n.e.c.',
  '43390 - Other building completion and finishing',
  '86900 - Other human health activities',
  '99999 - Dormant Company',
  'None Supplied',
];
const STREETS = [
  'HIGH STREET',
  'STATION ROAD',
  'MARKET STREET',
  'CHURCH LANE',
  'MILL LANE',
  'VICTORIA ROAD',
  'PARK AVENUE',
  'KING STREET',
  'BRIDGE STREET',
  'NEW ROAD',
];
const TOWNS = [
  'WIGAN',
  'LEIGH',
  'MANCHESTER',
  'BOLTON',
  'LONDON',
  'LEEDS',
  'BIRMINGHAM',
  'BRISTOL',
  'GLASGOW',
  'CARDIFF',
];

const COMPANY_HEADER = [
  'CompanyName',
  ' CompanyNumber',
  'RegAddress.CareOf',
  'RegAddress.POBox',
  'RegAddress.AddressLine1',
  ' RegAddress.AddressLine2',
  'RegAddress.PostTown',
  'RegAddress.County',
  'RegAddress.Country',
  'RegAddress.PostCode',
  'CompanyCategory',
  'CompanyStatus',
  'CountryOfOrigin',
  'DissolutionDate',
  'IncorporationDate',
  'Accounts.AccountRefDay',
  'Accounts.AccountRefMonth',
  'Accounts.NextDueDate',
  'Accounts.LastMadeUpDate',
  'Accounts.AccountCategory',
  'Returns.NextDueDate',
  'Returns.LastMadeUpDate',
  'Mortgages.NumMortCharges',
  'Mortgages.NumMortOutstanding',
  'Mortgages.NumMortPartSatisfied',
  'Mortgages.NumMortSatisfied',
  'SICCode.SicText_1',
  'SICCode.SicText_2',
  'SICCode.SicText_3',
  'SICCode.SicText_4',
  'LimitedPartnerships.NumGenPartners',
  'LimitedPartnerships.NumLimPartners',
  'URI',
  ...Array.from({ length: 10 }, (_, i) => [
    `PreviousName_${i + 1}.CONDATE`,
    ` PreviousName_${i + 1}.CompanyName`,
  ]).flat(),
  'ConfStmtNextDueDate',
  ' ConfStmtLastMadeUpDate',
];

const PREFIXES: Record<string, string> = {
  'Limited Liability Partnership': 'OC',
  'Registered Society': 'RS',
  'Charitable Incorporated Organisation': 'CE',
  'Scottish Partnership': 'SL',
  'Limited Partnership': 'LP',
};

/**
 * Company number of the i-th generated company (1-based): eight digits, or for the categories
 * Companies House numbers with a prefix, the prefix and the i-th number of that prefix.
 */
export function companyNumberAt(i: number, category: string, nthOfPrefix = i): string {
  const prefix = PREFIXES[category];
  return prefix ? `${prefix}${pad(nthOfPrefix, 6)}` : pad(i, 8);
}

function pickWeighted(rng: ReturnType<typeof random>, items: [string, number][]): string {
  let x = rng.next();
  for (const [item, weight] of items) {
    if (x < weight) return item;
    x -= weight;
  }
  return items[0]![0];
}

function* companyLines(
  count: number,
  postcodeCount: number,
  list: { outward: string }[],
): Generator<string> {
  const rng = random(3);
  const words = wordList(11, 4000);
  yield `${COMPANY_HEADER.join(',')}\r\n`;
  const perPrefix = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const category = pickWeighted(rng, CATEGORIES);
    const nth = (perPrefix.get(category) ?? 0) + 1;
    perPrefix.set(category, nth);
    const number = companyNumberAt(i + 1, category, nth);
    const suffix =
      category === 'Limited Liability Partnership'
        ? 'LLP'
        : category === 'Community Interest Company'
          ? 'C.I.C.'
          : category === 'Public Limited Company'
            ? 'PLC'
            : rng.next() < 0.7
              ? 'LIMITED'
              : 'LTD';
    const name = `${rng.pick(words)} ${rng.pick(words)}${rng.next() < 0.5 ? ` ${rng.pick(words)}` : ''} ${suffix}`;
    const postcode = rng.next() < 0.97 ? postcodeAt(list, rng.int(0, postcodeCount - 1)) : '';
    const accounts = rng.pick(ACCOUNTS);
    const sic1 = rng.pick(SICS);
    const sic2 = rng.next() < 0.2 ? rng.pick(SICS) : '';
    const incorporated = `${pad(rng.int(1, 28), 2)}/${pad(rng.int(1, 12), 2)}/${rng.int(1950, 2026)}`;
    const fields = [
      name,
      number,
      '',
      '',
      `${rng.int(1, 300)} ${rng.pick(STREETS)}`,
      rng.next() < 0.3 ? 'UNIT 2' : '',
      rng.pick(TOWNS),
      '',
      'ENGLAND',
      postcode,
      category,
      rng.pick(STATUSES),
      'United Kingdom',
      '',
      incorporated,
      '31',
      '3',
      '31/12/2026',
      accounts === 'NO ACCOUNTS FILED' ? '' : '31/03/2025',
      accounts,
      '',
      '',
      '0',
      '0',
      '0',
      '0',
      sic1,
      sic2,
      '',
      '',
      '0',
      '0',
      `http://business.data.gov.uk/id/company/${number}`,
      ...(rng.next() < 0.1
        ? ['01/01/2015', `${rng.pick(words)} ${rng.pick(words)} LIMITED`]
        : ['', '']),
      ...new Array<string>(18).fill(''),
      '15/07/2027',
      '01/07/2026',
    ];
    yield `${fields.map(q).join(',')}\r\n`;
  }
}

/* ---- charities ------------------------------------------------------------------------------- */

const CHARITY_HEADER =
  'date_of_extract\torganisation_number\tregistered_charity_number\tlinked_charity_number\tcharity_name\tcharity_type\tcharity_registration_status\tdate_of_registration\tdate_of_removal\tcharity_reporting_status\tlatest_acc_fin_period_start_date\tlatest_acc_fin_period_end_date\tlatest_income\tlatest_expenditure\tcharity_contact_address1\tcharity_contact_address2\tcharity_contact_address3\tcharity_contact_address4\tcharity_contact_address5\tcharity_contact_postcode\tcharity_contact_phone\tcharity_contact_email\tcharity_contact_web\tcharity_company_registration_number\tcharity_insolvent\tcharity_in_administration\tcharity_previously_excepted\tcharity_is_cdf_or_cif\tcharity_is_cio\tcio_is_dissolved\tdate_cio_dissolution_notice\tcharity_activities\tcharity_gift_aid\tcharity_has_land';
const CHARITY_KINDS = [
  'TRUST',
  'FOUNDATION',
  'ASSOCIATION',
  'COMMUNITY GROUP',
  'YOUTH CLUB',
  'FOOD BANK',
  'HOSPICE',
  'PLAYGROUP',
  'SOCIETY',
  'CHURCH',
];

function* charityLines(
  count: number,
  postcodeCount: number,
  companyCount: number,
  list: { outward: string }[],
): Generator<string> {
  const rng = random(5);
  const words = wordList(13, 2000);
  yield `\uFEFF${CHARITY_HEADER}\r\n`;
  let main = 0;
  let linked = 0;
  let number = 200_000;
  for (let i = 0; i < count; i++) {
    // About one row in seven is a linked charity under the main charity before it.
    if (main > 0 && rng.next() < 0.15) linked++;
    else {
      main++;
      linked = 0;
      number += rng.int(1, 3);
    }
    const removed = rng.next() < 0.25;
    const cio = rng.next() < 0.2;
    const income = rng.int(0, 5_000_000);
    const company = !cio && rng.next() < 0.2 ? pad(rng.int(1, companyCount), 8) : '';
    const fields = [
      '2026-11-20 00:00:00',
      String(5_000_000 + i),
      String(number),
      String(linked),
      `${rng.pick(words)} ${rng.pick(words)} ${rng.pick(CHARITY_KINDS)}`,
      linked ? '' : cio ? 'CIO' : company ? 'Charitable company' : rng.pick(['Trust', 'Other']),
      removed ? 'Removed' : 'Registered',
      `${rng.int(1960, 2026)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)} 00:00:00`,
      removed
        ? `${rng.int(2000, 2026)}-${pad(rng.int(1, 12), 2)}-${pad(rng.int(1, 28), 2)} 00:00:00`
        : '',
      removed ? '' : 'Submission Received',
      '2025-04-01 00:00:00',
      '2026-03-31 00:00:00',
      String(income),
      String(Math.floor(income * 0.9)),
      `${rng.int(1, 200)} ${rng.pick(STREETS)}`,
      rng.pick(TOWNS),
      '',
      '',
      '',
      rng.next() < 0.95 ? postcodeAt(list, rng.int(0, postcodeCount - 1)) : '',
      '01942 000000',
      'info@example.org',
      'www.example.org',
      company,
      'False',
      'False',
      'False',
      '',
      cio ? 'True' : 'False',
      'False',
      '',
      'General charitable purposes for the benefit of the community, including education and relief of poverty.',
      'True',
      'False',
    ];
    yield `${fields.join('\t')}\r\n`;
  }
}

/* ---- mutuals --------------------------------------------------------------------------------- */

function* mutualLines(
  count: number,
  postcodeCount: number,
  list: { outward: string }[],
): Generator<string> {
  const rng = random(9);
  const words = wordList(17, 1000);
  yield `${['Society Number', 'Society Suffix', 'Full Registation Number', 'Society Name', 'Registered As', 'Society Address', 'Registration Date', 'Deregistration Date', 'Registration Act', 'Standard Industrial Classification Code (SIC)', 'Reporting Classification', 'Society Status'].map(q).join(',')}\r\n`;
  for (let i = 0; i < count; i++) {
    const kind = rng.pick([
      'Co-operative Society',
      'Community Benefit Society',
      'Registered Society',
      'Credit Union',
      'Friendly Society',
    ]);
    const suffix = kind === 'Credit Union' ? 'C' : kind === 'Friendly Society' ? 'F' : 'R';
    const deregistered = rng.next() < 0.4;
    const fields = [
      String(i + 1),
      suffix,
      `${i + 1}${suffix}`,
      `${rng.pick(words)} ${rng.pick(words)} ${kind === 'Credit Union' ? 'CREDIT UNION' : 'SOCIETY'} LIMITED`,
      kind,
      `${rng.int(1, 200)} ${rng.pick(STREETS)}, ${rng.pick(TOWNS)}, ${postcodeAt(list, rng.int(0, postcodeCount - 1))}`,
      `${pad(rng.int(1, 28), 2)}/${pad(rng.int(1, 12), 2)}/${rng.int(1900, 2026)}`,
      deregistered ? `01/01/${rng.int(1990, 2026)}` : '',
      'Co-operative and Community Benefit Societies Act 2014',
      '',
      'A',
      deregistered ? 'Deregistered' : 'Registered',
    ];
    yield `${fields.map(q).join(',')}\r\n`;
  }
}

/* ---- all of them ----------------------------------------------------------------------------- */

/**
 * Writes the files into `dir` unless they are there already from the same generator version and
 * counts (a manifest says so). Returns their paths.
 */
export async function generateReferenceFiles(
  dir: string,
  counts: ReferenceFileCounts = FULL_SIZE,
  log: (line: string) => void = () => undefined,
): Promise<GeneratedFiles> {
  mkdirSync(dir, { recursive: true });
  const files = Object.fromEntries(
    Object.entries(FILE_NAMES).map(([k, name]) => [k, path.join(dir, name)]),
  ) as GeneratedFiles['files'];
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.stringify({ version: GENERATOR_VERSION, counts });
  const current =
    existsSync(manifestFile) &&
    readFileSync(manifestFile, 'utf8') === manifest &&
    Object.values(files).every((f) => existsSync(f));
  if (current) return { dir, counts, files };

  const list = districts(Math.ceil(counts.postcodes / POSTCODES_PER_DISTRICT));
  const steps: [keyof GeneratedFiles['files'], () => Iterable<string>][] = [
    ['postcodes', () => onspdLines(counts.postcodes, list)],
    ['deprivation2019', () => iodLines(2019, counts.deprivation2019)],
    ['deprivation2025', () => iodLines(2025, counts.deprivation2025)],
    ['charities', () => charityLines(counts.charities, counts.postcodes, counts.companies, list)],
    ['companies', () => companyLines(counts.companies, counts.postcodes, list)],
    ['mutuals', () => mutualLines(counts.mutuals, counts.postcodes, list)],
  ];
  for (const [key, lines] of steps) {
    const started = Date.now();
    await writeLines(files[key], lines());
    const mb = statSync(files[key]).size / 1024 / 1024;
    log(
      `generated ${path.basename(files[key])}: ${mb.toFixed(0)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  writeFileSync(manifestFile, manifest);
  return { dir, counts, files };
}

/** Counts scaled down (for a quick run) or up. */
export function scaledCounts(scale: number): ReferenceFileCounts {
  const scaled = (n: number) => Math.max(100, Math.round(n * scale));
  return {
    postcodes: scaled(FULL_SIZE.postcodes),
    companies: scaled(FULL_SIZE.companies),
    charities: scaled(FULL_SIZE.charities),
    deprivation2019: scaled(FULL_SIZE.deprivation2019),
    deprivation2025: scaled(FULL_SIZE.deprivation2025),
    mutuals: scaled(FULL_SIZE.mutuals),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const scaleAt = args.indexOf('--scale');
  const scale = scaleAt === -1 ? 1 : Number(args[scaleAt + 1]);
  const dir =
    args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--scale') ??
    path.join(tmpdir(), 'cwb-bench-reference');
  const generated = await generateReferenceFiles(dir, scaledCounts(scale), console.log);
  console.log(`files in ${generated.dir}`);
}
