import { describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey, looksLikeApiKey, secretsEqual } from './api-key.ts';

describe('generateApiKey', () => {
  it('makes a well-formed key whose hash is the sha256 of the whole key', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(looksLikeApiKey(key)).toBe(true);
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    expect(prefix).toMatch(/^cwb_[0-9a-f]{8}$/);
    expect(hash).toBe(hashApiKey(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(key.slice(13));
  });

  it('never repeats a key', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKey().key));
    expect(keys.size).toBe(1000);
  });
});

describe('looksLikeApiKey', () => {
  it('refuses text that is not a key', () => {
    expect(looksLikeApiKey('cwb_1234567_abc')).toBe(false);
    expect(looksLikeApiKey("' OR 1=1 --")).toBe(false);
    expect(looksLikeApiKey('')).toBe(false);
  });
});

describe('secretsEqual', () => {
  it('is true only for the same text, whatever the lengths', () => {
    expect(secretsEqual('a-long-admin-token-value-1234', 'a-long-admin-token-value-1234')).toBe(
      true,
    );
    expect(secretsEqual('a-long-admin-token-value-1234', 'a-long-admin-token-value-1235')).toBe(
      false,
    );
    expect(secretsEqual('short', 'a-long-admin-token-value-1234')).toBe(false);
  });
});
