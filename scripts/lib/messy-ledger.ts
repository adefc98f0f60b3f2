import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pick, seededRandom } from '../../src/demo/random.ts';

/*
 * A large ledger in the shape councils really publish: suppliers mostly paid by one service
 * for one or two kinds of thing; a title and a blank line above the header, CRLF, Windows-1252 £ signs, Gross/VAT/Net columns, trailing empty columns,
 * quoted names with commas, "£1,234.56" and "(123.45)" credit notes, dd/mm/yyyy dates,
 * redacted individuals. Returns the expected count and total so the load can be checked.
 */

const AREAS = [
  'Adults, Health & Wellbeing',
  'Children and Families',
  'Economy & Skills',
  'Environment',
  'Finance',
  'Place',
  'Resources & Contracts',
];
const TYPES = [
  'Agency Staff',
  'Building Repairs',
  'Catering Supplies',
  'Consultancy',
  'Home Care',
  'IT Software',
  'Residential Care',
  'Transport',
  'Waste Collection',
  'Training',
];
const WORDS = [
  'Wigan',
  'Leigh',
  'Pennine',
  'Northern',
  'Atherton',
  'Standish',
  'Orrell',
  'Hindley',
  'Golborne',
  'Ashton',
  'Tyldesley',
  'Lancashire',
  'Central',
  'United',
  'Regional',
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
];
const FORMS = [
  'Ltd',
  'Limited',
  'LLP',
  'CIC',
  '& Sons Ltd',
  'Group plc',
  'Community Trust',
  'Co-operative',
];

export interface GeneratedLedger {
  rows: number;
  totalPence: bigint;
}

export async function writeMessyLedger(
  file: string,
  rows: number,
  seed = 20221,
): Promise<GeneratedLedger> {
  const random = seededRandom(seed);
  // As in real ledgers, a supplier is mostly paid by one service for one or two kinds of thing.
  const suppliers = Array.from({ length: 20_000 }, (_, i) => {
    const name = `${pick(random, WORDS)} ${pick(random, TRADES)} ${pick(random, FORMS)}`;
    return {
      id: `S${String(i + 1).padStart(6, '0')}`,
      name: random() < 0.2 ? `"${name.replace(' ', ', ')}"` : name,
      area: pick(random, AREAS),
      types: [pick(random, TYPES), pick(random, TYPES)],
    };
  });
  const out = createWriteStream(file);
  const encode = (text: string) => Buffer.from(text, 'latin1'); // £ as the single Windows-1252 byte 0xA3
  let buffer = 'Wigan Council - Payments over £500, 2022/23\r\n\r\n';
  buffer +=
    'Body Name,Service Area,Expenses Type,Payment Date,Transaction Number,Supplier ID,Supplier Name,Gross Amount,VAT,Net Amount,,\r\n';
  let total = 0n;
  const start = Date.UTC(2022, 3, 1);
  for (let i = 1; i <= rows; i++) {
    const day = new Date(start + Math.floor(random() * 365) * 86_400_000);
    const date = `${String(day.getUTCDate()).padStart(2, '0')}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${day.getUTCFullYear()}`;
    const credit = random() < 0.03;
    const pence = Math.floor(50_000 + random() * random() * 5_000_000);
    const signed = credit ? -pence : pence;
    total += BigInt(signed);
    const pounds = `${Math.floor(pence / 100).toLocaleString('en-GB')}.${String(pence % 100).padStart(2, '0')}`;
    const net = credit
      ? `"(${pounds})"`
      : random() < 0.5
        ? `"£${pounds}"`
        : (pence / 100).toFixed(2);
    const vat = Math.floor(pence / 5);
    const redacted = random() < 0.02;
    const supplier = redacted
      ? {
          id: 'X000000',
          name: 'Redacted Personal Information',
          area: pick(random, AREAS),
          types: [pick(random, TYPES)],
        }
      : pick(random, suppliers);
    const usual = random() < 0.9;
    const area = usual ? supplier.area : pick(random, AREAS);
    const type = usual ? pick(random, supplier.types) : pick(random, TYPES);
    buffer +=
      `Wigan Council,"${area}",${type},${date},TX${String(i).padStart(8, '0')},${supplier.id},${supplier.name},` +
      `${((pence + vat) / 100).toFixed(2)},${(vat / 100).toFixed(2)},${net},,\r\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(encode(buffer))) await once(out, 'drain');
      buffer = '';
    }
  }
  out.write(encode(buffer));
  out.end();
  await once(out, 'finish');
  return { rows, totalPence: total };
}
