import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  createOrgWithKey,
  TEST_ADMIN_TOKEN,
  type TestApp,
} from './helpers/test-app.ts';
import { uploadCsv } from './helpers/uploads.ts';

/*
 * Who may call what, proven route by route. The route list comes from the app itself (every
 * route it registered, and the OpenAPI document it serves), and each must have a line in the
 * matrix below: a new route without one fails this test until someone decides who may call it.
 *
 * Two organisations in two partnerships: alpha (in alpha-anchors) and beta (in beta-anchors).
 * Every route is called on alpha by every kind of caller. A forbidden caller must get 403 (or
 * 401 without a valid key) and no data; an allowed one must get past authorisation.
 */

type Rule = 'public' | 'admin' | 'any key' | 'alpha read' | 'alpha write' | 'charter';

const MATRIX: Record<string, Rule> = {
  'GET /health': 'public',
  'GET /openapi.json': 'public',
  'POST /v1/organisations': 'admin',
  'GET /v1/organisations': 'any key',
  'GET /v1/organisations/:org': 'alpha read',
  'PATCH /v1/organisations/:org': 'admin',
  'POST /v1/organisations/:org/keys': 'admin',
  'GET /v1/organisations/:org/keys': 'admin',
  'DELETE /v1/organisations/:org/keys/:id': 'admin',
  'POST /v1/organisations/:org/uploads': 'alpha write',
  'GET /v1/organisations/:org/uploads': 'alpha read',
  'GET /v1/organisations/:org/uploads/:id': 'alpha read',
  'DELETE /v1/organisations/:org/uploads/:id': 'alpha write',
  'GET /v1/organisations/:org/suppliers': 'alpha read',
  'GET /v1/organisations/:org/suppliers/:ref': 'alpha read',
  'PUT /v1/organisations/:org/suppliers/:ref/overrides': 'alpha write',
  'DELETE /v1/organisations/:org/suppliers/:ref/overrides': 'alpha write',
  'GET /v1/organisations/:org/suppliers/:ref/matches': 'alpha read',
  'GET /v1/organisations/:org/classification': 'alpha read',
  'GET /v1/organisations/:org/metrics': 'alpha read',
  'GET /v1/organisations/:org/metrics/trend': 'alpha read',
  'GET /v1/organisations/:org/metrics/leakage': 'alpha read',
  'GET /v1/organisations/:org/charter/:year': 'alpha read',
  'GET /v1/organisations/:org/payment-compliance': 'alpha read',
  'PUT /v1/organisations/:org/charter/:year': 'alpha write',
  'GET /v1/organisations/:org/reports/annual': 'alpha read',
  'POST /v1/organisations/:org/reports/annual/links': 'alpha write',
  'GET /v1/organisations/:org/reports/annual/links': 'alpha read',
  'DELETE /v1/organisations/:org/reports/annual/links/:id': 'alpha write',
  'GET /reports/:token': 'public',
  'GET /v1/charter': 'charter',
  'GET /v1/charter/shared-suppliers': 'charter',
  'GET /v1/charter/measures': 'any key',
  'POST /v1/charter/measures': 'admin',
  'GET /v1/partnerships': 'admin',
  'POST /v1/partnerships': 'admin',
  'GET /v1/audit': 'admin',
  'POST /v1/reference/:dataset': 'admin',
  'GET /v1/reference': 'any key',
};

type Caller =
  | 'no key'
  | 'unknown key'
  | 'revoked alpha finance'
  | 'admin token'
  | 'admin key'
  | 'alpha finance'
  | 'alpha viewer'
  | 'alpha partner'
  | 'beta finance'
  | 'beta viewer'
  | 'beta partner';

const ALLOWED: Record<Rule, readonly Caller[]> = {
  public: [
    'no key',
    'unknown key',
    'revoked alpha finance',
    'admin token',
    'admin key',
    'alpha finance',
    'alpha viewer',
    'alpha partner',
    'beta finance',
    'beta viewer',
    'beta partner',
  ],
  admin: ['admin token', 'admin key'],
  'any key': [
    'admin token',
    'admin key',
    'alpha finance',
    'alpha viewer',
    'alpha partner',
    'beta finance',
    'beta viewer',
    'beta partner',
  ],
  'alpha read': ['admin token', 'admin key', 'alpha finance', 'alpha viewer'],
  'alpha write': ['admin token', 'admin key', 'alpha finance'],
  // beta's partner reads its own partnership's charter, never alpha's (see below).
  charter: ['admin token', 'admin key', 'alpha partner', 'beta partner'],
};

/** Values for path parameters: alpha's organisation, things that exist, things that do not. */
const PARAMS: Record<string, string> = {
  org: 'alpha',
  id: randomUUID(),
  ref: 'A1',
  year: '2022',
  dataset: 'postcodes',
  token: `cwbr_00000000_${'A'.repeat(32)}`,
};

/** Routes whose answer needs a query: called with it, so an allowed caller gets the real answer. */
const QUERIES: Record<string, string> = {
  'GET /v1/charter': 'year=2022',
  'GET /v1/charter/shared-suppliers': 'year=2022',
  'GET /v1/organisations/:org/reports/annual': 'year=2022',
  'GET /v1/organisations/:org/metrics': 'year=2022',
  'GET /v1/organisations/:org/classification': 'year=2022',
  'GET /v1/organisations/:org/payment-compliance': 'period=2022H1',
};

const ALPHA_LEDGER =
  'Payment Date,Supplier ID,Supplier Name,Service Area,Expense Type,Net Amount\n' +
  '10/04/2022,A1,Alpha Secret Supplies Ltd,Place,Works,1234.56\n';

let t: TestApp;
const keys = {} as Record<Caller, string | null>;

