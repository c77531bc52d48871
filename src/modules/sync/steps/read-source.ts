import type { Logger } from '../../../lib/logger.ts';
import type { PipelineInterest } from '../graphql-streams.ts';
import type { SyncRunContext } from '../sync-run-context.ts';
import type { IdentityRow } from '../sync-teammates.ts';
import { pipelineInterests } from '../sync-teammates.ts';
import { readGraphqlLists } from './graphql-lists.step.ts';
import { resolveIdentities } from './resolve-identities.step.ts';
import { emptyReport, type StepReport } from './step-report.ts';
import { readTeammateEvents } from './teammate-events.step.ts';

const interestKey = (interest: PipelineInterest) =>
  `${interest.teammate.teammateId}\u0000${interest.projectPath}`;

/**
 * The steps that read one source, in order; each returns its report. Once a step reports a stop,
 * or the run is aborted (its signal: shutdown, a lost lock), later steps are skipped.
 */
export async function readSource(
  context: SyncRunContext,
  identities: readonly IdentityRow[],
  logger: Logger,
): Promise<StepReport[]> {
  const reports: StepReport[] = [];
  const halted = () => context.signal?.aborted === true || reports.some((report) => report.stop);
  const { cursors, runStartedAt } = context;

  // 1. Who each teammate is on GitLab (a look-up only the first time).
  const { report: identified, resolved } = await resolveIdentities(context, identities, logger);
  reports.push(identified);
  const teammates = resolved.map((entry) => entry.teammate);

  // 2. Time logs, review requests, the teammates' own MRs and the pipelines of projects they
  //    worked on before, batched: before the events, so the events find most MR facts known.
  const known = teammates.flatMap((teammate) =>
    pipelineInterests(teammate, new Set(), context.projects, cursors, runStartedAt),
  );
  if (teammates.length > 0 && !halted()) {
    reports.push(
      await readGraphqlLists(
        context,
        { timelogs: teammates, reviews: teammates, authored: teammates, pipelines: known },
        'Time logged, review requests and pipelines',
        logger,
      ),
    );
  }

  // 3. Each teammate's events, page by page, with their follow-ups.
  if (!halted()) {
    const { report: read, interests } = await readTeammateEvents(context, resolved, logger);
    reports.push(read);
    context.commits.release();

    // 4. Pipelines of projects worked on for the first time in this run, batched.
    const asked = new Set(known.map(interestKey));
    const fresh = interests.filter((interest) => !asked.has(interestKey(interest)));
    if (fresh.length > 0 && !halted()) {
      reports.push(await readGraphqlLists(context, { pipelines: fresh }, 'Pipelines', logger));
    }
  }
  const unreadable = context.issuables.unreadable;
  if (unreadable > 0) {
    // Their events are stored; what only those items could tell (review asked when, re-open) is not.
    reports.push({
      ...emptyReport(),
      incomplete: true,
      notes: [
        `GitLab could not show ${unreadable} merge request${unreadable === 1 ? '' : 's'} or issue${unreadable === 1 ? '' : 's'} (an error on their fields): their activity is stored without when review was requested or whether it was a re-open.`,
      ],
    });
  }
  return reports;
}
