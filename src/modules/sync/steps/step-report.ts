import { isCodedError } from '../../../lib/errors.ts';
import type { Logger } from '../../../lib/logger.ts';
import type { TeammateFailure } from '../sync.types.ts';

/** A token GitLab refuses, or a GitLab that cannot be reached: no teammate can succeed. */
export const SOURCE_STOPPING_CODES: ReadonlySet<string> = new Set([
  'GITLAB_BAD_TOKEN',
  'GITLAB_TOKEN_EXPIRED',
  'GITLAB_TOKEN_REVOKED',
  'GITLAB_MISSING_SCOPE',
  'GITLAB_HOST_REFUSED',
  'GITLAB_UNREACHABLE',
  'GITLAB_TLS',
]);

/**
 * The run's own limits (deadline, request cap, a wait past the deadline): reaching one ends the
 * whole run, but the source is not broken — what was read is kept and the next run resumes.
 */
export const RUN_LIMIT_CODES: ReadonlySet<string> = new Set([
  'GITLAB_RUN_DEADLINE',
  'GITLAB_REQUEST_BUDGET',
  'GITLAB_WAIT_PAST_DEADLINE',
]);

export interface SourceStop {
  code: string;
  userMessage: string;
}

export type RunFailure = TeammateFailure & { teammateId: string };

/**
 * What one step reports to the run: the teammates it could not sync, what it could not read
 * (notes; `incomplete` makes the run partial), and whether the source must stop.
 */
export interface StepReport {
  failures: RunFailure[];
  notes: string[];
  incomplete: boolean;
  stop?: SourceStop;
}

export function emptyReport(): StepReport {
  return { failures: [], notes: [], incomplete: false };
}

/**
 * The one place that decides what an error means for a run: a source-wide problem (bad token,
 * unreachable GitLab) stops the source; anything else fails only the item it happened to.
 */
export function classifySyncError(error: unknown): {
  stopsSource: boolean;
  code: string;
  userMessage: string;
} {
  if (isCodedError(error)) {
    return {
      stopsSource: SOURCE_STOPPING_CODES.has(error.code) || RUN_LIMIT_CODES.has(error.code),
      code: error.code,
      userMessage: error.userMessage,
    };
  }
  return {
    stopsSource: false,
    code: 'SYNC_UNEXPECTED',
    userMessage:
      'An unexpected error stopped this part of the sync; the details are in the ActivityPulse logs.',
  };
}

/** Folds the steps' reports, in order, into one. The first stop wins. */
export function mergeReports(reports: readonly StepReport[]): StepReport {
  const merged = emptyReport();
  for (const report of reports) {
    merged.failures.push(...report.failures);
    merged.notes.push(...report.notes);
    merged.incomplete ||= report.incomplete;
    merged.stop ??= report.stop;
  }
  return merged;
}

/**
 * A teammate's step failed: a source-wide error stops the source; anything else is that teammate's
 * failure alone, logged with the detail and reported in words the admin can act on.
 */
export function recordTeammateError(
  report: StepReport,
  identity: { teammate_id: string; slack_user_id: string; username: string },
  error: unknown,
  logger: Logger,
  dataSourceId: string,
): void {
  const meaning = classifySyncError(error);
  if (meaning.stopsSource) {
    report.stop ??= { code: meaning.code, userMessage: meaning.userMessage };
    return;
  }
  logger.warn({ err: error, dataSourceId, username: identity.username }, 'teammate sync failed');
  report.failures.push({
    teammateId: identity.teammate_id,
    slackUserId: identity.slack_user_id,
    code: meaning.code === 'SYNC_UNEXPECTED' ? 'SYNC_TEAMMATE_FAILED' : meaning.code,
    message:
      meaning.code === 'SYNC_UNEXPECTED'
        ? 'An unexpected error stopped this teammate’s sync; the details are in the ActivityPulse logs.'
        : meaning.userMessage,
  });
}

/**
 * An error no step handled: a source-wide one stops the source as itself; anything else stops the
 * run as SYNC_FAILED, its detail left to the logs.
 */
export function stopOf(error: unknown): SourceStop {
  const meaning = classifySyncError(error);
  if (meaning.stopsSource) return { code: meaning.code, userMessage: meaning.userMessage };
  if (meaning.code === 'SYNC_UNEXPECTED') {
    return {
      code: 'SYNC_FAILED',
      userMessage: 'The sync stopped on an unexpected error; the details are in the ActivityPulse logs.',
    };
  }
  return { code: meaning.code, userMessage: meaning.userMessage };
}
