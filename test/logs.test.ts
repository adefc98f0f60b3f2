import { Writable } from 'node:stream';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import type { Config } from '../src/config.ts';
import type { Database } from '../src/db/create-db.ts';
import { createLogger } from '../src/logger.ts';
import { dumpStoredValues, type StoredValue } from './helpers/db-snapshot.ts';
import { createTestDatabase } from './helpers/test-db.ts';
import { TEST_ADMIN_TOKEN, testConfig, wigan } from './helpers/test-app.ts';

/*
 * A full session, logged at the most verbose level the logger has (trace) and at the default
 * (info), and then searched: the log holds no admin token, no API key (whole or its secret
 * part), no key hash, no report link token, no Authorization header, and no supplier bank
 * detail. The bank details ride in the finance files (as real AP exports carry them) and must
 * not be stored either: every column of every table is searched for them.
 */

/** Bank details as the files carry them: none may be logged or stored. */
const BANK = {
  accountName: 'PEMBERTON B HOLDINGS ACCT',
  accountNumber: '41926358',
  sortCode: '40-47-84',
  iban: 'GB29NWBK60161331926819',
  otherAccountNumber: '30571846',
  otherSortCode: '09-01-28',
  otherIban: 'GB82WEST12345698765432',
} as const;
const BANK_VALUES = Object.values(BANK);

/** A Transparency Code file with the supplier's bank details beside the payment. */
const LEDGER =
  'Body Name,Payment Date,Transaction Number,Supplier ID,Supplier Name,Bank Account Name,' +
  'Bank Account Number,Sort Code,IBAN,Service Area,Expense Type,Net Amount\n' +
  `Wigan Council,10/04/2022,T1001,S1,Pemberton Builders Ltd,${BANK.accountName},${BANK.accountNumber},` +
  `${BANK.sortCode},${BANK.iban},Place,Building Works,1000.00\n` +
  `Wigan Council,15/05/2022,T1002,S2,Leigh Community Sports Association,LEIGH CSA,${BANK.otherAccountNumber},` +
  `${BANK.otherSortCode},${BANK.otherIban},Communities,Sports Services,500.00\n` +
  `Wigan Council,01/07/2022,T1003,S1,Pemberton Builders Ltd,${BANK.accountName},${BANK.accountNumber},` +
  `${BANK.sortCode},${BANK.iban},Place,Building Works,250.00\n`;

/**
 * An AP export with no supplier reference column: the only columns that look like one are the
 * supplier's bank account number and sort code ("supplier ... account number", "supplier ...
 * code"). They must not be taken for the reference.
 */
const LEDGER_WITHOUT_SUPPLIER_ID =
  'Payment Date,Supplier Name,Supplier Bank Account Number,Supplier Sort Code,Supplier IBAN,' +
  'Expense Area,Amount\n' +
  `20/09/2022,Wigan Youth Zone,${BANK.otherAccountNumber},${BANK.otherSortCode},${BANK.otherIban},Children,300.00\n` +
  `21/10/2022,Orrell Catering Co,${BANK.accountNumber},${BANK.sortCode},${BANK.iban},Schools,125.50\n`;

const SUPPLIERS =
  'Supplier Reference,Supplier Name,Address,Postcode,Company Number,Bank Account Name,' +
  'Bank Account Number,Sort Code,IBAN\n' +
  `S1,Pemberton Builders Ltd,"1 Pemberton Road, Wigan",WN5 9UN,09876543,${BANK.accountName},` +
  `${BANK.accountNumber},${BANK.sortCode},${BANK.iban}\n` +
  `S2,Leigh Community Sports Association,"Leigh",WN7 1AA,,LEIGH CSA,${BANK.otherAccountNumber},` +
  `${BANK.otherSortCode},${BANK.otherIban}\n`;

/** A supplier master with no reference: "Bank Account Number" must not become the reference. */
const SUPPLIERS_WITHOUT_REFERENCE =
  'Supplier Name,Postcode,Bank Account Number,Sort Code,IBAN\n' +
  `Wigan Youth Zone,WN1 1AA,${BANK.otherAccountNumber},${BANK.otherSortCode},${BANK.otherIban}\n`;

/** Refused (422): its error rows echo the bad cells, and only those. */
const BAD_LEDGER =
  'Payment Date,Supplier ID,Supplier Name,Bank Account Number,Sort Code,IBAN,Net Amount\n' +
  `10/04/2022,S1,Pemberton Builders Ltd,${BANK.accountNumber},${BANK.sortCode},${BANK.iban},12.34.5x\n` +
  `31/02/2022,S2,Leigh Community Sports Association,${BANK.otherAccountNumber},${BANK.otherSortCode},${BANK.otherIban},10.00\n`;

