/**
 * Whether an error means the database cannot be reached right now (down, restarting, failing
 * over), as opposed to a bug or a refused statement. Walks `cause` chains and AggregateErrors,
 * since the ORM and the pool wrap the driver's error.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE: class 08 (connection exception), 57P01–57P03 (server shutting down, crash, starting
 * up), 53300 (too many connections).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

const DROPPED =
  /connection terminated|connection timeout|timeout exceeded when trying to connect|client has encountered a connection error|not queryable/i;

export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable right now — try again in a minute.';

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 8 || error === null || typeof error !== 'object') return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08/.test(code))) {
    return true;
  }
  if (typeof message === 'string' && DROPPED.test(message)) return true;
  if (
    error instanceof AggregateError &&
    error.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))
  ) {
    return true;
  }
  return isDatabaseUnavailable(cause, depth + 1);
}
