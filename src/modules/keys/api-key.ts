import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * API keys look like `cwb_1a2b3c4d_<43 url-safe characters>`. The first part (the prefix) is
 * stored in clear so a person can tell keys apart; the whole key is stored only as its
 * sha256. 192 random bits make a slow hash unnecessary: there is nothing to brute-force.
 */

const KEY_FORMAT = /^cwb_[0-9a-f]{8}_[A-Za-z0-9_-]{32}$/;

export interface NewApiKey {
  key: string;
  prefix: string;
  hash: string;
}

/** Makes a new random key, its display prefix and its hash. */
export function generateApiKey(): NewApiKey {
  return generateSecret('cwb');
}

/** A random secret shaped like a key, under another word (`cwbr` for report links). */
export function generateSecret(word: string): NewApiKey {
  const prefix = `${word}_${randomBytes(4).toString('hex')}`;
  const key = `${prefix}_${randomBytes(24).toString('base64url')}`;
  return { key, prefix, hash: hashApiKey(key) };
}

/** sha256 of a key, hex: what is stored and looked up. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** True when the text has the shape of a key (checked before any database lookup). */
export function looksLikeApiKey(text: string): boolean {
  return KEY_FORMAT.test(text);
}

/** Compares two secrets in constant time (over their hashes, so lengths do not leak). */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(
    createHash('sha256').update(a, 'utf8').digest(),
    createHash('sha256').update(b, 'utf8').digest(),
  );
}
