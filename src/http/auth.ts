import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { authenticate } from '../modules/keys/keys.service.ts';
import { ACCESS_RULES, isAllowed, type Access, type Principal } from './access.ts';
import { AuthLimiter } from './auth-limiter.ts';
import { AppError, forbidden } from './problem.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The access rule of a /v1 route (see access.ts). Routes outside /v1 are public. */
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route the app serves, with its access rule: what the isolation test walks. */
    routeRules: RouteRule[];
    /** Failed authentications per client address (keys here, report link tokens elsewhere). */
    authLimiter: AuthLimiter;
  }
}

export interface RouteRule {
  method: string;
  url: string;
  /** undefined for public routes (outside /v1). */
  access: Access | undefined;
}

export interface AuthOptions {
  db: Kysely<DB>;
  adminToken: string | undefined;
  /** Failed authentications allowed per client address per minute (0: no limit). */
  failuresPerMinute: number;
}

/** Refuses a client address that has failed authentication too often of late (429). */
export function refuseIfLimited(request: FastifyRequest, limiter: AuthLimiter): void {
  const wait = limiter.retryAfter(request.ip, Date.now());
  if (wait > 0) {
    throw new AppError(
      429,
      'too-many-attempts',
      `Too many failed attempts to authenticate from this address: try again in ${wait} s.`,
      { headers: { 'retry-after': String(wait) } },
    );
  }
}

const unauthorized = (detail: string) =>
  new AppError(401, 'unauthorized', detail, {
    headers: { 'www-authenticate': 'Bearer realm="cwb-spend"' },
  });

/**
 * Bearer-key authentication and per-route authorisation. Runs in onRequest, so a request
 * that may not proceed is refused before its body (an upload, say) is read.
 */
export function registerAuth(app: FastifyInstance, options: AuthOptions): void {
  app.decorateRequest('principal', null);
  const rules: RouteRule[] = [];
  app.decorate('routeRules', rules);
  const limiter = new AuthLimiter({ limit: options.failuresPerMinute, windowMs: 60_000 });
  app.decorate('authLimiter', limiter);

  // A /v1 route without a rule is a programming error: refuse to start rather than serve it open.
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    for (const method of [route.method].flat()) rules.push({ method, url: route.url, access });
    if (!route.url.startsWith('/v1')) return;
    if (access === undefined || !ACCESS_RULES.includes(access)) {
      throw new Error(
        `Route ${String(route.method)} ${route.url} has no access rule (config.access).`,
      );
    }
  });

  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (access === undefined) return;
    const token = bearerToken(request);
    if (token === null)
      throw unauthorized('This route needs an API key: Authorization: Bearer <key>.');
    refuseIfLimited(request, limiter);
    const principal = await authenticate(options.db, options.adminToken, token);
    if (principal === null) {
      limiter.fail(request.ip, Date.now());
      throw unauthorized('The API key is not valid, or has been revoked.');
    }
    request.principal = principal;
    const org = (request.params as { org?: string } | undefined)?.org;
    // The refusal says nothing of the organisation asked for, not even whether it exists.
    if (!isAllowed(principal, access, org)) throw forbidden();
  });
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** The principal of an authenticated route; throws if called on a public one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf called on a route without authentication');
  return request.principal;
}
