import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';

/** A report link's token is a secret in a URL: its display prefix is logged, never the rest. */
export function redactUrl(url: string): string {
  return url.replace(/(\/reports\/cwbr_[0-9a-f]{8}_)[^/?#]*/g, '$1[redacted]');
}

function serializeRequest(req: {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}) {
  return {
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : undefined,
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * The service's logger. Anything that could carry a secret is redacted wherever it appears:
 * authorisation headers, keys, tokens, connection strings.
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  destination?: NodeJS.WritableStream,
): Logger {
  return pino(
    {
      level: config.logLevel,
      serializers: { req: serializeRequest },
      redact: {
        paths: [
          'req.headers.authorization',
          'headers.authorization',
          'authorization',
          'key',
          '*.key',
          'token',
          '*.token',
          'databaseUrl',
          '*.databaseUrl',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
