import type { Logger } from '../../../lib/logger.ts';
import { runPool } from '../../../lib/run-pool.ts';
import type { PipelineInterest } from '../graphql-streams.ts';
import { cursorKey } from '../sync-cursor.repository.ts';
import type { SyncRunContext } from '../sync-run-context.ts';
import { isPrivateProfile, pipelineInterests } from '../sync-teammates.ts';
import { syncTeammateEvents } from '../teammate-events.ts';
import type { ResolvedTeammate } from './resolve-identities.step.ts';
import { emptyReport, recordTeammateError, type StepReport } from './step-report.ts';

/**
 * Step 3 — each teammate's events, page by page, with the follow-ups they need (commits and their
 * stats, MR facts). Returns the projects each teammate worked on, whose pipelines step 4 reads.
 */
export async function readTeammateEvents(
  context: SyncRunContext,
  resolved: readonly ResolvedTeammate[],
  logger: Logger,
): Promise<{ report: StepReport; interests: PipelineInterest[] }> {
  const report = emptyReport();
  const interests: PipelineInterest[] = [];
  await runPool(resolved, context.concurrency, async ({ identity, teammate }) => {
    if (report.stop || context.signal?.aborted) return;
    try {
      const outcome = await syncTeammateEvents(context, teammate);
      const hadCursor = context.cursors.has(cursorKey(teammate.teammateId, 'events'));
      if (
        outcome.eventsRead === 0 &&
        !hadCursor &&
        (await isPrivateProfile(context.client, teammate.userId))
      ) {
        report.failures.push({
          teammateId: identity.teammate_id,
          slackUserId: identity.slack_user_id,
          code: 'GITLAB_PRIVATE_PROFILE',
          message: `@${identity.username} has a private GitLab profile, which hides their activity from other users' tokens: they can make it public, or an admin's token can read it.`,
        });
      }
      interests.push(
        ...pipelineInterests(
          teammate,
          outcome.activeProjects,
          context.projects,
          context.cursors,
          context.runStartedAt,
        ),
      );
    } catch (error) {
      recordTeammateError(report, identity, error, logger, context.dataSourceId);
    } finally {
      await context.teammateDone(identity);
    }
  });
  return { report, interests };
}
