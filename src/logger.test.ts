import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from './logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, logger: createLogger({ logLevel: 'info' }, stream) };
}

const TOKEN = `cwbr_1a2b3c4d_${'S'.repeat(32)}`;

describe('logger', () => {
  it("keeps a report link's prefix and drops the rest of its token", () => {
    expect(redactUrl(`/reports/${TOKEN}?format=csv`)).toBe(
      '/reports/cwbr_1a2b3c4d_[redacted]?format=csv',
    );
    expect(redactUrl('/v1/organisations/wigan/reports/annual?year=2022')).toBe(
      '/v1/organisations/wigan/reports/annual?year=2022',
    );
  });

  it('never writes a token, a key or an authorisation header', async () => {
    const { lines, logger } = capture();
    logger.info({ req: { method: 'GET', url: `/reports/${TOKEN}` } }, 'incoming request');
    logger.info({ req: { headers: { authorization: 'Bearer cwb_00000000_secret' } } }, 'x');
    logger.info({ key: 'cwb_00000000_secret', token: 'admin-secret' }, 'y');
    await new Promise((resolve) => setImmediate(resolve));
    const text = lines.join('');
    expect(lines).toHaveLength(3);
    expect(text).toContain('cwbr_1a2b3c4d_[redacted]');
    expect(text).not.toContain('S'.repeat(32));
    expect(text).not.toContain('secret');
  });

  it("logs a database error's code and constraint, not the row it quotes", async () => {
    const { lines, logger } = capture();
    const error = Object.assign(new Error('null value in column "name" violates not-null'), {
      code: '23502',
      table: 'suppliers',
      detail: 'Failing row contains (wigan, S1, Jane Smith, 12 Acacia Avenue).',
      where: 'SQL statement "INSERT ... \'Jane Smith\'"',
    });
    logger.error({ err: error }, 'request failed');
    await new Promise((resolve) => setImmediate(resolve));
    const logged = JSON.parse(lines[0]!) as { err: Record<string, string> };
    expect(logged.err).toMatchObject({ code: '23502', table: 'suppliers', detail: '[redacted]' });
    expect(lines[0]).not.toContain('Jane Smith');
    expect(lines[0]).not.toContain('Acacia');
  });
});
