/*
 * A short-lived memo of rows read on every request (an API key behind a hash, an
 * organisation's settings), kept per database so two apps in one process never share it.
 * Entries live `ttlMs`; the process that changes a row forgets it at once, other processes
 * within `ttlMs`. Never used for figures: those are always read fresh.
 */
export class DbMemo<T> {
  private readonly byDb = new WeakMap<object, Map<string, { value: T; expires: number }>>();

  constructor(private readonly ttlMs: number) {}

  /** The remembered value, or `load()`'s (remembered unless undefined). */
  async get(db: object, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    let entries = this.byDb.get(db);
    if (!entries) this.byDb.set(db, (entries = new Map<string, { value: T; expires: number }>()));
    const hit = entries.get(key);
    const now = Date.now();
    if (hit && hit.expires > now) return hit.value;
    const value = await load();
    if (value === undefined) entries.delete(key);
    else entries.set(key, { value, expires: now + this.ttlMs });
    return value;
  }

  /** Forgets the entries `matches` picks (or all of them). */
  forget(db: object, matches: (key: string, value: T) => boolean = () => true): void {
    const entries = this.byDb.get(db);
    if (!entries) return;
    for (const [key, entry] of entries) if (matches(key, entry.value)) entries.delete(key);
  }
}
