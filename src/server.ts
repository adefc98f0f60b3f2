import { performance } from 'node:perf_hooks';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { createDb } from './db/create-db.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createLogger } from './logger.ts';
import { prepareLedgerReader } from './modules/ingest/parse-in-worker.ts';

/** loadConfig -> createDb -> migrate -> buildApp -> listen, and a clean stop on SIGINT/SIGTERM. */
export async function startServer(): Promise<void> {
  const started = performance.now();
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
  const logger = createLogger(config);
  const database = await createDb(config);
  const applied = await migrateToLatest(database.db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  const app = await buildApp({ config, database, logger });
  if (!config.adminToken) {
    logger.warn('CWB_ADMIN_TOKEN is not set: only keys made with `cwb keys create` can call /v1');
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ host: config.host, port: config.port });
  // The ledger reader's code is built now, in esbuild's process, not at the first upload.
  void prepareLedgerReader();
  app.log.info(
    { database: database.kind, startupMs: Math.round(performance.now() - started) },
    `cwb-spend listening on http://${config.host}:${config.port} (docs at /docs)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await startServer();
}
