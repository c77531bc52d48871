import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from '../lib/database-errors.ts';
import { isCodedError } from '../lib/errors.ts';

export const UNEXPECTED_MESSAGE =
  'Something went wrong on our side; the details are in the ActivityPulse logs. Please try again.';

/**
 * What a Slack user is told when their command, button or form failed: the error's own words when
 * it has them, a plain "try again in a minute" while the database is down, else a generic line
 * (the details go to the log, never to Slack).
 */
export function userMessageOf(error: unknown, fallback = UNEXPECTED_MESSAGE): string {
  if (isCodedError(error)) return error.userMessage;
  if (isDatabaseUnavailable(error)) return DATABASE_UNAVAILABLE_MESSAGE;
  return fallback;
}
