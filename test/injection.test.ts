import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changedTables,
  rowCountChanges,
  snapshotTables,
  tablesHolding,
  type TableState,
} from './helpers/db-snapshot.ts';
import { loadAllReferenceFixtures, REFERENCE_FIXTURES } from './helpers/reference.ts';
import { buildTestApp, TEST_ADMIN_TOKEN, wigan, type TestApp } from './helpers/test-app.ts';

/*
 * SQL injection attempts in every text the API takes change nothing. The operations come from
 * the OpenAPI document the app serves, so a route added later is attacked without anyone
 * listing it here:
 * - every path and query parameter of every operation gets every payload (the other required
 *   parameters hold good values from the fixture organisation). No answer is a 5xx; a read
 *   changes nothing; a refused write changes nothing; a write that takes the value as data does
 *   exactly what the same write with a plain value does, and stores the value as sent.
 * - every string in the JSON body of every write gets every payload: free text (names, reasons,
 *   notes) is stored and read back character for character; anything else is refused or stored
 *   as sent, and changes exactly what a plain value changes.
 * - supplier names, references, addresses, services and transaction numbers in uploaded files
 *   are stored and served as sent, and add the same rows as a file of plain text.
 * The database is compared table by table (row counts and a digest of every row), so an update
 * shows as well as an insert or a delete.
 */

const PAYLOADS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '1; DROP TABLE payments; --',
  "'); DELETE FROM organisations; --",
  '$$; TRUNCATE payments; $$',
  '\\x00',
  'x\u0000y',
  "%' --",
  '%',
  '" OR ""="',
  '\u2019 OR \u20191\u2019=\u20191',
  '\u02bc; DROP TABLE organisations; --',
  '\uff07 OR 1=1 --',
  "\\'; SELECT pg_sleep(3); --",
  "1' AND 1=CAST((SELECT key_hash FROM api_keys LIMIT 1) AS int) --",
  '*/ UNION SELECT key_hash, NULL FROM api_keys /*',
  '2022 OR 1=1',
  '99999999999999999999',
  '{"supplierName":"x\'); DROP TABLE payments; --"}',
] as const;

/** PostgreSQL text cannot hold U+0000: such a value must be refused, never stored or a 500. */
const hasNul = (text: string) => text.includes('\u0000');

interface JsonSchema {
  type?: string | string[];
  pattern?: string;
  enum?: unknown[];
  format?: string;
  maxLength?: number;
  minLength?: number;
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  $ref?: string;
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  /** OpenAPI path, `{param}` style. */
  path: string;
  /** `METHOD /path/:param`, as the app's routes are named. */
  route: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
}

const SAFE = new Set(['GET', 'HEAD']);

let t: TestApp;
let operations: Operation[];
let components: Record<string, JsonSchema> = {};
const fixture = { uploadId: '', keyId: '', linkId: '', token: '' };

/** A counter for unique ids and plain control values. */
let serial = 0;
/** Hostile reads answered 200 and compared with a plain value's answer. */
let readsCompared = 0;

const SUPPLIERS =
  'Supplier Reference,Supplier Name,Postcode\n' +
  'S1,Pemberton Builders Ltd,WN5 9UN\n' +
  'S2,Leigh Community Sports Association,WN7 1AA\n';
const LEDGER =
  'Payment Date,Transaction Number,Supplier ID,Supplier Name,Service Area,Expense Type,Net Amount\n' +
  '10/04/2022,T1,S1,Pemberton Builders Ltd,Place,Building Works,1000.00\n' +
  '15/05/2022,T2,S2,Leigh Community Sports Association,Communities,Sports,500.00\n';
const MUTUALS = readFileSync(
  new URL(`../fixtures/reference/${REFERENCE_FIXTURES.mutuals}`, import.meta.url),
);

/**
 * A valid body for each write that takes one. `n` makes ids unique. A write route added later
 * needs a line here (the first test says so) before its body can be attacked.
 */
