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
