import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';

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