const SAMPLE_BODIES: Record<string, (n: number) => { payload: unknown; type?: string }> = {
  'POST /v1/organisations': (n) => ({
    payload: { id: `sample-${n}`, name: 'Sample Council', homeAreas: ['E08000010'] },
  }),
  'PATCH /v1/organisations/:org': () => ({ payload: { name: 'Wigan Council' } }),
  'POST /v1/organisations/:org/keys': () => ({
    payload: { role: 'viewer', name: 'board papers' },
  }),
  'PUT /v1/organisations/:org/suppliers/:ref/overrides': () => ({
    payload: { local: true, postcode: 'WN1 1AA', reason: 'checked the trading address' },
  }),
  'POST /v1/charter/measures': (n) => ({
    payload: {
      code: `sample_${n}`,
      name: 'Apprentices',
      unit: 'people',
      kind: 'count',
      description: 'apprentices taken on',
    },
  }),
  'PUT /v1/organisations/:org/charter/:year': () => ({
    payload: { values: { inj_local_jobs: { value: 12, note: 'from the HR system' } } },
  }),
  'POST /v1/partnerships': (n) => ({ payload: { id: `sample-${n}`, name: 'Sample anchors' } }),
  'POST /v1/organisations/:org/reports/annual/links': () => ({ payload: { year: 2022 } }),
  'POST /v1/organisations/:org/uploads': () => ({ payload: LEDGER, type: 'text/csv' }),
  'POST /v1/reference/:dataset': () => ({ payload: MUTUALS, type: 'text/csv' }),
};

