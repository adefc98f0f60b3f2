import { z } from 'zod';

/**
 * The one place that reads process.env. Every setting is validated once at start-up; a bad
 * value stops the process with a message naming the variable.
 */
const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection string')
    .optional(),
  CWB_DATA_DIR: z.string().min(1).default('./data/pglite'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CWB_ADMIN_TOKEN: z
    .string()
    .min(24, 'must be at least 24 characters: it is an admin key')
    .optional(),
  CWB_UPLOAD_LIMIT_MB: z.coerce.number().int().min(1).max(4096).default(200),
  // The official reference files are big (the postcode directory ~1.5 GB, companies ~2.5 GB).
  CWB_REFERENCE_UPLOAD_LIMIT_MB: z.coerce.number().int().min(1).max(65536).default(8192),
  CWB_DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  CWB_PGLITE_SHARED_BUFFERS_MB: z.coerce.number().int().min(1).max(1024).default(16),
  CWB_REQUEST_TIMEOUT_S: z.coerce.number().int().min(1).max(86_400).default(600),
  CWB_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(0).max(100_000).default(30),
  // Behind a reverse proxy every client has the proxy's address; say which proxies to believe.
  CWB_TRUST_PROXY: z
    .string()
    .regex(
      /^(true|\d{1,2}|[0-9a-fA-F:./]+(\s*,\s*[0-9a-fA-F:./]+)*)$/,
      'must be true, a number of proxy hops, or addresses/CIDRs separated by commas',
    )
    .transform((v): boolean | number | string =>
      v === 'true' ? true : /^\d+$/.test(v) ? Number(v) : v,
    )
    .optional(),
  CWB_PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be an http(s) address, e.g. https://cwb.example.org',
    })
    .transform((u) => u.replace(/\/+$/, ''))
    .optional(),
});

const SECRET_VARIABLES = new Set(['DATABASE_URL', 'CWB_ADMIN_TOKEN']);

export interface Config {
  /** Real PostgreSQL when set; otherwise embedded PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  host: string;
  port: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  adminToken: string | undefined;
  uploadLimitBytes: number;
  /** Largest reference file (POST /v1/reference/:dataset, admin only) accepted. */
  referenceUploadLimitBytes: number;
  dbPoolSize: number;
  /** PGlite's buffer cache (shared_buffers), held in this process's memory. */
  pgliteSharedBuffersMb: number;
  /** A request must arrive whole within this (a slow upload included), or it is answered 408. */
  requestTimeoutMs: number;
  /** Failed authentications allowed per client address per minute before 429 (0: no limit). */
  authFailuresPerMinute: number;
  /** The address people reach the service at, for links it hands out (default: the request's own). */
  publicUrl: string | undefined;
  /**
   * Proxies whose X-Forwarded-For is believed, as Fastify's trustProxy: true, a hop count, or
   * addresses/CIDRs. Unset: the connection's own address is the client's.
   */
  trustProxy: boolean | number | string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment and returns the typed configuration, or throws ConfigError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set": `DATABASE_URL= npm start` runs on PGlite.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        // Secrets are never echoed, not even when wrong.
        const shown = SECRET_VARIABLES.has(name)
          ? 'value withheld'
          : `got ${JSON.stringify(env[name] ?? null)}`;
        return `${name}: ${issue.message} (${shown})`;
      }),
    );
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.CWB_DATA_DIR,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    adminToken: e.CWB_ADMIN_TOKEN,
    uploadLimitBytes: e.CWB_UPLOAD_LIMIT_MB * 1024 * 1024,
    referenceUploadLimitBytes: e.CWB_REFERENCE_UPLOAD_LIMIT_MB * 1024 * 1024,
    dbPoolSize: e.CWB_DB_POOL_SIZE,
    pgliteSharedBuffersMb: e.CWB_PGLITE_SHARED_BUFFERS_MB,
    requestTimeoutMs: e.CWB_REQUEST_TIMEOUT_S * 1000,
    authFailuresPerMinute: e.CWB_AUTH_FAILURES_PER_MINUTE,
    publicUrl: e.CWB_PUBLIC_URL,
    trustProxy: e.CWB_TRUST_PROXY,
  };
}
