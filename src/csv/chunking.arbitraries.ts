import fc from 'fast-check';

/*
 * What the property tests of the reading layer share: how bytes arrive in chunks, and the
 * Windows-1252 alphabet. Test support only: nothing in the service imports it.
 */

/** The decoder holds the first 4 KiB before choosing an encoding; past it, chunks matter. */
export const DECODER_HEAD_BYTES = 4096;

/**
 * Each character Windows-1252 has, to its byte, as the WHATWG decoder reads them. Streaming, as
 * decode-text does: Node 20.18.3 on reads bytes 0x80-0x9F as Latin-1 in a one-shot decode
 * (0x80 as U+0080, not €: nodejs/node#60888).
 */
export const WINDOWS_1252 = new Map(
  Array.from({ length: 256 }, (_, byte) => [
    new TextDecoder('windows-1252').decode(Uint8Array.of(byte), { stream: true }),
    byte,
  ]),
);

export type Chunking = { cuts: number[] } | { size: number };

/**
 * How bytes arrive: cut at any positions (empty chunks too; a negative cut counts from the end,
 * so cuts land in what follows a long head as often as in the head), or in tiny equal pieces of
 * at most `maxSize`.
 */
export function chunking(maxSize: number): fc.Arbitrary<Chunking> {
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc
        .array(fc.oneof(fc.nat(), fc.integer({ min: -600, max: -1 })), { maxLength: 16 })
        .map((cuts) => ({ cuts })),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: maxSize }).map((size) => ({ size })) },
  );
}

/** `whole` cut as `how` says, in order; joined again they are `whole`. */
export function cutInto<T extends string | Uint8Array>(whole: T, how: Chunking): T[] {
  const positions =
    'size' in how
      ? Array.from({ length: Math.ceil(whole.length / how.size) }, (_, i) => i * how.size)
      : how.cuts
          .map((cut) => (cut < 0 ? Math.max(0, whole.length + 1 + cut) : cut % (whole.length + 1)))
          .sort((a, b) => a - b);
  const ends = [...positions.slice(1), whole.length];
  return [whole.slice(0, positions[0] ?? whole.length) as T].concat(
    positions.map((start, i) => whole.slice(start, ends[i]) as T),
  );
}