beforeAll(async () => {
  t = await buildTestApp();
  await loadAllReferenceFixtures(t);
  const admin = (options: InjectOptions) => t.asAdmin(options);
  const expectStatus = (res: LightMyRequestResponse, status: number) =>
    expect(res.statusCode, res.body.slice(0, 300)).toBe(status);

  expectStatus(await admin({ method: 'POST', url: '/v1/organisations', payload: wigan }), 201);
  for (const [kind, body] of [
    ['suppliers', SUPPLIERS],
    ['ledger', LEDGER],
  ] as const) {
    const res = await admin({
      method: 'POST',
      url: `/v1/organisations/wigan/uploads?kind=${kind}`,
      headers: { 'content-type': 'text/csv' },
      payload: body,
    });
    expectStatus(res, 201);
    fixture.uploadId = res.json().id;
  }
  const key = await admin({
    method: 'POST',
    url: '/v1/organisations/wigan/keys',
    payload: { role: 'viewer' },
  });
  expectStatus(key, 201);
  fixture.keyId = key.json().id;
  const link = await admin({
    method: 'POST',
    url: '/v1/organisations/wigan/reports/annual/links',
    payload: { year: 2022 },
  });
  expectStatus(link, 201);
  fixture.linkId = link.json().id;
  fixture.token = new URL(link.json().url as string).pathname.split('/').pop()!;
  const measure = await admin({
    method: 'POST',
    url: '/v1/charter/measures',
    payload: { code: 'inj_local_jobs', name: 'Local jobs', unit: 'jobs', kind: 'count' },
  });
  expectStatus(measure, 201);

  const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: Parameter[];
          requestBody?: { content: Record<string, { schema: JsonSchema }> };
        }
      >
    >;
    components?: { schemas?: Record<string, JsonSchema> };
  };
  components = doc.components?.schemas ?? {};
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      route: `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content['application/json']?.schema,
    })),
  );
}, 180_000);
afterAll(() => t.close());

/** The schema a `$ref` points at (the document keeps shared schemas under components). */
function resolve(schema: JsonSchema | undefined): JsonSchema | undefined {
  if (!schema?.$ref) return schema;
  return resolve(components[schema.$ref.split('/').pop()!]);
}

/** A good value for a parameter, from the fixture organisation. */
function goodValue(op: Operation, param: Parameter): string {
  switch (param.name) {
    case 'org':
      return 'wigan';
    case 'id':
      // A delete gets an id that exists nowhere: whatever else is wrong with the request, it
      // cannot remove a fixture row.
      if (op.method === 'DELETE') return randomUUID();
      if (op.path.includes('/keys/')) return fixture.keyId;
      if (op.path.includes('/uploads/')) return fixture.uploadId;
      if (op.path.includes('/links/')) return fixture.linkId;
      return randomUUID();
    case 'ref':
      return 'S1';
    case 'token':
      return fixture.token;
    case 'dataset':
      return 'mutuals';
    case 'year':
    case 'to':
      return '2022';
    case 'from':
      return '2021';
    case 'period':
      return '2022H1';
    case 'kind':
      return 'ledger';
  }
  const schema = resolve(param.schema) ?? {};
  if (schema.enum) return String(schema.enum[0]);
  if (schema.type === 'integer' || schema.type === 'number') return String(schema.minimum ?? 1);
  if (schema.format === 'uuid') return randomUUID();
  return 'x';
}

/** The request for `op` with `values` in its parameters (required ones filled in) and its sample body. */
function request(op: Operation, values: Record<string, string>): InjectOptions {
  const all: Record<string, string> = {};
  for (const p of op.parameters) if (p.required) all[p.name] = goodValue(op, p);
  Object.assign(all, values);
  const inOf = (name: string) => op.parameters.find((p) => p.name === name)?.in;
  const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(all[name]!));
  const query = new URLSearchParams(
    Object.entries(all).filter(([name]) => inOf(name) === 'query'),
  ).toString();
  const headers: Record<string, string> = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  for (const [name, value] of Object.entries(all))
    if (inOf(name) === 'header') headers[name] = value;
  const sample = SAFE.has(op.method) ? undefined : SAMPLE_BODIES[op.route]?.(++serial);
  if (sample?.type) headers['content-type'] = sample.type;
  return {
    method: op.method as 'GET',
    url: query ? `${url}?${query}` : url,
    headers,
    ...(sample ? { payload: sample.payload as string } : {}),
  };
}

const snapshot = () => snapshotTables(t.database.db);

/** Every string anywhere in a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringsIn(v)]);
  return [];
}

/**
 * What a write did, judged against the same write with a plain value: the same tables changed,
 * by the same number of rows, and if the plain value was stored the hostile one was too, as
 * sent. Returns the problems found.
 */
async function compareWithPlain(
  label: string,
  hostile: { before: Record<string, TableState>; after: Record<string, TableState> },
  payload: string,
  plain: { value: string; send: () => Promise<LightMyRequestResponse> },
): Promise<string[]> {
  const problems: string[] = [];
  // Where the hostile value is now, before the plain write overwrites it (an upsert does).
  const stored = await tablesHolding(t.database.db, payload);
  const res = await plain.send();
  const after = await snapshot();
  if (res.statusCode >= 300)
    problems.push(`${label}: accepted, but the plain value was refused (${res.statusCode})`);
  const expected = rowCountChanges(hostile.after, after);
  const actual = rowCountChanges(hostile.before, hostile.after);
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    problems.push(
      `${label}: changed rows ${JSON.stringify(actual)}, a plain value ${JSON.stringify(expected)}`,
    );
  const changed = changedTables(hostile.before, hostile.after);
  const plainChanged = changedTables(hostile.after, after);
  if (changed.join() !== plainChanged.join())
    problems.push(`${label}: changed ${changed.join()}, a plain value ${plainChanged.join()}`);
  const plainStored = await tablesHolding(t.database.db, plain.value);
  if (!plainStored.every((table) => stored.includes(table)))
    problems.push(
      `${label}: stored as sent in ${stored.join() || 'no table'}, a plain value in ${plainStored.join()}`,
    );
  return problems;
}

/** The answer with the value masked where it is echoed (as a whole JSON string). */
function masked(body: string, value: string): string {
  return body.split(JSON.stringify(value)).join('"\u0001"');
}

/**
 * A read that takes the hostile value must answer as it does for text that is not SQL: either
 * a plain value that matches nothing, or the payload with its ASCII punctuation removed (a
 * search that normalises names away to nothing, or strips LIKE wildcards, finds what the
 * stripped text finds). `' OR '1'='1` finding every row, as a tautology would, fails here.
 * Reads whose answer changes from call to call are not compared. Returns the problem, if any.
 */
async function answersLikePlainText(
  op: Operation,
  param: Parameter,
  payload: string,
  body: string,
): Promise<string | null> {
  const answer = async (value: string) => {
    const res = await t.app.inject(request(op, { [param.name]: value }));
    return res.statusCode === 200 ? masked(res.body, value) : `${res.statusCode}`;
  };
  const plain = `plain${++serial}`;
  const first = await answer(plain);
  if (first !== (await answer(plain))) return null;
  readsCompared++;
  const hostile = masked(body, payload);
  if (hostile === first) return null;
  const stripped = payload.replace(/[!-/:-@[-`{-~]/g, '');
  if (hostile === (await answer(stripped))) return null;
  return `answers unlike a plain value: ${hostile.slice(0, 300)}`;
}

