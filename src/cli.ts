import { Command, InvalidArgumentError } from 'commander';
import { CLI_ACTOR, CliError, parseWith, withDatabase } from './cli/context.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createDb } from './db/create-db.ts';
import { DataDirLockedError } from './db/data-dir-lock.ts';
import { MigrationError, migrateDown, migrateToLatest } from './db/migrate.ts';
import { AppError } from './http/problem.ts';
import { roleSchema } from './modules/keys/keys.schemas.ts';
import { createApiKey } from './modules/keys/keys.service.ts';
import { registerDemoCommand } from './demo/demo.cli.ts';
import { registerClassifyCommand } from './modules/classify/classify.cli.ts';
import { registerIngestCommands } from './modules/ingest/ingest.cli.ts';
import { createOrganisationSchema } from './modules/organisations/organisations.schemas.ts';
import { createPartnershipSchema } from './modules/charter/charter.schemas.ts';
import { createPartnership } from './modules/charter/charter.service.ts';
import { registerReferenceCommands } from './modules/reference/reference.cli.ts';
import { registerReportCommand } from './modules/reports/reports.cli.ts';
import {
  createOrganisation,
  listVisibleOrganisations,
} from './modules/organisations/organisations.service.ts';

/*
 * The `cwb` command. Each subcommand opens the configured database, migrates it, does one
 * thing and closes it. What the command was asked for goes to stdout; trouble to stderr.
 */

const list = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

const month = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 12)
    throw new InvalidArgumentError('a month number 1-12');
  return n;
};

export function buildCli(): Command {
  const program = new Command('cwb')
    .description('cwb-spend: Community Wealth Building spend analysis')
    .showHelpAfterError();

  program
    .command('serve')
    .description('start the HTTP API (same as npm start)')
    .action(async () => {
      const { startServer } = await import('./server.ts');
      await startServer();
    });

  program
    .command('migrate')
    .description('bring the database schema up to date')
    .option('--down', 'undo the most recent migration instead')
    .action(async (options: { down?: boolean }) => {
      const database = await createDb(loadConfig());
      try {
        const names = options.down
          ? await migrateDown(database.db)
          : await migrateToLatest(database.db);
        console.log(
          names.length
            ? `${options.down ? 'undone' : 'applied'}: ${names.join(', ')}`
            : 'up to date',
        );
      } finally {
        await database.close();
      }
    });

  const org = program.command('org').description('organisations');
  org
    .command('create')
    .description('create an organisation')
    .requiredOption('--id <slug>', 'short id, e.g. wigan')
    .requiredOption('--name <name>', 'e.g. "Wigan Council"')
    .requiredOption('--home <lad...>', 'LAD codes counted as local, comma separated', list)
    .option('--wider <lad...>', 'LAD codes of the wider area, comma separated', list, [])
    .option('--year-start <month>', 'first month of the financial year', month, 4)
    .option('--partnership <id>', 'the anchor partnership it reports its charter with', 'default')
    .action(
      async (o: {
        id: string;
        name: string;
        home: string[];
        wider: string[];
        yearStart: number;
        partnership: string;
      }) => {
        const input = parseWith(createOrganisationSchema, {
          id: o.id,
          name: o.name,
          homeAreas: o.home,
          widerAreas: o.wider,
          yearStartMonth: o.yearStart,
          partnership: o.partnership,
        });
        const created = await withDatabase(({ db }) => createOrganisation(db, CLI_ACTOR, input));
        console.log(JSON.stringify(created, null, 2));
      },
    );
  org
    .command('list')
    .description('list organisations')
    .action(async () => {
      const all = await withDatabase(({ db }) =>
        listVisibleOrganisations(db, { role: 'admin', orgId: null, actor: CLI_ACTOR, keyId: null }),
      );
      for (const o of all)
        console.log(
          `${o.id}\t${o.name}\thome ${o.homeAreas.join(',')}\tyear starts month ${o.yearStartMonth}\tpartnership ${o.partnership}`,
        );
    });

  program
    .command('partnership')
    .description('anchor partnerships')
    .command('create')
    .description('create a partnership; organisations join it with org create --partnership')
    .requiredOption('--id <slug>', 'short id, e.g. wigan-anchors')
    .requiredOption('--name <name>', 'e.g. "Wigan anchor partnership"')
    .action(async (o: { id: string; name: string }) => {
      const input = parseWith(createPartnershipSchema, o);
      const created = await withDatabase(({ db }) => createPartnership(db, CLI_ACTOR, input));
      console.log(JSON.stringify(created, null, 2));
    });

  const keys = program.command('keys').description('API keys');
  keys
    .command('create')
    .description('issue an API key; it is printed once and never stored')
    .requiredOption('--org <id>', 'the organisation the key belongs to')
    .requiredOption('--role <role>', 'admin | finance | viewer | partner')
    .option('--name <name>', 'what the key is for')
    .action(async (o: { org: string; role: string; name?: string }) => {
      const role = parseWith(roleSchema, o.role);
      const { key, row } = await withDatabase(({ db }) =>
        createApiKey(db, CLI_ACTOR, o.org, role, o.name ?? null),
      );
      process.stderr.write(
        `${row.role} key ${row.prefix} for ${row.org_id}; keep it safe, it is not shown again:\n`,
      );
      console.log(key);
    });

  registerIngestCommands(program);
  registerReferenceCommands(program);
  registerClassifyCommand(program);
  registerReportCommand(program);
  registerDemoCommand(program);
  return program;
}

/** Runs the CLI and turns known errors into a message and an exit code. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (error) {
    if (
      error instanceof ConfigError ||
      error instanceof CliError ||
      error instanceof AppError ||
      error instanceof DataDirLockedError ||
      error instanceof MigrationError
    ) {
      process.stderr.write(`cwb: ${error.message}\n`);
      if (error instanceof AppError)
        for (const e of error.extra.errors ?? [])
          process.stderr.write(`  ${'field' in e ? `${e.field}: ` : ''}${e.message}\n`);
      process.exitCode = error instanceof AppError && error.status === 404 ? 3 : 1;
      return;
    }
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runCli(process.argv);
}
