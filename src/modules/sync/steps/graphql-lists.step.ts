import type { Logger } from '../../../lib/logger.ts';
import { type StreamLists, syncGraphqlStreams } from '../graphql-streams.ts';
import type { SyncRunContext } from '../sync-run-context.ts';
import { classifySyncError, emptyReport, type StepReport } from './step-report.ts';

/**
 * Steps 2 and 4 — lists read through batched GraphQL: time logs, review requests, the teammates'
 * own MRs and pipelines. What this GitLab cannot list is said in a note; a failure here leaves the
 * run partial (the next run reads it again) unless it is one that stops the source.
 */
export async function readGraphqlLists(
  context: SyncRunContext,
  lists: StreamLists,
  what: string,
  logger: Logger,
): Promise<StepReport> {
  const report = emptyReport();
  if (context.signal?.aborted) return report;
  try {
    const outcome = await syncGraphqlStreams(context, lists);
    if (outcome.reviewRequestsUnavailable) {
      report.notes.push(
        'Review requests are included only once the reviewer comments or approves: this GitLab cannot list the merge requests awaiting someone’s review (GraphQL reviewRequestedMergeRequests).',
      );
    }
    if (outcome.timelogsUnavailable) {
      report.notes.push(
        'Time logged is not included: this GitLab cannot list time-tracking entries per user (GraphQL timelogs); it appears after GitLab is upgraded.',
      );
    }
  } catch (error) {
    const meaning = classifySyncError(error);
    if (meaning.stopsSource) {
      report.stop = { code: meaning.code, userMessage: meaning.userMessage };
      return report;
    }
    logger.warn({ err: error, dataSourceId: context.dataSourceId }, `${what} sync failed`);
    report.incomplete = true;
    report.notes.push(
      `${what} could not be read this time (${meaning.code === 'SYNC_UNEXPECTED' ? 'unexpected error' : meaning.userMessage}); the next sync tries again.`,
    );
  }
  return report;
}