interface Session {
  log: string;
  /** Every key, token and hash the session made. */
  keys: string[];
  reportTokens: string[];
  stored: StoredValue[];
}

/** Log lines written to memory. */
function captureLog() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Runs the whole session on a fresh database with a logger at `level`. */
async function runSession(level: Config['logLevel']): Promise<Session> {
  const capture = captureLog();
  const database: Database = await createTestDatabase();
  const app: FastifyInstance = await buildApp({
    config: testConfig({ logLevel: level }),
    database,
    logger: createLogger({ logLevel: level }, capture.stream),
  });
  await app.ready();
  try {
    return await session(app, database, capture.text);
  } finally {
    await app.close();
    await database.close();
  }
}

async function session(
  app: FastifyInstance,
  database: Database,
  logText: () => string,
): Promise<Session> {
  const as = async (
    key: string | null,
    options: InjectOptions & { url: string },
    status: number,
  ): Promise<LightMyRequestResponse> => {
    const res = await app.inject({
      ...options,
      headers: { ...options.headers, ...(key ? { authorization: `Bearer ${key}` } : {}) },
    });
    expect(res.statusCode, `${options.method} ${options.url}: ${res.body.slice(0, 300)}`).toBe(
      status,
    );
    return res;
  };
  const admin = TEST_ADMIN_TOKEN;
  const upload = (key: string, kind: string, body: string, status: number) =>
    as(
      key,
      {
        method: 'POST',
        url: `/v1/organisations/wigan/uploads?kind=${kind}&filename=${kind}.csv`,
        headers: { 'content-type': 'text/csv' },
        payload: body,
      },
      status,
    );

  await as(admin, { method: 'POST', url: '/v1/organisations', payload: wigan }, 201);
  const keyOf = async (role: string, name: string) =>
    (
      await as(
        admin,
        { method: 'POST', url: '/v1/organisations/wigan/keys', payload: { role, name } },
        201,
      )
    ).json().key as string;
  const finance = await keyOf('finance', 'finance robot');
  const viewer = await keyOf('viewer', 'board papers');
  const partner = await keyOf('partner', 'charter');
  const leaver = await keyOf('finance', 'leaver');

  const listed = (
    await as(admin, { method: 'GET', url: '/v1/organisations/wigan/keys' }, 200)
  ).json() as { keys: { id: string; prefix: string }[] };
  const leaverId = listed.keys.find((k) => leaver.startsWith(`${k.prefix}_`))!.id;
  await as(admin, { method: 'DELETE', url: `/v1/organisations/wigan/keys/${leaverId}` }, 200);

  // Failed authentication: a key never issued, the revoked key, a mangled admin token.
  const never = `cwb_0badc0de_${'Q'.repeat(32)}`;
  await as(never, { method: 'GET', url: '/v1/organisations/wigan' }, 401);
  await as(leaver, { method: 'GET', url: '/v1/organisations/wigan' }, 401);
  await as(`${admin}x`, { method: 'GET', url: '/v1/organisations' }, 401);

  await upload(finance, 'suppliers', SUPPLIERS, 201);
  await upload(finance, 'ledger', LEDGER, 201);
  await upload(finance, 'ledger', LEDGER_WITHOUT_SUPPLIER_ID, 201);
  await upload(finance, 'suppliers', SUPPLIERS_WITHOUT_REFERENCE, 422);
  const bad = await upload(finance, 'ledger', BAD_LEDGER, 422);
  // The refusal echoes the bad cells (so a person can fix them), never the bank details beside them.
  expect(bad.json().errors.map((e: { value: string }) => e.value)).toEqual([
    '12.34.5x',
    '31/02/2022',
  ]);
  for (const value of BANK_VALUES) expect(bad.body).not.toContain(value);

  const metrics = await as(
    viewer,
    { method: 'GET', url: '/v1/organisations/wigan/metrics?year=2022&by=supplier' },
    200,
  );
  expect(metrics.json().totalSpend).toBe('2175.50');
  await as(viewer, { method: 'GET', url: '/v1/organisations/wigan/suppliers?year=2022' }, 200);
  await as(viewer, { method: 'GET', url: '/v1/organisations/wigan/uploads' }, 200);
  await as(viewer, { method: 'GET', url: '/v1/organisations/wigan/reports/annual?year=2022' }, 200);
  const page = await as(
    viewer,
    {
      method: 'GET',
      url: '/v1/organisations/wigan/reports/annual?year=2022',
      headers: { accept: 'text/html' },
    },
    200,
  );
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  await as(partner, { method: 'GET', url: '/v1/charter?year=2022' }, 200);

  const link = await as(
    finance,
    {
      method: 'POST',
      url: '/v1/organisations/wigan/reports/annual/links',
      payload: { year: 2022 },
    },
    201,
  );
  const path = new URL(link.json().url as string).pathname;
  const token = path.split('/').pop()!;
  await as(null, { method: 'GET', url: path }, 200);
  await as(null, { method: 'GET', url: `${path}?format=json` }, 200);
  await as(null, { method: 'GET', url: `/reports/${token.slice(0, -4)}AAAA` }, 404);
  // However the address is spelled (percent-encoded, as some mail gateways rewrite links), the
  // page opens and the log keeps only the prefix.
  await as(null, { method: 'GET', url: path.replaceAll('_', '%5F') }, 200);
  await as(null, { method: 'GET', url: `${path.replace('/reports/c', '/reports/%63')}/` }, 200);

  const audit = await as(admin, { method: 'GET', url: '/v1/audit' }, 200);
  expect(audit.json().entries.length).toBeGreaterThan(5);

  // Pino writes asynchronously to the stream: let it catch up.
  await new Promise((resolve) => setImmediate(resolve));
  return {
    log: logText(),
    keys: [finance, viewer, partner, leaver, never],
    reportTokens: [token],
    stored: await dumpStoredValues(database.db),
  };
}

