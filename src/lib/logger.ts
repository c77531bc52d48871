import { type DestinationStream, type Logger, pino } from 'pino';
import { redactSecrets, SECRET_FIELD_PATHS } from './redact.ts';

export type { Logger } from 'pino';

/**
 * pino with two layers of protection: secret-named fields are censored, and every serialized line
 * passes through `redactSecrets`, so a token pasted into an error message still never lands in a log.
 * Request bodies are never logged (they can carry a token typed into a modal).
 */
export function createLogger(options: {
  level: string;
  destination?: { write(line: string): unknown };
}): Logger {
  const target = options.destination ?? process.stdout;
  const stream: DestinationStream = {
    write(line: string) {
      target.write(redactSecrets(line));
    },
  };
  return pino(
    {
      level: options.level,
      base: { service: 'activitypulse' },
      redact: { paths: SECRET_FIELD_PATHS, censor: '[REDACTED]' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    stream,
  );
}
