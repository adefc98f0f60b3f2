import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.ts';
import { installBulkCopy } from './bulk-copy.ts';
import { lockDataDir } from './data-dir-lock.ts';
import { PgliteConnection } from './pglite-connection.ts';
import type { DB } from './schema.ts';

export type DatabaseKind = 'postgres' | 'pglite';

/** A connected database: the Kysely instance the app uses, and what kind of engine is behind it. */
export interface Database {
  kind: DatabaseKind;
  db: Kysely<DB>;
  close(): Promise<void>;
}

/**
 * Type parsers, set once for both engines (PGlite's connection speaks the wire protocol, so pg
 * parses its rows too):
 * - date (1082) stays a 'YYYY-MM-DD' string; pg would make it a local-midnight Date.
 * - int8 (20) becomes a bigint: counts and pence sums must not lose precision.
 * - numeric (1700) stays a string (pg's default), so sums never pass through a float.
 */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 1082) return (value: string) => value;
    if (oid === 20) return (value: string) => BigInt(value);
    if (oid === 1016) return (value: string) => parseBigintArray(value);
    return pg.types.getTypeParser(oid, format) as (value: string) => unknown;
  },
};

function parseBigintArray(value: string): bigint[] {
  const inner = value.slice(1, -1);
  return inner === '' ? [] : inner.split(',').map((v) => BigInt(v));
}

/** Opens the database the configuration names: PostgreSQL when DATABASE_URL is set, else PGlite. */
export async function createDb(config: Config): Promise<Database> {
  if (config.databaseUrl) return createPostgresDb(config.databaseUrl, config.dbPoolSize);
  const options = { sharedBuffersMb: config.pgliteSharedBuffersMb };
  if (config.dataDir.startsWith('memory://'))
    return createPgliteDb(await openPglite(config.dataDir, options));
  mkdirSync(config.dataDir, { recursive: true });
  const unlock = lockDataDir(config.dataDir);
  try {
    const database = createPgliteDb(await openPglite(config.dataDir, options));
    return {
      ...database,
      async close() {
        await database.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

/**
 * PGlite's buffer cache, by default. PostgreSQL's own default (128 MB) lives inside this
 * process's memory here, and a large upload fills it: with 128 MB a 1,000,000-row upload peaked
 * some 130 MB higher. The figures read small summary tables through indexes, so they stay fast
 * with a small cache (issue 3's and issue 5's figures in the README).
 */
export const PGLITE_SHARED_BUFFERS_MB = 16;

/** Opens a PGlite instance with the extensions the schema uses. */
export async function openPglite(
  dataDir: string,
  options: { loadDataDir?: Blob; sharedBuffersMb?: number } = {},
): Promise<PGlite> {
  const { loadDataDir, sharedBuffersMb = PGLITE_SHARED_BUFFERS_MB } = options;
  const pglite = await PGlite.create({
    dataDir,
    extensions: { pg_trgm },
    // On the command line: it overrides the data directory's postgresql.conf, left as it is.
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${sharedBuffersMb}MB`],
    ...(loadDataDir ? { loadDataDir } : {}),
  });
  return pglite;
}

/** A Database over a pg pool on real PostgreSQL. */
export function createPostgresDb(connectionString: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString, max: poolSize, types: pgTypes });
  pool.on('connect', (client) => installBulkCopy(client, { kind: 'postgres' }));
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return { kind: 'postgres', db, close: () => db.destroy() };
}

/**
 * A Database over an open PGlite instance, through a pg connection to it (PgliteConnection:
 * PGlite's node-postgres adapter with pg's own protocol parser) and Kysely's PostgresDialect: the
 * same queries as PostgreSQL. PGlite is one backend, so the pool holds exactly one client and
 * never closes it.
 */
export function createPgliteDb(pglite: PGlite): Database {
  const pool = new pg.Pool({
    connection: new PgliteConnection(pglite),
    user: 'postgres',
    password: 'unused',
    database: 'postgres',
    host: 'localhost',
    port: 5432,
    max: 1,
    idleTimeoutMillis: 0,
    types: pgTypes,
  } as pg.PoolConfig);
  pool.on('connect', (client) => installBulkCopy(client, { kind: 'pglite', pglite }));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'pglite',
    db,
    async close() {
      await db.destroy();
      await pglite.close();
    },
  };
}
