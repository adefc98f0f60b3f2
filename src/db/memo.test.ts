import { describe, expect, it, vi } from 'vitest';
import { DbMemo } from './memo.ts';

describe('DbMemo', () => {
  it('remembers per database until the time is up, and forgets on demand', async () => {
    vi.useFakeTimers();
    const memo = new DbMemo<number>(1000);
    const a = {};
    const b = {};
    let loads = 0;
    const load = async () => ++loads;
    expect(await memo.get(a, 'k', load)).toBe(1);
    expect(await memo.get(a, 'k', load)).toBe(1);
    expect(await memo.get(b, 'k', load)).toBe(2); // another database: its own entry
    vi.advanceTimersByTime(1001);
    expect(await memo.get(a, 'k', load)).toBe(3);
    memo.forget(a, (key) => key === 'k');
    expect(await memo.get(a, 'k', load)).toBe(4);
    expect(await memo.get(a, 'missing', async () => undefined)).toBeUndefined();
    vi.useRealTimers();
  });
});
