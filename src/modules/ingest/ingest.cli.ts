import { createReadStream } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CLI_ACTOR, CliError, withDatabase } from '../../cli/context.ts';
import { createProgress } from '../../cli/progress.ts';
import { AppError } from '../../http/problem.ts';
import type { ExplicitMapping } from './column-map.ts';
import { SUPPLIER_FIELDS } from '../suppliers/supplier-csv.ts';
import { LEDGER_FIELDS } from './ledger-csv.ts';
import { ingestLedger, ingestSuppliers, type IngestResult } from './ingest.service.ts';
import { prepareLedgerReader } from './parse-in-worker.ts';

/** Reads files in 64 KB chunks: each batch of rows then dies young, and the heap stays small. */
const READ_CHUNK_BYTES = 64 * 1024;

/** `--map amount="Net Amount"` (repeatable) -> { amount: 'Net Amount' }; a number means a column number. */
function collectMapping(
  fields: readonly string[],
  value: string,
  previous: ExplicitMapping = {},
): ExplicitMapping {
  const eq = value.indexOf('=');
  if (eq < 1)
    throw new CliError(`--map ${value}: write field=Column, e.g. --map amount="Net Amount"`);
  const field = value.slice(0, eq).trim();
  const column = value.slice(eq + 1).trim();
  if (!fields.includes(field)) {
    throw new CliError(
      `--map ${value}: "${field}" is not a field; fields are ${fields.join(', ')}`,
    );
  }
  return { ...previous, [field]: /^\d+$/.test(column) ? Number(column) : column };
}

type FileOutcome =
  | { file: string; ok: true; result: IngestResult }
  | {
      file: string;
      ok: false;
      status: number;
      detail: string;
      errors: unknown[];
      errorCount: number;
    };

/** `cwb ingest ledger|suppliers --org ID FILE...` */
export function registerIngestCommands(program: Command): void {
  const ingest = program.command('ingest').description('load spend files and supplier lists');
  const kinds = [
    {
      name: 'ledger',
      describe: 'load ledger files (spend over £500 CSVs or AP exports): each whole or not at all',
      run: ingestLedger,
      fields: LEDGER_FIELDS,
    },
    {
      name: 'suppliers',
      describe:
        'load supplier lists (reference, name, address, numbers, size): each whole or not at all',
      run: ingestSuppliers,
      fields: SUPPLIER_FIELDS,
    },
  ] as const;
  for (const kind of kinds) {
    const fieldNames = kind.fields.map((f) => f.field as string);
    ingest
      .command(kind.name)
      .description(kind.describe)
      .requiredOption('--org <id>', 'the organisation the files belong to')
      .option(
        '--map <field=Column>',
        'name the column of a field (repeatable), e.g. --map amount="Net Amount"',
        (v: string, p?: ExplicitMapping) => collectMapping(fieldNames, v, p),
      )
      .option('--dry-run', 'read and check the files, report what would load, store nothing')
      .option('--json', 'print the results as JSON')
      .argument('<files...>', 'CSV files')
      .action(
        async (
          files: string[],
          options: { org: string; map?: ExplicitMapping; dryRun?: boolean; json?: boolean },
        ) => {
          // The ledger reader's code is built while the database opens.
          if (kind.name === 'ledger') void prepareLedgerReader();
          const outcomes = await withDatabase(async ({ db }) => {
            const out: FileOutcome[] = [];
            for (const file of files) {
              const progress = createProgress(path.basename(file));
              try {
                const result = await kind.run(db, {
                  orgId: options.org,
                  actor: CLI_ACTOR,
                  filename: path.basename(file),
                  bytes: createReadStream(file, { highWaterMark: READ_CHUNK_BYTES }),
                  mapping: options.map,
                  dryRun: options.dryRun,
                  onProgress: (rows) => progress.update(rows),
                });
                progress.finish(result.upload.rows.read);
                out.push({ file, ok: true, result });
              } catch (error) {
                progress.finish(0);
                if (!(error instanceof AppError) || error.status === 404) throw error;
                out.push({
                  file,
                  ok: false,
                  status: error.status,
                  detail: error.message,
                  errors: error.extra.errors ?? [],
                  errorCount: error.extra.errorCount ?? 0,
                });
              }
            }
            return out;
          });
          if (options.json) console.log(JSON.stringify(outcomes, null, 2));
          else for (const outcome of outcomes) printOutcome(outcome);
          if (outcomes.some((o) => !o.ok)) process.exitCode = 1;
        },
      );
  }
}

function printOutcome(outcome: FileOutcome): void {
  const name = path.basename(outcome.file);
  if (!outcome.ok) {
    console.log(`${name}: REJECTED, ${outcome.detail}`);
    for (const e of outcome.errors as {
      row: number | null;
      column: string | null;
      value: string | null;
      message: string;
    }[]) {
      const where = [
        e.row !== null ? `line ${e.row}` : null,
        e.column ? `column "${e.column}"` : null,
      ]
        .filter(Boolean)
        .join(', ');
      console.log(`  ${where ? `${where}: ` : ''}${e.message}`);
    }
    if (outcome.errorCount > outcome.errors.length)
      console.log(`  ... and ${outcome.errorCount - outcome.errors.length} more`);
    return;
  }
  const { upload, created, dryRun } = outcome.result;
  const verb = dryRun
    ? created
      ? 'would load'
      : 'already loaded as'
    : created
      ? 'loaded'
      : 'already loaded as';
  const pounds = `£${Number(upload.total).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`;
  console.log(
    created
      ? `${name}: ${verb} ${upload.rows.loaded.toLocaleString('en-GB')} payments, ${pounds}, ${upload.period.from} to ${upload.period.to}` +
          (upload.rows.duplicates ? `, ${upload.rows.duplicates} duplicates skipped` : '') +
          (dryRun ? ' (dry run: nothing stored)' : ` (upload ${upload.id})`)
      : `${name}: ${verb} upload ${upload.id} (${upload.rows.loaded} payments)`,
  );
  for (const w of upload.warnings) console.log(`  warning: ${w.message}`);
  console.log(
    `  columns: ${Object.entries(upload.mapping)
      .map(([f, c]) => `${f} <- "${c}"`)
      .join(', ')}`,
  );
}
