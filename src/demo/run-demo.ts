import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { createProgress } from '../cli/progress.ts';
import type { DB, ReferenceDataset } from '../db/schema.ts';
import { ingestLedger, ingestSuppliers } from '../modules/ingest/ingest.service.ts';
import { getMetrics } from '../modules/metrics/metrics.service.ts';
import { findOrganisation } from '../modules/organisations/organisations.repository.ts';
import { createOrganisation } from '../modules/organisations/organisations.service.ts';
import { listReferenceData, loadReferenceData } from '../modules/reference/reference.service.ts';
import { GREATER_MANCHESTER, WIGAN, writeWiganSample } from './wigan-sample.ts';

/** The demo organisation of DESIGN.md. */
export const DEMO_ORGANISATION = {
  id: 'wigan',
  name: 'Wigan Council',
  homeAreas: [WIGAN],
  widerAreas: [...GREATER_MANCHESTER, WIGAN],
  yearStartMonth: 4,
};

const ACTOR = 'demo';

/**
 * Loads the seeded Wigan sample into a database as a council would: reference data, the
 * supplier list, eight quarterly ledgers. Safe to run again: a reference file already loaded is
 * skipped, and files already uploaded are recognised by their sha256.
 */
export async function loadDemo(
  db: Kysely<DB>,
  dir: string,
  say: (line: string) => void = () => undefined,
): Promise<void> {
  const sample = writeWiganSample(dir);
  say(`sample written to ${dir}`);
  if (!(await findOrganisation(db, DEMO_ORGANISATION.id))) {
    await createOrganisation(db, ACTOR, DEMO_ORGANISATION);
    say(`organisation ${DEMO_ORGANISATION.id} created`);
  }

  const loaded = new Map((await listReferenceData(db)).map((d) => [d.dataset, d]));
  for (const [dataset, file] of Object.entries(sample.reference) as [ReferenceDataset, string][]) {
    if (loaded.get(dataset)?.fileName === path.basename(file)) continue;
    const progress = createProgress(`reference ${dataset}`);
    const load = await loadReferenceData(db, {
      dataset,
      sources: [
        {
          bytes: createReadStream(file, { highWaterMark: 64 * 1024 }),
          fileName: path.basename(file),
        },
      ],
      actor: ACTOR,
      onProgress: (p) => progress.update(p.rows),
    });
    progress.finish(load.rows.read);
    say(`reference ${dataset}: ${load.rows.loaded.toLocaleString('en-GB')} rows`);
  }

  const upload = async (kind: 'suppliers' | 'ledger', file: string) => {
    const progress = createProgress(path.basename(file));
    const run = kind === 'suppliers' ? ingestSuppliers : ingestLedger;
    const result = await run(db, {
      orgId: DEMO_ORGANISATION.id,
      actor: ACTOR,
      filename: path.basename(file),
      bytes: createReadStream(file, { highWaterMark: 64 * 1024 }),
      onProgress: (rows) => progress.update(rows),
    });
    progress.finish(result.upload.rows.read);
    say(
      `${path.basename(file)}: ${result.created ? `${result.upload.rows.loaded.toLocaleString('en-GB')} rows loaded` : 'already loaded'}`,
    );
  };
  await upload('suppliers', sample.suppliers);
  for (const ledger of sample.ledgers) await upload('ledger', ledger);
}

/** The headline figures of a year as a person reads them. */
export async function describeHeadline(
  db: Kysely<DB>,
  orgId: string,
  year: number,
): Promise<string> {
  const m = await getMetrics(db, orgId, { year });
  const pounds = (text: string) =>
    `£${Number(text).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const percent = (share: number | null) =>
    share === null ? 'n/a' : `${(share * 100).toFixed(1)}%`;
  const change = (value: number | null | undefined, points = false) =>
    value === null || value === undefined
      ? ''
      : points
        ? ` (${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)} points)`
        : ` (${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}%)`;
  const rows: [string, string, string][] = [
    [
      'Total spend',
      pounds(m.totalSpend),
      `${m.paymentCount.toLocaleString('en-GB')} payments${change(m.change.totalSpend)}`,
    ],
    [
      'With local suppliers',
      pounds(m.localSpend),
      `${percent(m.localShare)} of spend, ${m.localSupplierCount.toLocaleString('en-GB')} suppliers${change(m.change.localShare, true)}`,
    ],
    ['With the wider area', pounds(m.widerAreaSpend), percent(m.widerAreaShare)],
    [
      'With the VCFSE sector',
      pounds(m.vcfseSpend),
      `${percent(m.vcfseShare)}, ${m.vcfseSupplierCount.toLocaleString('en-GB')} suppliers${change(m.change.vcfseShare, true)}`,
    ],
    [
      'With SMEs',
      pounds(m.smeSpend),
      `${percent(m.smeShare)}, ${m.smeSupplierCount.toLocaleString('en-GB')} suppliers`,
    ],
    ['In the 20% most deprived areas', pounds(m.deprivedAreaSpend), percent(m.deprivedAreaShare)],
    ['Location unknown', pounds(m.unknownLocationSpend), `redacted ${pounds(m.redactedSpend)}`],
    [
      'Suppliers paid',
      m.supplierCount.toLocaleString('en-GB'),
      `${m.previousYear.supplierCount.toLocaleString('en-GB')} in ${m.previousYear.label}`,
    ],
  ];
  const width = Math.max(...rows.map((r) => r[1].length));
  return [
    `${m.organisation}, ${m.label} (${m.period.from} to ${m.period.to})`,
    ...rows.map(
      ([label, value, note]) => `  ${label.padEnd(32)}${value.padStart(width)}   ${note}`,
    ),
  ].join('\n');
}
