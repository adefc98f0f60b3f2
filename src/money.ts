/*
 * Money is integer pence inside the service (bigint in the database) and a string of pounds
 * with two decimals in JSON: "91000000.00", "-12.50". Never through a float.
 */

/** Pence to a pounds string with two decimals. */
export function formatPence(pence: bigint | number): string {
  const value = typeof pence === 'bigint' ? pence : BigInt(pence);
  const negative = value < 0n;
  const magnitude = negative ? -value : value;
  const pounds = magnitude / 100n;
  const rest = magnitude % 100n;
  return `${negative ? '-' : ''}${pounds}.${rest < 10n ? '0' : ''}${rest}`;
}

/** A pounds string with up to two decimals to pence ("12.5" -> 1250n), or null if it is not one. */
export function parsePounds(text: string): bigint | null {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) return null;
  const pence = BigInt(match[2]!) * 100n + BigInt((match[3] ?? '').padEnd(2, '0') || '0');
  return match[1] ? -pence : pence;
}

/** Below this, two amounts' sum is still an exact number (each under 2^52, the sum under 2^53). */
const EXACT_HALF = 2 ** 52;

/**
 * A running total of whole pence, exact however many amounts it adds: kept as a number while
 * that is exact, moved into a bigint before it could not be. Adding a bigint for every row of
 * a file cost the reading of 1M rows 20 - 40 ms and a million short-lived bigints.
 */
export class PenceTotal {
  private small = 0;
  private big = 0n;

  /** Adds an amount in pence (a safe integer). */
  add(pence: number): void {
    if (Math.abs(pence) < EXACT_HALF && Math.abs(this.small) < EXACT_HALF) {
      this.small += pence;
      return;
    }
    this.big += BigInt(this.small) + BigInt(pence);
    this.small = 0;
  }

  get value(): bigint {
    return this.big + BigInt(this.small);
  }
}
