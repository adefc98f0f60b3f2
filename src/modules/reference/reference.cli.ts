import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { Argument, type Command } from 'commander';
import { createProgress } from '../../cli/progress.ts';
import { withDatabase } from '../../cli/context.ts';
import { AppError } from '../../http/problem.ts';
import type { ReferenceSource } from './read-reference-file.ts';
import { REFERENCE_DATASETS } from './reference-format.ts';
import type { ReferenceLoad } from './reference.schemas.ts';
import { listReferenceData, loadReferenceData } from './reference.service.ts';

/*
 * `cwb reference load <dataset> FILE...` and `cwb reference list`. A load prints its progress
 * on the terminal (nothing when stderr is not one), then the summary; --json prints the summary
 * as the HTTP API gives it. The files are read as published; a download that is zipped can be
 * piped in: `unzip -p ONSPD_FEB_2026.zip 'Data/ONSPD_*.csv' | cwb reference load postcodes -`.
 */

const CLI_ACTOR = 'cli';
/** What was asked for goes to stdout (the lint keeps console to src/cli); trouble to stderr. */
const out = (line: string) => process.stdout.write(`${line}\n`);
const WARNINGS_SHOWN = 20;

/** Adds the `reference` commands to the cwb program. */
export function registerReferenceCommands(program: Command): void {
  const reference = program
    .command('reference')
    .description(
      'reference data: postcode directory, deprivation, charity/company/mutual registers',
    );

  reference
    .command('load')
    .description('load an official file, replacing the dataset atomically')
    .addArgument(new Argument('<dataset>', 'which dataset').choices(REFERENCE_DATASETS))
    .argument(
      '<files...>',
      'the file as published (several: the parts of one file, in order; - reads stdin)',
    )
    .option('--json', 'print the load summary as JSON')
    .action(
      async (
        dataset: (typeof REFERENCE_DATASETS)[number],
        files: string[],
        options: { json?: boolean },
      ) => {
        for (const file of files) {
          if (file !== '-' && !isFile(file)) return fail(`no such file: ${file}`);
        }
        const sources: ReferenceSource[] = files.map((file) =>
          file === '-'
            ? { fileName: null, bytes: process.stdin }
            : { fileName: path.basename(file), bytes: createReadStream(file) },
        );
        const progress = createProgress(dataset);
        let phase = 'reading';
        try {
          const load = await withDatabase(({ db }) =>
            loadReferenceData(db, {
              dataset,
              sources,
              actor: CLI_ACTOR,
              onProgress: (p) => {
                if (p.phase === 'reading') return progress.update(p.rows);
                if (phase === 'reading') {
                  progress.finish(p.rows);
                  if (process.stderr.isTTY)
                    process.stderr.write(`${dataset}: building indexes, swapping in\n`);
                }
                phase = p.phase;
              },
            }),
          );
          if (options.json) out(JSON.stringify(load, null, 2));
          else printLoad(load);
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          process.stderr.write(`cwb: ${error.message}\n`);
          for (const e of (error.extra.errors ?? []).slice(0, WARNINGS_SHOWN)) {
            process.stderr.write(`  ${'row' in e ? describeFileError(e) : e.message}\n`);
          }
          process.stderr.write('The data loaded before is unchanged.\n');
          process.exitCode = 1;
        }
      },
    );

  reference
    .command('list')
    .description('show which edition of each dataset is loaded')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const datasets = await withDatabase(({ db }) => listReferenceData(db));
      if (options.json) return void out(JSON.stringify({ datasets }, null, 2));
      for (const d of datasets) {
        out(
          d.loaded
            ? `${d.dataset}\t${d.format}\t${d.edition ?? 'edition unknown'}\t${d.rows?.toLocaleString('en-GB')} rows\tloaded ${d.loadedAt}`
            : `${d.dataset}\tnot loaded`,
        );
      }
    });
}

function printLoad(load: ReferenceLoad): void {
  const r = load.rows;
  const n = (value: number) => value.toLocaleString('en-GB');
  out(
    `${load.dataset}: ${load.format} ${load.edition ?? '(edition unknown)'}${load.lsoaVintage ? ` on ${load.lsoaVintage} LSOAs` : ''} loaded from ${load.fileName ?? 'stdin'}`,
  );
  out(
    `  ${n(r.read)} rows read, ${n(r.loaded)} loaded, ${n(r.skipped)} skipped, ${n(r.excluded)} excluded; ${n(load.warningCount)} warnings; ${load.seconds.toFixed(1)} s`,
  );
  for (const warning of load.warnings.slice(0, WARNINGS_SHOWN)) {
    process.stderr.write(`  ${describeFileError(warning)}\n`);
  }
  if (load.warningCount > WARNINGS_SHOWN) {
    process.stderr.write(
      `  ... and ${n(load.warningCount - WARNINGS_SHOWN)} more (--json lists ${load.warnings.length})\n`,
    );
  }
}

function describeFileError(e: {
  row: number | null;
  column: string | null;
  value: string | null;
  message: string;
}) {
  const column = e.column && !e.message.startsWith(e.column) ? e.column : '';
  const where = [e.row === null ? '' : `line ${e.row}`, column].filter(Boolean).join(', ');
  return `${where ? `${where}: ` : ''}${e.message}${e.value ? ` [${e.value}]` : ''}`;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function fail(message: string): void {
  process.stderr.write(`cwb: ${message}\n`);
  process.exitCode = 1;
}
