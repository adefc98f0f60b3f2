import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build, buildSync, type Metafile } from 'esbuild';
import type { ExplicitMapping } from './column-map.ts';
import type { LedgerFileState } from './ledger-file.ts';
import type { LedgerSummary } from './ledger-summary.ts';
import { CellSums, SummaryLimitError, type LedgerSummaryState } from './ledger-summary.ts';
import { FileRejectedError, type RowError } from './mapped-csv-file.ts';

/*
 * Reading a ledger file on a worker thread, for either database. The worker parses the rows and
 * writes them as binary COPY files; this thread feeds the files to the database and sums the
 * summary's cells (CellSums) from each row's cell key and pence, which the worker sends with
 * each file. What comes back is the same as reading here: the payments as COPY files, then what
 * the file held and its summary.
 *
 * Why: read in one thread, an upload is bound by that thread. Embedded PGlite runs its database
 * in this thread, so there every row's parsing waited for the COPY before it and the COPY for
 * the parsing; on a worker the next megabyte is parsed while PGlite stores the last. On
 * PostgreSQL, whose COPY runs in its own process, this thread parsed, summed and encoded
 * 1,000,000 rows in some 3.2 s while the server needed some 2 s for their COPY; with the
 * parsing on the worker and the summing here, reading took 2.8 s (5,000,000 rows: 12.5 s
 * against 16.2 s). The cost is the worker's own heap, some 40 MB of peak RSS.
 */

export type WorkerFailure =
  | { kind: 'rejected'; message: string; errors: RowError[]; errorCount: number }
  | { kind: 'limit'; message: string }
  | { kind: 'other'; message: string; stack?: string };

export type ToWorker =
  | {
      type: 'start';
      prefix: Uint8Array;
      mapping: ExplicitMapping | undefined;
    }
  | { type: 'bytes'; bytes: Uint8Array }
  | { type: 'end' }
  | { type: 'took' }
  /** A file's buffer back, once the database has read the file (see CopyFileBuffers). */
  | { type: 'spent'; buffer: ArrayBuffer };

export type FromWorker =
  | { type: 'consumed'; bytes: number }
  | { type: 'piece'; bytes: Uint8Array; rowsRead: number; sums: Float64Array | null }
  | {
      type: 'done';
      file: LedgerFileState;
      summary: LedgerSummaryState;
      sums: Float64Array | null;
    }
  | { type: 'failed'; error: WorkerFailure };

/** What the worker found once the file has been read: the file's facts and its summary. */
export interface WorkerReading {
  file: LedgerFileState;
  summary: LedgerSummary;
}

/** Bytes sent to the worker and not yet read there, at most: the file is never held whole. */
const BYTES_AHEAD = 4 * 1024 * 1024;

/**
 * The worker's code, parse-worker.ts and the parsers it imports, bundled into one ES module
 * with esbuild (about 75 KB, about 0.05 s, once per process): ahead of the first upload where
 * the process calls prepareLedgerReader, else when the first worker starts. A worker thread
 * does not inherit the tsx loader the process runs under; loading tsx in the worker instead
 * cost it 30 - 50 MB more memory and a slower start.
 */
let workerModule: Promise<URL> | null = null;

