import { GitLabGraphqlError } from '../../../gitlab/index.ts';
import type { Logger } from '../../../lib/logger.ts';
import { notesOfStreams, type StreamLists, syncGraphqlStreams } from '../graphql-streams.ts';
import { forgetSourceVersion } from '../source-version.ts';
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
    report.notes.push(...notesOfStreams(outcome));
    if (outcome.problems.length > 0) {
      // Part of the lists did not come whole: stored as far as they came, never "succeeded".
      report.incomplete = true;
      logger.warn(
        { dataSourceId: context.dataSourceId, problems: outcome.problems },
        `${what}: lists incomplete`,
      );
    }
  } catch (error) {
    const meaning = classifySyncError(error);
    if (meaning.stopsSource) {
      report.stop = { code: meaning.code, userMessage: meaning.userMessage };
      return report;
    }
    logger.warn({ err: error, dataSourceId: context.dataSourceId }, `${what} sync failed`);
    // A field the stored version should have was refused (GitLab downgraded?): ask it next run.
    if (error instanceof GitLabGraphqlError && error.isUnknownField()) {
      await forgetSourceVersion(context.em, context.dataSourceId).catch(() => undefined);
    }
    report.incomplete = true;
    report.notes.push(
      `${what} could not be read this time (${meaning.code === 'SYNC_UNEXPECTED' ? 'unexpected error' : meaning.userMessage}); the next sync tries again.`,
    );
  }
  return report;
}
