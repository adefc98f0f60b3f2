import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';

/**
 * A report link's token is a secret in a URL: its display prefix is logged, never the rest,
 * however the URL spells it. The router decodes the path, so `/reports/cwbr%5F1a2b3c4d%5F...`
 * or `/reports/%63wbr_...` opens the same page as the plain token: the segment is judged
 * decoded, and any segment under the root `/reports/` route is redacted, token-shaped or not.
 */
export function redactUrl(url: string): string {
  return url.replace(/\/reports\/([^/?#]*)/gi, (match, segment: string, offset: number) => {
    const token = decodeSafely(segment);
    const atRoot = /^(?:[a-z][a-z0-9+.-]*:\/\/[^/]*)?\/*$/i.test(url.slice(0, offset));
    if (!atRoot && !/^cwbr_/i.test(token)) return match;
    return `/reports/${/^cwbr_[0-9a-f]{8}_/.exec(token)?.[0] ?? ''}[redacted]`;
  });
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
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
          // A database error's detail quotes the row or key it failed on ("Failing row contains
          // (...)", "Key (...)=(...) already exists"): data, not diagnosis. Its code, message,
          // table and constraint are kept.
          'err.detail',
          'err.where',
          'err.internalQuery',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? process.stdout,
  );
}
