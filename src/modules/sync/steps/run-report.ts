import type { ActivityKind } from '../../activity/activity-kinds.ts';
import type { SyncSourceResult } from '../sync.types.ts';
import { RUN_LIMIT_CODES, type StepReport } from './step-report.ts';

/**
 * The run's result, made from the steps' folded report: failed when the source stopped or every
 * teammate failed; partial when some teammate failed, something was not read, or it was stopped
 * early — or by one of the run's limits after something was stored; succeeded otherwise.
 */
export function runResultOf(input: {
  base: SyncSourceResult;
  report: StepReport;
  teammates: number;
  aborted: boolean;
  countsByTeammate: Record<string, Partial<Record<ActivityKind, number>>>;
  slackUserOf: ReadonlyMap<string, string>;
  apiCalls: number;
  retries: number;
  durationMs: number;
}): SyncSourceResult {
  const { report } = input;
  const everyoneFailed = report.failures.length > 0 && report.failures.length >= input.teammates;
  const limitedAfterStoring =
    report.stop !== undefined &&
    RUN_LIMIT_CODES.has(report.stop.code) &&
    Object.keys(input.countsByTeammate).length > 0;
  const status: SyncSourceResult['status'] = limitedAfterStoring
    ? 'partial'
    : report.stop || everyoneFailed
      ? 'failed'
      : report.failures.length > 0 || report.incomplete || input.aborted
        ? 'partial'
        : 'succeeded';
  const result: SyncSourceResult = {
    ...input.base,
    status,
    counts: Object.fromEntries(
      Object.entries(input.countsByTeammate).map(([teammateId, counts]) => [
        input.slackUserOf.get(teammateId) ?? teammateId,
        counts,
      ]),
    ),
    apiCalls: input.apiCalls,
    retries: input.retries,
    durationMs: input.durationMs,
    failures: report.failures.map(({ slackUserId, code, message }) => ({ slackUserId, code, message })),
    notes: report.notes,
  };
  if (report.stop) {
    result.errorCode = report.stop.code;
    result.error = report.stop.userMessage;
  } else if (status === 'failed') {
    result.errorCode = report.failures[0]?.code ?? 'SYNC_FAILED';
    result.error = report.failures[0]?.message ?? 'Every teammate failed.';
  }
  return result;
}
