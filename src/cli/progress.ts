import { performance } from 'node:perf_hooks';

/*
 * Progress of a long job on a terminal: one line, rewritten in place, with rows done and rate.
 * Quiet when stderr is not a terminal (CI, pipes, logs).
 */

export interface Progress {
  /** Reports the rows done so far (cheap to call per batch: redraws at most 4 times a second). */
  update(rows: number): void;
  /** Ends the line with a final figure. */
  finish(rows: number): void;
}

export function createProgress(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  const started = performance.now();
  let lastDraw = 0;
  const enabled = Boolean(stream.isTTY);
  const draw = (rows: number, final: boolean) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
    stream.write(
      `\r${label}: ${rows.toLocaleString('en-GB')} rows, ${rate.toLocaleString('en-GB')} rows/s${final ? `, ${seconds.toFixed(1)} s\n` : ' '}`,
    );
  };
  return {
    update(rows) {
      if (!enabled) return;
      const now = performance.now();
      if (now - lastDraw < 250) return;
      lastDraw = now;
      draw(rows, false);
    },
    finish(rows) {
      if (enabled) draw(rows, true);
    },
  };
}