beforeAll(async () => {
  t = await buildTestApp();
  for (const [id, name] of [
    ['alpha-anchors', 'Alpha anchors'],
    ['beta-anchors', 'Beta anchors'],
  ]) {
    await t.asAdmin({ method: 'POST', url: '/v1/partnerships', payload: { id, name } });
  }
  const alpha = { id: 'alpha', name: 'Alpha Council', partnership: 'alpha-anchors' };
  const beta = { id: 'beta', name: 'Beta Council', partnership: 'beta-anchors' };
  keys['no key'] = null;
  keys['unknown key'] = 'cwb_00000000_thisKeyWasNeverIssuedByTheServiceAtAll0000000';
  keys['admin token'] = TEST_ADMIN_TOKEN;
  keys['admin key'] = await createOrgWithKey(t, beta, 'admin');
  keys['alpha finance'] = await createOrgWithKey(t, alpha, 'finance');
  keys['alpha viewer'] = await createOrgWithKey(t, alpha, 'viewer');
  keys['alpha partner'] = await createOrgWithKey(t, alpha, 'partner');
  keys['beta finance'] = await createOrgWithKey(t, beta, 'finance');
  keys['beta viewer'] = await createOrgWithKey(t, beta, 'viewer');
  keys['beta partner'] = await createOrgWithKey(t, beta, 'partner');
  keys['revoked alpha finance'] = await createOrgWithKey(t, alpha, 'finance');
  const listed = await t.asAdmin({ method: 'GET', url: '/v1/organisations/alpha/keys' });
  const revoked = listed
    .json()
    .keys.find((k: { prefix: string }) => keys['revoked alpha finance']!.startsWith(k.prefix));
  const revoke = await t.asAdmin({
    method: 'DELETE',
    url: `/v1/organisations/alpha/keys/${revoked.id}`,
  });
  expect(revoke.statusCode, revoke.body).toBeLessThan(300);

  const upload = await uploadCsv(t, keys['alpha finance']!, 'alpha', ALPHA_LEDGER);
  expect(upload.statusCode, upload.body).toBe(201);
});
afterAll(() => t.close());

/** The app's own route list (HEAD routes are GET's twins), outside the docs pages. */
function appRoutes(): string[] {
  return [
    ...new Set(
      t.app.routeRules
        .filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/docs'))
        .map((r) => `${r.method} ${r.url}`),
    ),
  ].sort();
}

function call(caller: Caller, route: string) {
  const [method, template] = route.split(' ') as [string, string];
  const url = template.replace(/:(\w+)/g, (_, name: string) => PARAMS[name]!);
  const key = keys[caller];
  // Bodies that cannot change anything: an allowed caller gets a 400, 404 or 422 at worst.
  const payload = ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined;
  return t.app.inject({
    method: method as 'GET',
    url: QUERIES[route] ? `${url}?${QUERIES[route]}` : url,
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
    ...(payload ? { payload } : {}),
  });
}

describe('isolation matrix', () => {
  it('has a rule for every route the app serves, and no rule for a route it does not', () => {
    const routes = appRoutes();
    expect(routes.filter((r) => !(r in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('documents every /v1 route in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    expect(documented.sort()).toEqual(appRoutes().filter((r) => r !== 'GET /openapi.json'));
  });

  it('refuses every forbidden caller with 401 or 403 and no data', async () => {
    const failures: string[] = [];
    for (const route of appRoutes()) {
      const allowed = ALLOWED[MATRIX[route]!];
      for (const caller of ALLOWED.public) {
        if (allowed.includes(caller)) continue;
        const res = await call(caller, route);
        const expected =
          keys[caller] === null || caller === 'unknown key' || caller.startsWith('revoked')
            ? 401
            : 403;
        if (res.statusCode !== expected)
          failures.push(`${route} as ${caller}: ${res.statusCode}, expected ${expected}`);
        if (res.body.includes('Alpha Secret') || res.body.includes('1234.56'))
          failures.push(`${route} as ${caller}: leaked alpha's data`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('lets every allowed caller past authorisation', async () => {
    const failures: string[] = [];
    for (const route of appRoutes()) {
      for (const caller of ALLOWED[MATRIX[route]!]) {
        const res = await call(caller, route);
        if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode >= 500)
          failures.push(`${route} as ${caller}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('what a route open to every key shows', () => {
  it("shows beta's keys nothing of alpha", async () => {
    for (const caller of ['beta finance', 'beta viewer', 'beta partner'] as const) {
      for (const route of Object.keys(MATRIX).filter((r) => MATRIX[r] === 'any key')) {
        const res = await call(caller, route);
        expect(res.statusCode, `${route} as ${caller}`).toBe(200);
        expect(res.body, `${route} as ${caller}`).not.toContain('alpha');
      }
    }
  });

  it("gives beta's partner its own partnership's charter, and refuses alpha's", async () => {
    const own = await t.as(keys['beta partner']!, { method: 'GET', url: '/v1/charter?year=2022' });
    expect(own.json().partners.map((p: { organisation: string }) => p.organisation)).toEqual([
      'beta',
    ]);
    expect(own.body).not.toContain('alpha');
    for (const url of [
      '/v1/charter?year=2022&partnership=alpha-anchors',
      '/v1/charter/shared-suppliers?year=2022&partnership=alpha-anchors',
    ]) {
      const res = await t.as(keys['beta partner']!, { method: 'GET', url });
      expect(res.statusCode, url).toBe(403);
    }
    const alphaOwn = await t.as(keys['alpha partner']!, {
      method: 'GET',
      url: '/v1/charter?year=2022',
    });
    expect(alphaOwn.json().combined.totalSpend).toBe('1234.56');
  });
});
