import type { BatchListProblem } from '../../gitlab/index.ts';
import { readBatches } from './graphql-batch-loop.ts';
import type { Wanted } from './graphql-batches.ts';
import { pendingReviewRequests } from './graphql-review-requests.ts';
import { storeReviewRequests } from './graphql-stream-store.ts';
import { pipelineWanted } from './pipeline-lists.ts';
import { cursorKey } from './sync-cursor.repository.ts';
import type { SyncRunContext } from './sync-run-context.ts';
import type { TeammateRef } from './teammate-events.ts';

/** What the GraphQL lists read from the run: the run's context (features and batch included). */
export type StreamsContext = SyncRunContext;

export interface PipelineInterest {
  teammate: TeammateRef;
  projectPath: string;
}

export interface StreamsOutcome {
  timelogsUnavailable: boolean;
  /** This GitLab's GraphQL cannot list merge requests per reviewer or author (since a date). */
  reviewRequestsUnavailable: boolean;
  /** …and they were read through REST instead. */
  reviewRequestsViaRest: boolean;
  /** Lists that did not come back whole: stored as far as they came, their cursors kept back. */
  problems: BatchListProblem[];
}

/** Time logs can be added for past days: each sync re-reads this far back (one request anyway). */
export const TIMELOG_LOOKBACK_MS = 7 * 86_400_000;
/** Pipeline lists of projects a teammate has not touched for this long are no longer polled. */
export const PIPELINE_INTEREST_MS = 30 * 86_400_000;

/** Which lists to read in this call. */
export interface StreamLists {
  timelogs?: readonly TeammateRef[];
  /** Merge requests awaiting the teammate's review. */
  reviews?: readonly TeammateRef[];
  /** The teammate's own merge requests: read only to learn their facts without REST calls. */
  authored?: readonly TeammateRef[];
  pipelines?: readonly PipelineInterest[];
}

/**
 * Time logs, pipelines and pending review requests of every teammate through GraphQL, packed by
 * GitLab's query complexity: each teammate's time logs, review requests and own MRs grouped under
 * `users(usernames:)` (a whole team costs about what one list does), pipelines project by project
 * (pipeline-lists.ts) for the projects teammates worked on lately. A list longer than one page
 * continues on its own. Each batch's rows and cursors are stored in one transaction; review
 * requests once all lists are read, timed together (graphql-review-requests.ts).
 */
export async function syncGraphqlStreams(
  context: StreamsContext,
  lists: StreamLists,
): Promise<StreamsOutcome> {
  const outcome: StreamsOutcome = {
    timelogsUnavailable: false,
    reviewRequestsUnavailable: false,
    reviewRequestsViaRest: false,
    problems: [],
  };
  const end = context.runStartedAt.toISOString();
  const timelogs: Wanted[] = (lists.timelogs ?? []).map((teammate) => {
    const cursor = context.cursors.get(cursorKey(teammate.teammateId, 'timelogs'));
    const start =
      context.since ??
      (cursor?.position ? new Date(cursor.position.getTime() - TIMELOG_LOOKBACK_MS) : context.firstSyncFrom);
    return {
      kind: 'timelogs',
      teammate,
      wanted: {
        key: teammate.teammateId,
        username: teammate.username,
        startDate: start.toISOString(),
        endDate: end,
      },
    };
  });
  const pipelines = await pipelineWanted(context, lists.pipelines ?? []);

  const userList =
    (kind: 'reviews' | 'authored', resource: string) =>
    (teammate: TeammateRef): Wanted => {
      const cursor = context.cursors.get(cursorKey(teammate.teammateId, resource));
      const after = context.since ?? cursor?.position ?? context.firstSyncFrom;
      return {
        kind,
        teammate,
        wanted: { key: teammate.teammateId, username: teammate.username, updatedAfter: after.toISOString() },
      };
    };
  const reviews = (lists.reviews ?? []).map(userList('reviews', 'review_requests'));
  const authored = (lists.authored ?? []).map(userList('authored', 'authored_merge_requests'));

  const pending = [...timelogs, ...reviews, ...authored, ...pipelines];
  const reviewRequests = pendingReviewRequests();
  await readBatches(context, pending, outcome, reviewRequests);
  await storeReviewRequests(context, reviewRequests);
  return outcome;
}

const LIST_NAMES = {
  timelogs: 'time logs',
  pipelines: 'pipelines',
  reviewRequests: 'review requests',
  authoredMergeRequests: 'merge requests',
} as const;

/** What the run's notes say about the GraphQL lists (what is missing and why). */
export function notesOfStreams(outcome: StreamsOutcome): string[] {
  const notes: string[] = [];
  if (outcome.reviewRequestsUnavailable && !outcome.reviewRequestsViaRest) {
    notes.push(
      'Review requests are included only once the reviewer comments or approves: this GitLab cannot list the merge requests awaiting someone’s review (GraphQL reviewRequestedMergeRequests).',
    );
  }
  if (outcome.problems.length > 0) {
    const lists = [...new Set(outcome.problems.map((problem) => LIST_NAMES[problem.list]))];
    const count = outcome.problems.length;
    notes.push(
      `Some ${lists.join(', ')} came back incomplete from GitLab (${count} list${count === 1 ? '' : 's'}); what did come is stored and the next sync reads them again.`,
    );
  }
  if (outcome.timelogsUnavailable) {
    notes.push(
      'Time logged is not included: this GitLab cannot list time-tracking entries per user (GraphQL timelogs); it appears after GitLab is upgraded.',
    );
  }
  return notes;
}
