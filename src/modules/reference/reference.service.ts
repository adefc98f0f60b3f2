import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import type { DB, ReferenceDataset } from '../../db/schema.ts';
import { conflict, type FileError } from '../../http/problem.ts';
import { insertAuditEntry } from '../audit/audit.repository.ts';
import { charityParser } from './charity-register.ts';
import { companyParser } from './companies-house.ts';
import { mutualParser } from './fca-mutuals.ts';
import { deprivationParser } from './imd.ts';
import { postcodeParser } from './onspd.ts';
import { MAX_WARNINGS, readReferenceFile, type ReferenceSource } from './read-reference-file.ts';
import { REFERENCE_DATASETS, type Layout, type ReferenceParser } from './reference-format.ts';
import { retagAllOrganisations } from '../classify/classify.service.ts';
import * as repo from './reference.repository.ts';
import type { ReferenceLoad, ReferenceStatus } from './reference.schemas.ts';

const PARSERS: { [D in ReferenceDataset]: ReferenceParser<Layout, repo.DatasetRecords[D]> } = {
  postcodes: postcodeParser,
  deprivation: deprivationParser,
  charities: charityParser,
  companies: companyParser,
  mutuals: mutualParser,
};

/** Room for index builds during a load (the GIN trigram index on 5M company names above all). */
const INDEX_BUILD_MEMORY = '256MB';

export interface LoadProgress {
  phase: 'reading' | 'indexing' | 'swapping';
  /** Data rows read so far. */
  rows: number;
}

export interface LoadReferenceInput<D extends ReferenceDataset = ReferenceDataset> {
  dataset: D;
  /** The file, or its parts in order (BasicCompanyData comes in parts too). */
  sources: readonly ReferenceSource[];
  /** Who: an API key prefix, `admin-token`, or `cli`. */
  actor: string;
  onProgress?: (progress: LoadProgress) => void;
}

/**
 * Loads an official file into its dataset, replacing the previous load atomically. In one
 * transaction: the rows stream into a fresh table by COPY, the live table's indexes are built on
 * it, and it is swapped in and the load recorded. Whatever fails (a bad file, a duplicate key
 * the database refuses, a lost connection) rolls the whole load back, so the previous data stays
 * in place untouched and queries meanwhile keep reading it.
 */
export async function loadReferenceData<D extends ReferenceDataset>(
  db: Kysely<DB>,
  input: LoadReferenceInput<D>,
): Promise<ReferenceLoad> {
  const { dataset, sources, actor, onProgress } = input;
  const started = performance.now();
  const parser: ReferenceParser<Layout, repo.DatasetRecords[D]> = PARSERS[dataset];
  const reader = readReferenceFile(parser, sources, (rows) =>
    onProgress?.({ phase: 'reading', rows }),
  );

  return db.transaction().execute(async (trx) => {
    if (!(await repo.lockDatasetForLoad(trx, dataset))) {
      throw conflict(`A load of ${dataset} is already running: try again when it has finished.`);
    }
    await repo.createLoadTable(trx, dataset);
    const copied = await repo.copyIntoLoadTable(trx, dataset, reader.batches);
    const outcome = reader.outcome();
    onProgress?.({ phase: 'indexing', rows: outcome.rows.read });
    const indexing = await repo.indexLoadTable(trx, dataset, {
      maintenanceWorkMem: INDEX_BUILD_MEMORY,
    });

    const rows = { ...outcome.rows, loaded: copied - indexing.duplicatesRemoved };
    const warnings = [...outcome.warnings];
    let warningCount = outcome.warningCount;
    if (indexing.duplicatesRemoved > 0) {
      rows.skipped += indexing.duplicatesRemoved;
      warningCount++;
      warnings.unshift(duplicatesWarning(indexing));
      warnings.length = Math.min(warnings.length, MAX_WARNINGS);
    }

    onProgress?.({ phase: 'swapping', rows: outcome.rows.read });
    await repo.swapInLoadTable(trx, dataset, indexing.indexes);
    // Tags rest on this data: every supplier is re-tagged before the new data is visible.
    await retagAllOrganisations(trx);
    const row = await repo.insertReferenceLoad(trx, {
      dataset,
      format: outcome.format,
      edition: outcome.edition,
      lsoa_vintage: outcome.lsoaVintage,
      file_name: fileNames(sources),
      rows_read: BigInt(rows.read),
      rows_loaded: BigInt(rows.loaded),
      rows_skipped: BigInt(rows.skipped),
      rows_excluded: BigInt(rows.excluded),
      warnings: JSON.stringify(warnings),
      warning_count: warningCount,
      seconds: ((performance.now() - started) / 1000).toFixed(3),
      loaded_by: actor,
    });
    const load = toReferenceLoad(row);
    await insertAuditEntry(trx, {
      actor,
      orgId: null,
      action: 'reference.load',
      target: dataset,
      after: { id: load.id, format: load.format, edition: load.edition, rows: load.rows },
    });
    return load;
  });
}

/** The names of the files loaded (the parts of one, comma separated); null for stdin. */
function fileNames(sources: readonly ReferenceSource[]): string | null {
  const names = sources.map((s) => s.fileName).filter((name): name is string => Boolean(name));
  return names.length > 0 ? names.join(', ').slice(0, 1000) : null;
}

function duplicatesWarning(indexing: repo.IndexingResult): FileError {
  const examples = indexing.duplicateExamples.map((d) => d.key);
  return {
    row: null,
    column: null,
    value: examples.join(', ').slice(0, 200),
    message: `${indexing.duplicatesRemoved} rows repeated a key an earlier row already had; the later row of each was kept (for example ${examples.slice(0, 5).join(', ')}).`,
  };
}

/** What is loaded now: one entry per dataset, in the fixed dataset order. */
export async function listReferenceData(db: Kysely<DB>): Promise<ReferenceStatus[]> {
  const latest = new Map((await repo.listLatestLoads(db)).map((row) => [row.dataset, row]));
  return REFERENCE_DATASETS.map((dataset) => {
    const row = latest.get(dataset);
    return {
      dataset,
      loaded: row !== undefined,
      format: row?.format ?? null,
      edition: row?.edition ?? null,
      lsoaVintage: row?.lsoa_vintage ?? null,
      fileName: row?.file_name ?? null,
      rows: row ? Number(row.rows_loaded) : null,
      loadedAt: row?.loaded_at.toISOString() ?? null,
    };
  });
}

/** Row to API object: the one place a reference_loads row becomes camelCase. */
export function toReferenceLoad(row: repo.ReferenceLoadRow): ReferenceLoad {
  return {
    id: String(row.id),
    dataset: row.dataset,
    format: row.format,
    edition: row.edition,
    lsoaVintage: row.lsoa_vintage,
    fileName: row.file_name,
    rows: {
      read: Number(row.rows_read),
      loaded: Number(row.rows_loaded),
      skipped: Number(row.rows_skipped),
      excluded: Number(row.rows_excluded),
    },
    warnings: row.warnings as FileError[],
    warningCount: row.warning_count,
    seconds: Number(row.seconds),
    loadedAt: row.loaded_at.toISOString(),
    loadedBy: row.loaded_by,
  };
}
