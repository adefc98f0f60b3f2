import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { Config } from '../../src/config.ts';
import type { Database } from '../../src/db/create-db.ts';
import { DEMO_ORGANISATION } from '../../src/demo/run-demo.ts';
import { createTestDatabase } from './test-db.ts';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    databaseUrl: undefined,
    dataDir: 'memory://',
    host: '127.0.0.1',
    port: 0,
    logLevel: 'silent',
    adminToken: TEST_ADMIN_TOKEN,
    uploadLimitBytes: 20 * 1024 * 1024,
    referenceUploadLimitBytes: 20 * 1024 * 1024,
    dbPoolSize: 5,
    pgliteSharedBuffersMb: 16,
    publicUrl: undefined,
    requestTimeoutMs: 60_000,
    authFailuresPerMinute: 0,
    trustProxy: undefined,
    ...overrides,
  };
}

export interface TestApp {
  app: FastifyInstance;
  database: Database;
  /** app.inject with the admin token. */
  asAdmin(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** app.inject with the given key. */
  as(key: string, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Builds the app on a fresh test database (or the one given). */
export async function buildTestApp(
  options: {
    database?: Database;
    config?: Partial<Config>;
    prepare?: (app: FastifyInstance) => void;
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const app = await buildApp({ config: testConfig(options.config), database });
  options.prepare?.(app);
  await app.ready();
  const as = (key: string, inject: InjectOptions) =>
    app.inject({ ...inject, headers: { ...inject.headers, authorization: `Bearer ${key}` } });
  return {
    app,
    database,
    as,
    asAdmin: (inject) => as(TEST_ADMIN_TOKEN, inject),
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/** Body shapes the tests send again and again. Wigan is the demo's organisation. */
export const wigan = { ...DEMO_ORGANISATION };

/** Creates an organisation and a key of the given role for it; returns the key. */
export async function createOrgWithKey(
  t: TestApp,
  org: { id: string; name: string; homeAreas?: string[]; yearStartMonth?: number },
  role: 'admin' | 'finance' | 'viewer' | 'partner',
): Promise<string> {
  const existing = await t.asAdmin({ method: 'GET', url: `/v1/organisations/${org.id}` });
  if (existing.statusCode === 404) {
    const created = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations',
      payload: { homeAreas: ['E08000010'], ...org },
    });
    if (created.statusCode !== 201) throw new Error(`create ${org.id}: ${created.body}`);
  }
  const key = await t.asAdmin({
    method: 'POST',
    url: `/v1/organisations/${org.id}/keys`,
    payload: { role },
  });
  if (key.statusCode !== 201) throw new Error(`key for ${org.id}: ${key.body}`);
  return (key.json() as { key: string }).key;
}