/** How the worker's code is bundled (bundleWorker, prepareLedgerReader). */
function workerBuildOptions() {
  return {
    entryPoints: [fileURLToPath(new URL('./parse-worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    write: false as const,
    metafile: true as const,
    logLevel: 'silent' as const,
  };
}

/** Bundles the worker's code (see workerModule); its metafile says what went in. */
export function bundleWorker(): { code: string; metafile: Metafile } {
  const result = buildSync(workerBuildOptions());
  return { code: result.outputFiles[0]!.text, metafile: result.metafile };
}

/**
 * Bundles the worker's code now (in esbuild's own process), so that the first upload does not
 * wait for it: the server calls this once it listens, the command line as it opens the
 * database. Resolves to the module workers start from. A failed build is tried again by the
 * next upload, which reports it.
 */
export function prepareLedgerReader(): Promise<URL> {
  if (workerModule === null) {
    const building = build(workerBuildOptions()).then(
      (result) =>
        new URL(
          `data:text/javascript;base64,${Buffer.from(result.outputFiles[0]!.text).toString('base64')}`,
        ),
    );
    building.catch(() => {
      if (workerModule === building) workerModule = null;
    });
    workerModule = building;
  }
  return workerModule;
}

async function startWorker(): Promise<Worker> {
  return new Worker(await prepareLedgerReader());
}

/**
 * Reads a ledger file on a worker thread. `pieces` yields the payments as binary COPY files
 * (about a megabyte each, see encodePayments) as the bytes stream in; once it has ended, `reading` holds what the
 * file held. A rejected file or a summary limit throws from `pieces` as reading here would
 * (FileRejectedError, SummaryLimitError). `prefix` starts every row (org_id, upload_id: uploadRowPrefix).
 * `release` sends a file the database has read back to the worker, which writes a later file
 * into its buffer (CopyFileBuffers); the file is unusable here after.
 */
export function readLedgerInWorker(
  bytes: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: {
    prefix: Uint8Array;
    mapping?: ExplicitMapping;
    cellLimit?: number;
    onProgress?: (rows: number) => void;
  },
): {
  pieces: AsyncGenerator<Uint8Array>;
  release: (file: Uint8Array) => void;
  reading: () => WorkerReading;
} {
  let result: WorkerReading | null = null;
  /** The worker while it reads the file (files released after that go with this thread's garbage). */
  let reader: Worker | null = null;
  async function* pieces(): AsyncGenerator<Uint8Array> {
    // A worker of its own, stopped when the file is read: its heap (100 MB and more after a
    // large file) goes with it, and a bundled worker starts in some 50 ms.
    const worker = await startWorker();
    reader = worker;
    const inbox: FromWorker[] = [];
    // Set from the worker's events and the feeding loop, read here.
    const problems: { worker: Error | null; feed: Error | null } = { worker: null, feed: null };
    // Both loops below wait for news from the worker: every waiter wakes on any.
    let waiters: (() => void)[] = [];
    const notify = () => {
      const woken = waiters;
      waiters = [];
      for (const wake of woken) wake();
    };
    let ahead = 0;
    const onMessage = (message: FromWorker) => {
      if (message.type === 'consumed') ahead -= message.bytes;
      else inbox.push(message);
      notify();
    };
    const onError = (error: Error) => {
      problems.worker = error;
      notify();
    };
    const onExit = (code: number) => {
      problems.worker ??= new Error(`The file-reading worker stopped (exit code ${code}).`);
      notify();
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    const next = () => new Promise<void>((resolve) => waiters.push(resolve));
    const cells = new CellSums(options.cellLimit);
    // The file's sha256, of the bytes as they go over (the worker does not hash them).
    const hash = createHash('sha256');
    let finished = false;

    // The bytes go over as they arrive, a few megabytes ahead of the reading at most.
    void (async () => {
      try {
        for await (const chunk of bytes) {
          while (ahead > BYTES_AHEAD && problems.worker === null && !finished) await next();
          if (problems.worker !== null || finished) return;
          // A copy of its own, handed over whole (the source may reuse its buffers).
          const copy = new Uint8Array(chunk);
          hash.update(copy);
          ahead += copy.byteLength;
          worker.postMessage({ type: 'bytes', bytes: copy } satisfies ToWorker, [copy.buffer]);
        }
        worker.postMessage({ type: 'end' } satisfies ToWorker);
      } catch (error) {
        problems.feed = error instanceof Error ? error : new Error(String(error));
        notify();
      }
    })();

    worker.postMessage({
      type: 'start',
      prefix: options.prefix,
      mapping: options.mapping,
    } satisfies ToWorker);
    try {
      for (;;) {
        if (problems.feed !== null) throw problems.feed;
        if (problems.worker !== null) throw problems.worker;
        const message = inbox.shift();
        if (message === undefined) {
          await next();
          continue;
        }
        if (message.type === 'piece') {
          worker.postMessage({ type: 'took' } satisfies ToWorker);
          if (message.sums) cells.add(message.sums);
          options.onProgress?.(message.rowsRead);
          yield message.bytes;
        } else if (message.type === 'done') {
          if (message.sums) cells.add(message.sums);
          result = {
            file: { ...message.file, sha256: hash.digest('hex') },
            summary: cells.summaryOf(message.summary),
          };
          finished = true;
          return;
        } else if (message.type === 'failed') {
          finished = true;
          throw toError(message.error);
        }
      }
    } finally {
      reader = null;
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      finished = true;
      notify();
      // Not waiting for the feeding: a source that is slow to send its next chunk (a client
      // still uploading) must not hold the transaction open. It stops at that chunk.
      await worker.terminate();
    }
  }
  return {
    pieces: pieces(),
    release(file) {
      const buffer = file.buffer as ArrayBuffer;
      reader?.postMessage({ type: 'spent', buffer } satisfies ToWorker, [buffer]);
    },
    reading: () => {
      if (result === null) throw new Error('the file has not been read to its end');
      return result;
    },
  };
}

function toError(failure: WorkerFailure): Error {
  if (failure.kind === 'rejected')
    return new FileRejectedError(failure.message, failure.errors, failure.errorCount);
  if (failure.kind === 'limit') return new SummaryLimitError(failure.message);
  const error = new Error(failure.message);
  if (failure.stack) error.stack = failure.stack;
  return error;
}