describe('the operations attacked', () => {
  it('come from the OpenAPI document, and every write with a body has a sample body', () => {
    expect(operations.length).toBeGreaterThanOrEqual(35);
    const withBody = operations.filter((op) => op.body !== undefined).map((op) => op.route);
    expect(withBody.filter((route) => !(route in SAMPLE_BODIES))).toEqual([]);
    const routes = operations.map((op) => op.route);
    expect(Object.keys(SAMPLE_BODIES).filter((route) => !routes.includes(route))).toEqual([]);
  });

  it('answer every read with good parameters: the values the attacks keep are right', async () => {
    const failures: string[] = [];
    for (const op of operations.filter((o) => SAFE.has(o.method))) {
      const res = await t.app.inject(request(op, {}));
      if (res.statusCode !== 200) failures.push(`${op.route}: ${res.statusCode} ${res.body}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('hostile path and query parameters', () => {
  it('never cause a 5xx, and change nothing a plain value would not', async () => {
    const failures: string[] = [];
    const acceptedChanges = new Set<string>();
    let requests = 0;
    let expected = 0;
    let params = 0;
    const metrics = async () =>
      (await t.asAdmin({ method: 'GET', url: '/v1/organisations/wigan/metrics?year=2022' })).body;
    const metricsBefore = await metrics();
    const start = await snapshot();

    for (const op of operations) {
      for (const param of op.parameters.filter((p) => p.in !== 'cookie')) {
        params++;
        const label = (payload: string) =>
          `${op.route} ${param.in} ${param.name}=${JSON.stringify(payload)}`;
        const payloads = PAYLOADS.filter((p) => param.in !== 'header' || /^[\x20-\x7e]*$/.test(p));
        expected += payloads.length;
        let before = await snapshot();
        for (const payload of payloads) {
          requests++;
          const res = await t.app.inject(request(op, { [param.name]: payload }));
          if (res.statusCode >= 500) {
            failures.push(`${label(payload)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
            continue;
          }
          if (SAFE.has(op.method)) {
            if (res.statusCode === 200) {
              const problem = await answersLikePlainText(op, param, payload, res.body);
              if (problem) failures.push(`${label(payload)}: ${problem}`);
            }
            continue;
          }
          const after = await snapshot();
          const changed = changedTables(before, after);
          if (res.statusCode >= 400 && changed.length > 0)
            failures.push(
              `${label(payload)}: refused (${res.statusCode}) yet changed ${changed.join()}`,
            );
          if (res.statusCode < 300) {
            const plain = `plain${++serial}`;
            failures.push(
              ...(await compareWithPlain(label(payload), { before, after }, payload, {
                value: plain,
                send: () => t.app.inject(request(op, { [param.name]: plain })),
              })),
            );
            for (const table of changed) acceptedChanges.add(table);
            before = await snapshot();
          } else {
            before = after;
          }
        }
        if (SAFE.has(op.method)) {
          const changed = changedTables(before, await snapshot());
          if (changed.length > 0)
            failures.push(`${op.route} ${param.name}: a read changed ${changed.join()}`);
        }
      }
    }

    expect(failures).toEqual([]);
    expect(params).toBeGreaterThanOrEqual(60);
    expect(requests).toBe(expected);
    expect(readsCompared).toBeGreaterThanOrEqual(50);
    // Nothing changed but what accepted writes changed, each checked against a plain value.
    const end = await snapshot();
    const unexplained = changedTables(start, end).filter((table) => !acceptedChanges.has(table));
    expect(unexplained).toEqual([]);
    expect(await metrics()).toBe(metricsBefore);
  }, 900_000);

  it('never get past authentication in the Authorization header', async () => {
    const before = await snapshot();
    for (const payload of PAYLOADS.filter((p) => /^[\x20-\x7e]*$/.test(p))) {
      for (const key of [payload, `cwb_00000000_${payload}`, `${TEST_ADMIN_TOKEN}${payload}`]) {
        const res = await t.app.inject({
          method: 'GET',
          url: '/v1/organisations',
          headers: { authorization: `Bearer ${key}` },
        });
        expect(res.statusCode, key).toBe(401);
      }
    }
    expect(changedTables(before, await snapshot())).toEqual([]);
  });
});

