// Writes the seeded Wigan-like sample: `npm run sample [-- DIR]` (default data/sample).
// Ledgers for 2021/22 and 2022/23 (quarterly files), a supplier list, and reference files in the
// official formats; its 2022/23 figures are the published ones (see scripts/lib/wigan-sample.ts).
import path from 'node:path';
import { writeWiganSample } from '../src/demo/wigan-sample.ts';

const dir = path.resolve(process.argv[2] ?? 'data/sample');
const started = performance.now();
const files = writeWiganSample(dir);
console.log(
  `wrote the Wigan sample to ${dir}: ${files.ledgers.length} ledger files, ${files.payments.toLocaleString('en-GB')} payments, in ${Math.round(performance.now() - started)} ms`,
);
