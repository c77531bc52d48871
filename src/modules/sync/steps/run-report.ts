import { isCodedError } from '../../../lib/errors.ts';
import type { ActivityKind } from '../../activity/activity-kinds.ts';
import type { SyncSourceResult } from '../sync.types.ts';
import { type HeldLock, LOCK_LOST_CODE } from '../sync-lock.ts';
import { mergeReports, RUN_LIMIT_CODES, SOURCE_STOPPING_CODES, type StepReport } from './step-report.ts';

/**
 * The steps' reports folded into one, with what the run itself knows: a lost lock stops it (unless
 * the source already stopped for its own reason), an abort and a source with nobody mapped are said.
 */
export function foldRunReport(
  reports: readonly StepReport[],
  run: { lock: Pick<HeldLock, 'lost' | 'signal'>; aborted: boolean; mapped: number },
): StepReport {
  const report = mergeReports(reports);
  if (run.lock.lost && !(report.stop && SOURCE_STOPPING_CODES.has(report.stop.code))) {
    const reason: unknown = run.lock.signal.reason;
    report.stop = {
      code: LOCK_LOST_CODE,
      userMessage: isCodedError(reason)
        ? reason.userMessage
        : 'The database connection dropped during this sync.',
    };
  }
  if (run.aborted && !run.lock.lost)
    report.notes.push('The sync was stopped early; the next one continues where it stopped.');
  if (run.mapped === 0)
    report.notes.push('No teammates are mapped to this source yet: map them with /pulse map.');
  return report;
}

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
