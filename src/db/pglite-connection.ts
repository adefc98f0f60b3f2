import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';

/*
 * The connection a `pg` client talks to embedded PGlite through: what
 * @electric-sql/pglite/node-postgres's PglitePgConnection does, message for message, but with
 * the replies read by pg's own protocol parser (pg-protocol, what pg reads a socket with)
 * instead of PGlite's. PGlite's parser copies every field of every row into an ArrayBuffer of
 * its own before decoding it: 20,000 suppliers of 20 columns took some 700 ms to come back,
 * against 40 ms for PostgreSQL to find them. pg-protocol decodes fields straight from the reply.
 *
 * Messages go to PGlite one at a time, in the order the client sends them, as the adapter does;
 * PGlite answers each synchronously, and its reply bytes are parsed as they are written.
 */

export class PgliteConnection extends EventEmitter {
  /** pg's Client reads these. */
  readonly stream = { destroy: () => this.end() };
  _connecting = false;
  parsedStatements: Record<string, string> = {};
  submittedNamedStatements: Record<string, string> = {};
  /** Each message waits for the ones before it. */
  private queue: Promise<unknown>;
  /** Whether anyone listens to every message (pg only does for some features). */
  private emitsMessage = false;

  constructor(private readonly pglite: PGlite) {
    super();
    this.queue = pglite.waitReady;
    this.on('newListener', (event: string) => {
      if (event === 'message') this.emitsMessage = true;
    });
  }

  async connect(): Promise<void> {
    this._connecting = true;
    await this.pglite.waitReady;
    // PGlite needs no start-up or password exchange: the client may send its first query.
    process.nextTick(() => this.emit('readyForQuery'));
  }

  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  ref(): void {}
  unref(): void {}

  sendSASLInitialResponseMessage(mechanism: string, initialResponse: string): void {
    this.send(serialize.sendSASLInitialResponseMessage(mechanism, initialResponse));
  }
  sendSCRAMClientFinalMessage(additionalData: string): void {
    this.send(serialize.sendSCRAMClientFinalMessage(additionalData));
  }
  query(text: string): void {
    this.send(serialize.query(text));
  }
  parse(query: Parameters<typeof serialize.parse>[0]): void {
    this.send(serialize.parse(query));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.send(serialize.bind(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.send(serialize.execute(config));
  }
  describe(message: Parameters<typeof serialize.describe>[0]): void {
    this.send(serialize.describe(message));
  }
  close(message: Parameters<typeof serialize.close>[0]): void {
    this.send(serialize.close(message));
  }
  flush(): void {
    this.send(serialize.flush());
  }
  sync(): void {
    this.send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.send(serialize.copyDone());
  }
  sendCopyFail(message: string): void {
    this.send(serialize.copyFail(message));
  }

  end(): void {
    this.queue = this.queue.then(() => this.emit('end'));
    for (const event of this.eventNames())
      if (event !== 'newListener') this.removeAllListeners(event);
    this.emitsMessage = false;
  }

  private send(message: Buffer): void {
    const bytes = new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
    this.queue = this.queue
      .then(async () => {
        const parser = new Parser();
        const replies: { name: string }[] = [];
        await this.pglite.execProtocolRawStream(bytes, {
          // A view of PGlite's memory, written over after this call: parsed (and any unfinished
          // message's bytes kept) from a copy.
          onRawData: (data) => parser.parse(Buffer.from(data), (reply) => replies.push(reply)),
        });
        for (const reply of replies) {
          if (this.emitsMessage) this.emit('message', reply);
          this.emit(reply.name === 'error' ? 'errorMessage' : reply.name, reply);
        }
      })
      .catch((error: unknown) => this.emit('error', error));
  }
}
