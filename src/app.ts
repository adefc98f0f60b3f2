import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { createServer } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Config } from './config.ts';
import type { Database } from './db/create-db.ts';
import { registerAuth } from './http/auth.ts';
import { registerNulGuard } from './http/nul-guard.ts';
import { AppError, registerProblemHandlers } from './http/problem.ts';
import { registerStreamingBodies } from './http/upload-body.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { charterRoutes } from './modules/charter/charter.routes.ts';
import { classifyRoutes } from './modules/classify/classify.routes.ts';
import { complianceRoutes } from './modules/compliance/compliance.routes.ts';
import { ingestRoutes } from './modules/ingest/ingest.routes.ts';
import { keyRoutes } from './modules/keys/keys.routes.ts';
import { metricsRoutes } from './modules/metrics/metrics.routes.ts';
import { organisationRoutes } from './modules/organisations/organisations.routes.ts';
import { referenceRoutes } from './modules/reference/reference.routes.ts';
import { reportRoutes } from './modules/reports/reports.routes.ts';
import { supplierRoutes } from './modules/suppliers/suppliers.routes.ts';

export interface AppOptions {
  config: Config;
  database: Database;
  /** A pino logger; none means silent (tests). */
  logger?: FastifyBaseLogger;
}

export const API_VERSION = '1.0.0';

/** JSON bodies other than uploads are small: settings, overrides, measures. */
const JSON_BODY_LIMIT = 1024 * 1024;

/** The Content-Security-Policy of HTML pages that do not set their own (the API documentation). */
const PAGE_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Fastify's trustProxy for the setting: a hop count trusts that many proxies nearest the server. */
function trustedProxies(setting: boolean | number | string) {
  return typeof setting === 'number' ? (_address: string, hop: number) => hop < setting : setting;
}

/** Builds the HTTP application on an open database. Never listens: server.ts does that. */
export async function buildApp({ config, database, logger }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    bodyLimit: JSON_BODY_LIMIT,
    // A request must arrive whole in time (Node answers 408 and closes the connection); a
    // connection idle between requests closes after the keep-alive timeout.
    serverFactory: (handler) =>
      createServer(
        {
          requestTimeout: config.requestTimeoutMs,
          headersTimeout: Math.min(60_000, config.requestTimeoutMs),
          keepAliveTimeout: 72_000,
          connectionsCheckingInterval: Math.min(30_000, Math.max(100, config.requestTimeoutMs / 4)),
        },
        handler,
      ),
    // The failed-authentication limit counts per client address: behind a proxy, the one it forwards.
    ...(config.trustProxy === undefined ? {} : { trustProxy: trustedProxies(config.trustProxy) }),
    // The OpenAPI document describes the API as published, whatever proxy is in front.
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  // Headers for every answer, and for every page: nothing sniffed, framed or leaked by referrer.
  // Pages that set their own policy (the report) keep it; the API documentation gets this one.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) {
      if (!reply.hasHeader('content-security-policy'))
        reply.header('content-security-policy', PAGE_POLICY);
      if (!reply.hasHeader('x-frame-options')) reply.header('x-frame-options', 'DENY');
      if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'no-referrer');
    }
    return payload;
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);
  registerNulGuard(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'cwb-spend',
        version: API_VERSION,
        description:
          'Community Wealth Building spend analysis: how much of what an organisation buys stays in its place, ' +
          'with local firms, charities, social enterprises and small businesses.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'an API key, or CWB_ADMIN_TOKEN' },
        },
      },
    },
    transform: (input) => {
      const out = jsonSchemaTransform(input);
      if (!input.url.startsWith('/v1')) return out;
      return { ...out, schema: { ...out.schema, security: [{ apiKey: [] }] } };
    },
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  registerAuth(app, {
    db: database.db,
    adminToken: config.adminToken,
    failuresPerMinute: config.authFailuresPerMinute,
  });
  await registerStreamingBodies(app);

  app.get(
    '/health',
    {
      schema: {
        tags: ['service'],
        summary: 'Is the service up, and on which database',
        response: {
          200: z.object({ status: z.literal('ok'), database: z.enum(['postgres', 'pglite']) }),
        },
      },
    },
    async () => {
      try {
        await sql`select 1`.execute(database.db);
      } catch {
        throw new AppError(503, 'database-unavailable', 'The database is not answering.');
      }
      return { status: 'ok' as const, database: database.kind };
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(organisationRoutes, { db: database.db });
  await app.register(keyRoutes, { db: database.db });
  await app.register(ingestRoutes, {
    db: database.db,
    uploadLimitBytes: config.uploadLimitBytes,
  });
  await app.register(supplierRoutes, { db: database.db });
  await app.register(classifyRoutes, { db: database.db });
  await app.register(metricsRoutes, { db: database.db });
  await app.register(complianceRoutes, { db: database.db });
  await app.register(charterRoutes, { db: database.db });
  await app.register(reportRoutes, { db: database.db, publicUrl: config.publicUrl });
  await app.register(auditRoutes, { db: database.db });
  await app.register(referenceRoutes, {
    db: database.db,
    uploadLimitBytes: config.referenceUploadLimitBytes,
  });

  return app;
}
