import { describe, expect, it } from 'vitest';
import { AuthLimiter } from './auth-limiter.ts';

describe('AuthLimiter', () => {
  it('refuses an address after `limit` failures, until its window ends', () => {
    const limiter = new AuthLimiter({ limit: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('10.0.0.1', 1000 + i)).toBe(0);
      limiter.fail('10.0.0.1', 1000 + i);
    }
    expect(limiter.retryAfter('10.0.0.1', 2000)).toBe(59);
    expect(limiter.retryAfter('10.0.0.2', 2000)).toBe(0);
    expect(limiter.retryAfter('10.0.0.1', 61_000)).toBe(0);
  });

  it('starts a fresh window after the last one ends', () => {
    const limiter = new AuthLimiter({ limit: 2, windowMs: 1000 });
    limiter.fail('a', 0);
    limiter.fail('a', 1500);
    expect(limiter.retryAfter('a', 1600)).toBe(0);
    limiter.fail('a', 1700);
    expect(limiter.retryAfter('a', 1800)).toBe(1);
  });

  it('remembers a bounded number of addresses, forgetting the oldest', () => {
    const limiter = new AuthLimiter({ limit: 1, windowMs: 60_000, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) limiter.fail(`10.0.${i >> 8}.${i & 255}`, i);
    expect(limiter.size).toBe(100);
    expect(limiter.retryAfter('10.0.3.231', 1000)).toBeGreaterThan(0);
    expect(limiter.retryAfter('10.0.0.0', 1000)).toBe(0);
  });

  it('does nothing with a limit of 0', () => {
    const limiter = new AuthLimiter({ limit: 0, windowMs: 60_000 });
    for (let i = 0; i < 100; i++) limiter.fail('a', i);
    expect(limiter.retryAfter('a', 100)).toBe(0);
  });
});