/** After the prefix (`cwb_1a2b3c4d_`), the part of a key or token that is the secret. */
const secretOf = (key: string) => key.split('_').slice(2).join('_');

describe.each(['trace', 'info'] as const)('a full session logged at %s', (level) => {
  let s: Session;
  beforeAll(async () => {
    s = await runSession(level);
  });

  it('was logged: every request, report links by their prefix only', () => {
    const lines = s.log.trim().split('\n');
    const entries = lines.map((l) => JSON.parse(l) as { msg?: string; req?: { url?: string } });
    const incoming = entries.filter((e) => e.msg === 'incoming request');
    expect(incoming.length).toBeGreaterThanOrEqual(25);
    const prefix = s.reportTokens[0]!.split('_').slice(0, 2).join('_');
    expect(incoming.map((e) => e.req?.url)).toContain(`/reports/${prefix}_[redacted]`);
    // The upload URLs are there (so the search below looks at the ingest requests).
    expect(s.log).toContain('/v1/organisations/wigan/uploads?kind=ledger');
  });

  it('holds no admin token, API key, key hash or report token', () => {
    expect(s.log).not.toContain(TEST_ADMIN_TOKEN);
    for (const key of [...s.keys, ...s.reportTokens]) {
      expect(s.log).not.toContain(key);
      expect(s.log).not.toContain(secretOf(key));
    }
    const hashes = s.stored.filter((v) => /hash/.test(v.column)).map((v) => v.value);
    // Four keys and one report link.
    expect(hashes).toHaveLength(5);
    for (const hash of hashes) expect(s.log).not.toContain(hash);
  });

  it('holds no Authorization header, not even redacted', () => {
    expect(s.log).not.toMatch(/bearer /i);
    expect(s.log).not.toMatch(/authorization/i);
  });

  it('holds no supplier bank detail', () => {
    for (const value of BANK_VALUES) expect(s.log).not.toContain(value);
  });
});

describe('what the session stored', () => {
  let s: Session;
  beforeAll(async () => {
    s = await runSession('silent');
  });

  it('stored the payments and suppliers of the files', () => {
    const names = s.stored.filter((v) => v.table === 'suppliers' && v.column === 'name');
    expect(names.map((v) => v.value).sort()).toEqual([
      'Leigh Community Sports Association',
      'Orrell Catering Co',
      'Pemberton Builders Ltd',
      'Wigan Youth Zone',
    ]);
    const refs = s.stored.filter((v) => v.table === 'suppliers' && v.column === 'ref');
    expect(refs.map((v) => v.value).sort()).toEqual(['S1', 'S2']);
  });

  it('stored no bank detail in any column of any table', () => {
    const found = s.stored.filter((v) => BANK_VALUES.some((b) => v.value.includes(b)));
    expect(found).toEqual([]);
  });

  it('stored no key or token, only their hashes', () => {
    const secrets = [TEST_ADMIN_TOKEN, ...[...s.keys, ...s.reportTokens].map(secretOf)];
    const found = s.stored.filter((v) => secrets.some((x) => v.value.includes(x)));
    expect(found).toEqual([]);
  });
});
