/*
 * A limit on failed authentication, per client address: after `limit` failures within a
 * window, every request from that address that needs a key (or opens a report link) is refused
 * with 429 until the window ends, without the key being checked, so keys and link tokens cannot
 * be guessed at speed. In memory, per process: bounded, oldest addresses forgotten first.
 */

export interface AuthLimiterOptions {
  /** Failures allowed in a window; 0 turns the limit off. */
  limit: number;
  windowMs: number;
  /** Addresses remembered at most. */
  maxAddresses?: number;
}

interface Entry {
  windowStart: number;
  failures: number;
}

export class AuthLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly maxAddresses: number;

  constructor(private readonly options: AuthLimiterOptions) {
    this.maxAddresses = options.maxAddresses ?? 10_000;
  }

  /** Seconds until the address may try again, or 0 when it may now. */
  retryAfter(address: string, now: number): number {
    if (this.options.limit === 0) return 0;
    const entry = this.entries.get(address);
    if (!entry) return 0;
    const ends = entry.windowStart + this.options.windowMs;
    if (now >= ends) {
      this.entries.delete(address);
      return 0;
    }
    return entry.failures >= this.options.limit ? Math.ceil((ends - now) / 1000) : 0;
  }

  /** Counts a failed attempt from the address. */
  fail(address: string, now: number): void {
    if (this.options.limit === 0) return;
    let entry = this.entries.get(address);
    if (!entry || now >= entry.windowStart + this.options.windowMs) {
      entry = { windowStart: now, failures: 0 };
      this.entries.delete(address);
      if (this.entries.size >= this.maxAddresses) {
        const oldest = this.entries.keys().next().value;
        if (oldest !== undefined) this.entries.delete(oldest);
      }
      this.entries.set(address, entry);
    }
    entry.failures++;
  }

  get size(): number {
    return this.entries.size;
  }
}
