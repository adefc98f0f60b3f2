import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/*
 * The real server as a child process (`cwb serve`, bundled, as `npm start` runs it), for tests about what only a
 * process can show: being killed, restarted, its port. Every child started here is killed
 * when the test process exits, however it exits.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Variables the server reads; a child gets only the ones a test gives it. */
const SERVER_VARIABLES = /^(DATABASE_URL|CWB_.*|PORT|HOST|LOG_LEVEL)$/;

export interface ServerProcess {
  /** http://127.0.0.1:port */
  url: string;
  pid: number;
  /** The last of what it wrote to stdout and stderr, for failure messages. */
  output(): string;
  /** Sends the signal and waits for the process to end. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** A clean stop (SIGTERM), then SIGKILL if it has not ended within 15 s. */
  stop(): Promise<void>;
}

/** Starts `cwb serve` with the given environment on a free port; resolves once /health answers. */
export async function startServerProcess(
  env: Record<string, string>,
  options: { readyTimeoutMs?: number } = {},
): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env, await freePort(), options.readyTimeoutMs ?? 90_000);
    } catch (error) {
      // Another process took the port between our look and the server's listen: try another.
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(
  env: Record<string, string>,
  port: number,
  readyTimeoutMs: number,
): Promise<ServerProcess> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !SERVER_VARIABLES.test(name)),
  );
  const child = spawn(process.execPath, ['bin/cwb.js', 'serve'], {
    cwd: ROOT,
    env: { ...inherited, LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-16_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  let ended = false;
  void exited.then(() => (ended = true));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (ended) throw new Error(`the server exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`the server was not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const kill = async (signal: NodeJS.Signals) => {
    if (!ended) child.kill(signal);
    return exited;
  };
  return {
    url,
    pid: child.pid!,
    output: () => output,
    kill,
    async stop() {
      if (ended) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A TCP port nothing is listening on just now. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