/** A place in a sample body that holds text: a value, or the key of a record entry. */
interface Slot {
  path: string[];
  key: boolean;
  /** Free text (no pattern, enum or format, room for a sentence): every payload must be stored. */
  prose: boolean;
  minLength: number;
}

/** The branch of an anyOf that fits `value`. */
function branchFor(schema: JsonSchema | undefined, value: unknown): JsonSchema | undefined {
  const s = resolve(schema);
  if (!s?.anyOf) return s;
  const kind = typeof value === 'object' && value !== null ? 'object' : typeof value;
  return resolve(s.anyOf.find((b) => [resolve(b)?.type].flat().includes(kind))) ?? s;
}

function textSlots(value: unknown, schema: JsonSchema | undefined, path: string[] = []): Slot[] {
  const s = branchFor(schema, value);
  if (typeof value === 'string') {
    const types = [s?.type].flat();
    const prose =
      types.length === 1 &&
      types[0] === 'string' &&
      !s?.pattern &&
      !s?.enum &&
      !s?.format &&
      (s?.maxLength ?? Infinity) >= 100;
    return [{ path, key: false, prose, minLength: s?.minLength ?? 0 }];
  }
  if (Array.isArray(value))
    return value.flatMap((v, i) => textSlots(v, s?.items, [...path, String(i)]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => {
      const declared = s?.properties?.[k];
      const record = typeof s?.additionalProperties === 'object' ? s.additionalProperties : null;
      const keySlot =
        !declared && record ? [{ path: [...path, k], key: true, prose: false, minLength: 0 }] : [];
      return [...keySlot, ...textSlots(v, declared ?? record ?? undefined, [...path, k])];
    });
  }
  return [];
}

/** A copy of `body` with `text` at the slot. */
function withText(body: unknown, slot: Slot, text: string): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  let parent = copy as Record<string, unknown>;
  for (const step of slot.path.slice(0, -1)) parent = parent[step] as Record<string, unknown>;
  const last = slot.path[slot.path.length - 1]!;
  if (slot.key) {
    parent[text] = parent[last];
    delete parent[last];
  } else {
    parent[last] = text;
  }
  return copy;
}

