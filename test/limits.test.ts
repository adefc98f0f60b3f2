import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createOrgWithKey, wigan, type TestApp } from './helpers/test-app.ts';
import { storedPayments, uploadCsv } from './helpers/uploads.ts';

/*
 * What careless or hostile clients meet: bodies too large (413), requests too slow (408),
 * guessed keys and report links (429 after a few), pages that cannot be framed or run scripts
 * from elsewhere, and no CORS unless someone opens it.
 */

let t: TestApp;
let finance: string;

beforeAll(async () => {
  t = await buildTestApp({
    config: { uploadLimitBytes: 64 * 1024, requestTimeoutMs: 600, authFailuresPerMinute: 5 },
  });
  finance = await createOrgWithKey(t, wigan, 'finance');
});
afterAll(() => t.close());

describe('bodies too large', () => {
  it('refuses an upload over the limit with 413, storing nothing', async () => {
    const big = 'Payment Date,Supplier Name,Amount\n' + '01/04/2022,Acme Ltd,10.00\n'.repeat(4000);
    expect(big.length).toBeGreaterThan(64 * 1024);
    const res = await uploadCsv(t, finance, 'wigan', big);
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 413, title: 'Content Too Large' });
    expect(await storedPayments(t, 'wigan')).toEqual({ count: 0, pence: 0n, uploads: 0 });
  });

  it('refuses a JSON body over 1 MB with 413', async () => {
    const res = await t.asAdmin({
      method: 'PATCH',
      url: '/v1/organisations/wigan',
      payload: { name: 'x'.repeat(1_100_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toBe('The request body is larger than this server accepts.');
  });
});

describe('requests too slow', () => {
  it('answers 408 and closes a connection whose request does not arrive in time', async () => {
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(address);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    const closed = new Promise<number>((resolve) => {
      const started = Date.now();
      socket.on('close', () => resolve(Date.now() - started));
    });
    socket.write(
      'POST /v1/organisations/wigan/uploads?kind=ledger HTTP/1.1\r\nHost: localhost\r\n' +
        `Authorization: Bearer ${finance}\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\n` +
        'Payment Date,Supplier Name,Amount\n',
    );
    const ms = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeLessThan(5000);
    expect((await storedPayments(t, 'wigan')).uploads).toBe(0);
  });
});

describe('guessing keys and links', () => {
  it('refuses an address with 429 after 5 failed keys, even its good ones, for the minute', async () => {
    const from = (remoteAddress: string, key: string) =>
      t.app.inject({
        method: 'GET',
        url: '/v1/organisations/wigan',
        remoteAddress,
        headers: { authorization: `Bearer ${key}` },
      });
    for (let i = 0; i < 5; i++) {
      const res = await from('203.0.113.7', `cwb_00000000_${String(i).padStart(32, 'x')}`);
      expect(res.statusCode).toBe(401);
    }
    const limited = await from('203.0.113.7', `cwb_00000000_${'y'.repeat(32)}`);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(50);
    expect(limited.json().title).toBe('Too Many Requests');
    // A good key from that address waits too: nothing is checked from it until the minute ends.
    expect((await from('203.0.113.7', finance)).statusCode).toBe(429);
    // Another address is not held up.
    expect((await from('203.0.113.8', finance)).statusCode).toBe(200);
  });

  it('is not escaped by a forged X-Forwarded-For when no proxy is trusted', async () => {
    const forged = (i: number) =>
      t.app.inject({
        method: 'GET',
        url: '/v1/organisations/wigan',
        remoteAddress: '203.0.113.20',
        headers: {
          authorization: `Bearer cwb_00000000_${String(i).padStart(32, 'z')}`,
          'x-forwarded-for': `192.0.2.${i}`,
        },
      });
    for (let i = 0; i < 5; i++) expect((await forged(i)).statusCode).toBe(401);
    expect((await forged(5)).statusCode).toBe(429);
  });

  it('tells clients behind a trusted proxy apart by the address it forwards', async () => {
    const proxied = await buildTestApp({
      config: { authFailuresPerMinute: 2, trustProxy: '127.0.0.1' },
    });
    try {
      const key = await createOrgWithKey(proxied, wigan, 'finance');
      const via = (client: string, bearer: string) =>
        proxied.app.inject({
          method: 'GET',
          url: '/v1/organisations/wigan',
          remoteAddress: '127.0.0.1',
          headers: { authorization: `Bearer ${bearer}`, 'x-forwarded-for': client },
        });
      const wrong = `cwb_00000000_${'w'.repeat(32)}`;
      expect((await via('198.51.100.1', wrong)).statusCode).toBe(401);
      expect((await via('198.51.100.1', wrong)).statusCode).toBe(401);
      expect((await via('198.51.100.1', key)).statusCode).toBe(429);
      expect((await via('198.51.100.2', key)).statusCode).toBe(200);
    } finally {
      await proxied.close();
    }
  });

  it('counts guessed report links as failed attempts', async () => {
    const guess = (i: number) =>
      t.app.inject({
        method: 'GET',
        url: `/reports/cwbr_0000000${i}_${'A'.repeat(32)}`,
        remoteAddress: '198.51.100.9',
      });
    for (let i = 0; i < 5; i++) expect((await guess(i)).statusCode).toBe(404);
    expect((await guess(5)).statusCode).toBe(429);
  });
});

describe('headers', () => {
  it('sends pages with a policy that loads nothing from elsewhere and cannot be framed', async () => {
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    expect(docs.headers['content-security-policy']).toContain("default-src 'self'");
    expect(docs.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(docs.headers['x-frame-options']).toBe('DENY');
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    expect(docs.headers['referrer-policy']).toBe('no-referrer');
  });

  it('marks every answer nosniff', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/health' });
    expect(health.headers['x-content-type-options']).toBe('nosniff');
    const problem = await t.app.inject({ method: 'GET', url: '/v1/organisations' });
    expect(problem.statusCode).toBe(401);
    expect(problem.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps CORS closed: no allow-origin for any origin, no preflight', async () => {
    const origin = { origin: 'https://evil.example' };
    const get = await t.app.inject({
      method: 'GET',
      url: '/v1/organisations',
      headers: { ...origin, authorization: `Bearer ${finance}` },
    });
    expect(get.statusCode).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/v1/organisations',
      headers: {
        ...origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.statusCode).toBe(404);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
  });
});
