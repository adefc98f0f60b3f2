/**
 * A copy of a string that does not keep its source alive. Fields cut from a chunk of CSV text
 * can be slices that hold the whole chunk in memory; a value kept for the length of a file
 * (a cache key, a dictionary entry) must be copied, or every chunk it came from stays with it.
 */
export function ownString(value: string): string {
  return value.length < 13 ? value : (' ' + value).slice(1);
}