describe('hostile text in JSON bodies', () => {
  it('is stored and read back as sent where it is free text, and changes nothing else', async () => {
    const failures: string[] = [];
    let slots = 0;
    let stored = 0;
    let requests = 0;
    for (const op of operations.filter((o) => o.body !== undefined)) {
      const sample = SAMPLE_BODIES[op.route]!;
      const path = request(op, {}).url as string;
      const send = (payload: unknown) =>
        t.asAdmin({ method: op.method as 'POST', url: path, payload: payload as object });
      // The same route's read, or its parent's: where what was written can be read back.
      const readPath = [op.path, op.path.replace(/\/[^/]+$/, '')].find((p) =>
        operations.some((o) => o.method === 'GET' && o.path === p),
      );
      const read = readPath
        ? () =>
            t.app.inject(
              request(
                operations.find((o) => o.method === 'GET' && o.path === readPath)!,
                {},
              ),
            )
        : null;

      for (const slot of textSlots(sample(0).payload, op.body)) {
        slots++;
        const label = (payload: string) =>
          `${op.route} body ${slot.path.join('.')}${slot.key ? ' (key)' : ''}=${JSON.stringify(payload)}`;
        // Once with the sample as it is: the body is good, and whatever it creates exists.
        const warmUp = await send(sample(++serial).payload);
        if (warmUp.statusCode >= 300) {
          failures.push(`${op.route}: the sample body is refused: ${warmUp.body}`);
          continue;
        }
        for (const payload of PAYLOADS) {
          requests++;
          const before = await snapshot();
          const res = await send(withText(sample(++serial).payload, slot, payload));
          const after = await snapshot();
          if (res.statusCode >= 500) {
            failures.push(`${label(payload)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
            continue;
          }
          if (res.statusCode >= 400) {
            const changed = changedTables(before, after);
            if (changed.length > 0)
              failures.push(`${label(payload)}: refused yet changed ${changed.join()}`);
            if (slot.prose && !hasNul(payload) && payload.length >= slot.minLength)
              failures.push(`${label(payload)}: free text refused: ${res.body.slice(0, 200)}`);
            continue;
          }
          if (hasNul(payload)) failures.push(`${label(payload)}: a NUL was accepted`);
          stored++;
          if (read) {
            const back = await read();
            if (!stringsIn(back.json()).includes(payload))
              failures.push(`${label(payload)}: not read back as sent from ${readPath}`);
          }
          const plain = `plain${++serial}`;
          failures.push(
            ...(await compareWithPlain(label(payload), { before, after }, payload, {
              value: plain,
              send: () => send(withText(sample(++serial).payload, slot, plain)),
            })),
          );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(slots).toBeGreaterThanOrEqual(12);
    expect(requests).toBe(slots * PAYLOADS.length);
    expect(stored).toBeGreaterThanOrEqual(8 * (PAYLOADS.length - 1));
  }, 900_000);
});

/** A CSV field, quoted. */
const field = (text: string) => `"${text.replaceAll('"', '""')}"`;

describe('hostile text in uploaded files', () => {
  const texts = PAYLOADS.filter((p) => !hasNul(p));
  const plainTexts = texts.map((_, i) => `Plain text number ${i}`);

  const supplierList = (values: readonly string[]) =>
    'Supplier Reference,Supplier Name,Address,Postcode\n' +
    values
      .map((v) => `${field(v)},${field(v)},${field(`1 ${v} Street, Wigan`)},WN1 1AA\n`)
      .join('');
  const ledger = (values: readonly string[]) =>
    'Payment Date,Transaction Number,Supplier ID,Supplier Name,Service Area,Expense Type,Purpose,Net Amount\n' +
    values
      .map(
        (v, i) =>
          `${String(i + 1).padStart(2, '0')}/06/2022,${field(v)},${field(v)},${field(v)},${field(v)},` +
          `${field(v)},${field(v)},${(i + 1) * 10}.00\n`,
      )
      .join('');

  const upload = (org: string, kind: string, body: string) =>
    t.asAdmin({
      method: 'POST',
      url: `/v1/organisations/${org}/uploads?kind=${kind}`,
      headers: { 'content-type': 'text/csv' },
      payload: body,
    });

  /** Loads a supplier list and a ledger into a new organisation; what changed, per table. */
  async function loadInto(org: string, values: readonly string[]) {
    const created = await t.asAdmin({
      method: 'POST',
      url: '/v1/organisations',
      payload: { ...wigan, id: org, name: org },
    });
    expect(created.statusCode).toBe(201);
    const before = await snapshot();
    const suppliers = await upload(org, 'suppliers', supplierList(values));
    expect(suppliers.statusCode, suppliers.body).toBe(201);
    const payments = await upload(org, 'ledger', ledger(values));
    expect(payments.statusCode, payments.body).toBe(201);
    expect(payments.json().rows).toEqual({
      read: values.length,
      loaded: values.length,
      rejected: 0,
      duplicates: 0,
    });
    return rowCountChanges(before, await snapshot());
  }

  let hostileChanges: Record<string, number>;
  let plainChanges: Record<string, number>;
  beforeAll(async () => {
    hostileChanges = await loadInto('hostile-text', texts);
    plainChanges = await loadInto('plain-text', plainTexts);
  }, 120_000);

  it('adds the same rows as the same files in plain text, and no others', () => {
    expect(hostileChanges).toEqual(plainChanges);
    expect(hostileChanges).toMatchObject({
      payments: texts.length,
      suppliers: texts.length,
      uploads: 2,
      audit_log: 2,
    });
  });

  it('stores every text as sent', async () => {
    for (const text of texts) {
      expect(await tablesHolding(t.database.db, text), text).toEqual(
        expect.arrayContaining(['payments', 'suppliers']),
      );
    }
  });

  it('serves every text as sent: supplier groups, services, supplier pages and search', async () => {
    const get = (url: string) => t.asAdmin({ method: 'GET', url });
    const bySupplier = (
      await get('/v1/organisations/hostile-text/metrics?year=2022&by=supplier&limit=500')
    ).json() as {
      totalSpend: string;
      groups: { key: string; label: string; totalSpend: string }[];
    };
    const total = texts.reduce((sum, _, i) => sum + (i + 1) * 10, 0);
    expect(bySupplier.totalSpend).toBe(`${total}.00`);
    expect(bySupplier.groups.map((g) => [g.key, g.label, g.totalSpend])).toEqual(
      expect.arrayContaining(texts.map((v, i) => [v, v, `${(i + 1) * 10}.00`])),
    );
    const byArea = (
      await get('/v1/organisations/hostile-text/metrics?year=2022&by=expenseArea&limit=500')
    ).json() as { groups: { key: string }[] };
    expect(byArea.groups.map((g) => g.key).sort()).toEqual([...texts].sort());

    for (const [i, text] of texts.entries()) {
      const one = await get(`/v1/organisations/hostile-text/suppliers/${encodeURIComponent(text)}`);
      expect(one.statusCode, text).toBe(200);
      expect(one.json(), text).toMatchObject({
        ref: text,
        name: text,
        spend: `${(i + 1) * 10}.00`,
      });
      const area = await get(
        `/v1/organisations/hostile-text/metrics?year=2022&expenseArea=${encodeURIComponent(text)}`,
      );
      expect(area.json().totalSpend, text).toBe(`${(i + 1) * 10}.00`);
      const found = await get(
        `/v1/organisations/hostile-text/suppliers?q=${encodeURIComponent(text)}&limit=1000`,
      );
      expect(found.statusCode, text).toBe(200);
      expect(
        found.json().suppliers.map((s: { ref: string }) => s.ref),
        text,
      ).toContain(text);
    }
  });

  it('refuses a file with a NUL in a name, storing nothing', async () => {
    const before = await snapshot();
    const res = await upload('hostile-text', 'ledger', ledger(['x\u0000y']));
    expect(res.statusCode).toBe(422);
    expect(changedTables(before, await snapshot())).toEqual([]);
  });
});
