import { parentPort } from 'node:worker_threads';
import { CopyFileBuffers } from '../../db/copy-binary.ts';
import { encodePayments } from './payment-copy.ts';
import { LedgerFile } from './ledger-file.ts';
import { LedgerSummary, SummaryLimitError } from './ledger-summary.ts';
import { FileRejectedError } from './mapped-csv-file.ts';
import type { FromWorker, ToWorker, WorkerFailure } from './parse-in-worker.ts';

/*
 * The thread that reads ledger files for parse-in-worker.ts: bytes in, the payments out as
 * binary COPY files, and at the end what the file held (LedgerFileState) and its summary. One
 * file at a time. Both ways are paced: the main thread sends bytes only while few are waiting
 * here, and COPY files wait here until the main thread has taken the ones before them.
 */

/** Files of payments (binary COPY, about a megabyte each) sent and not yet taken, at most. */
const PIECES_AHEAD = 2;

/** Bytes read before the main thread is told (see Inbox). */
const CONSUMED_REPORT_BYTES = 1024 * 1024;

const port = parentPort!;

/** Byte chunks as the main thread sends them, read as an async iterable. */
class Inbox implements AsyncIterable<Uint8Array> {
  private readonly chunks: Uint8Array[] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  push(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.notify();
  }

  end(): void {
    this.ended = true;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    // Bytes taken and not yet reported: reported a megabyte at a time, and whenever there is
    // nothing left to read (the main thread sends more only as they are reported). A message
    // for each 64 KiB chunk was some 2,000 for a 1M-row file, 0.1 - 0.2 s of this thread.
    let unreported = 0;
    for (;;) {
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        unreported += chunk.byteLength;
        if (unreported >= CONSUMED_REPORT_BYTES) {
          send({ type: 'consumed', bytes: unreported });
          unreported = 0;
        }
        yield chunk;
        continue;
      }
      if (unreported > 0) {
        send({ type: 'consumed', bytes: unreported });
        unreported = 0;
      }
      if (this.ended) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

let inbox: Inbox | null = null;
/** Buffers of files the database has read, sent back by the main thread: the next files are written into them. */
let buffers = new CopyFileBuffers();
let taken = 0;
let waitingForTake: (() => void) | null = null;

function send(message: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(message, transfer);
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      inbox = new Inbox();
      buffers = new CopyFileBuffers();
      taken = 0;
      void readFile(inbox, message);
      break;
    case 'bytes':
      inbox?.push(message.bytes);
      break;
    case 'end':
      inbox?.end();
      break;
    case 'spent':
      buffers.give(message.buffer);
      break;
    case 'took': {
      taken++;
      const wake = waitingForTake;
      waitingForTake = null;
      wake?.();
      break;
    }
  }
});

async function readFile(
  bytes: Inbox,
  { prefix, mapping }: Extract<ToWorker, { type: 'start' }>,
): Promise<void> {
  try {
    // The main thread hashes the bytes as it sends them.
    const file = new LedgerFile(bytes, { mapping, stopRowsOnError: true, hashBytes: false });
    // The main thread sums the cells (CellSums, with the cell limit): this thread keeps the
    // suppliers, areas and types, and sends each row's cell key and pence with the piece.
    const summary = new LedgerSummary();
    summary.sumElsewhere();
    let sent = 0;
    async function* summed() {
      for await (const batch of file.rows()) {
        for (const row of batch) summary.add(row);
        yield batch;
      }
    }
    for await (const piece of encodePayments(prefix, summed(), buffers)) {
      while (sent - taken >= PIECES_AHEAD)
        await new Promise<void>((resolve) => (waitingForTake = resolve));
      sent++;
      // Each file is a buffer of its own (BinaryCopyWriter.take): handed over, not copied.
      const sums = summary.takeSums();
      send({ type: 'piece', bytes: piece, rowsRead: file.rowsRead, sums }, [
        piece.buffer as ArrayBuffer,
        ...(sums ? [sums.buffer as ArrayBuffer] : []),
      ]);
    }
    const sums = summary.takeSums();
    const state = summary.toState();
    send({ type: 'done', file: file.toState(), summary: state, sums }, [
      state.entries.buffer as ArrayBuffer,
      ...(sums ? [sums.buffer as ArrayBuffer] : []),
    ]);
  } catch (error) {
    send({ type: 'failed', error: describeFailure(error) });
  } finally {
    inbox = null;
  }
}

function describeFailure(error: unknown): WorkerFailure {
  if (error instanceof FileRejectedError)
    return {
      kind: 'rejected',
      message: error.message,
      errors: error.errors,
      errorCount: error.errorCount,
    };
  if (error instanceof SummaryLimitError) return { kind: 'limit', message: error.message };
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  return { kind: 'other', message, stack };
}
