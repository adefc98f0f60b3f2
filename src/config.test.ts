import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to embedded PGlite on port 3000', () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      dataDir: './data/pglite',
      host: '127.0.0.1',
      port: 3000,
      logLevel: 'info',
      adminToken: undefined,
      uploadLimitBytes: 200 * 1024 * 1024,
      referenceUploadLimitBytes: 8192 * 1024 * 1024,
      dbPoolSize: 10,
      pgliteSharedBuffersMb: 16,
      publicUrl: undefined,
      requestTimeoutMs: 600_000,
      authFailuresPerMinute: 30,
      trustProxy: undefined,
    });
  });

  it('takes the public address without a trailing slash, and refuses one that is not http(s)', () => {
    expect(loadConfig({ CWB_PUBLIC_URL: 'https://cwb.example.org/' }).publicUrl).toBe(
      'https://cwb.example.org',
    );
    expect(() => loadConfig({ CWB_PUBLIC_URL: 'ftp://cwb.example.org' })).toThrow(
      /CWB_PUBLIC_URL: must be an http\(s\) address/,
    );
  });

  it('reads which proxies to trust: true, a hop count, or addresses', () => {
    expect(loadConfig({ CWB_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ CWB_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ CWB_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe(
      '10.0.0.0/8, 127.0.0.1',
    );
    expect(() => loadConfig({ CWB_TRUST_PROXY: 'yes please' })).toThrow(
      /CWB_TRUST_PROXY: must be true, a number of proxy hops/,
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '' }).databaseUrl).toBeUndefined();
  });

  it('names every bad variable', () => {
    try {
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        CWB_UPLOAD_LIMIT_MB: '0',
        CWB_PGLITE_SHARED_BUFFERS_MB: '0.5',
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/PORT: .*\(got "eighty"\)/);
      expect(message).toMatch(/LOG_LEVEL: .*\(got "loud"\)/);
      expect(message).toMatch(/CWB_UPLOAD_LIMIT_MB: /);
      expect(message).toMatch(/CWB_PGLITE_SHARED_BUFFERS_MB: .*\(got "0.5"\)/);
    }
  });

  it('never echoes a secret, even a wrong one', () => {
    expect(() => loadConfig({ CWB_ADMIN_TOKEN: 'short-secret' })).toThrow(
      /CWB_ADMIN_TOKEN: .*value withheld/,
    );
    expect(() => loadConfig({ CWB_ADMIN_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).not.toThrow(/hunter2/);
  });
});
