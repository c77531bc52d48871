import { isCodedError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';

/** Codes that mean the person typed or picked something we could not use: ordinary, no alarm. */
const USER_MISTAKE = /_(NOT_FOUND|INVALID|UNKNOWN|REFUSED)$/;

/**
 * A failure a listener has already answered. A coded error was classified where it arose and its
 * message told the person what to fix: a mistake of theirs is `info`, anything else coded `warn`,
 * neither with a stack. Only what nobody classified is an `error` with its stack.
 */
export function logAnsweredFailure(
  logger: Logger,
  error: unknown,
  context: Record<string, unknown>,
  message: string,
): void {
  if (!isCodedError(error)) {
    logger.error({ err: error, ...context }, message);
    return;
  }
  const level = USER_MISTAKE.test(error.code) ? 'info' : 'warn';
  logger[level]({ ...context, code: error.code }, message);
}
