import {
  type ActivityBatchResult,
  type BatchListProblem,
  fetchActivityBatch,
  GitLabGraphqlError,
} from '../../gitlab/index.ts';
import {
  budgetAfterRefusal,
  complexityOf,
  isTooBigForGitLab,
  takeBatch,
  toActivityBatch,
  type Wanted,
} from './graphql-batches.ts';
import { pendingReviewRequests } from './graphql-review-requests.ts';
import { storeBatch, storeReviewRequests } from './graphql-stream-store.ts';
import { pipelineWanted } from './pipeline-lists.ts';
import { userListsViaRest } from './rest-user-lists.ts';
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
  const pipelines = pipelineWanted(context, lists.pipelines ?? []);

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
  while (pending.length > 0) {
    if (outcome.timelogsUnavailable) dropKinds(pending, ['timelogs']);
    if (outcome.reviewRequestsUnavailable) {
      // This GitLab's GraphQL cannot list them; REST can (one request per list of up to 100).
      const viaRest = dropKinds(pending, ['reviews', 'authored']);
      if (viaRest.length > 0) {
        outcome.reviewRequestsViaRest = true;
        await storeBatch(context, viaRest, await userListsViaRest(context, viaRest), outcome, reviewRequests);
      }
    }
    if (pending.length === 0) break;
    const budget = context.batch.budget;
    const batch = takeBatch(pending, context.features, {
      budget,
      maxLists: Math.max(1, context.batch.maxLists),
    });
    let result: ActivityBatchResult;
    try {
      result = await fetchActivityBatch(context.client, toActivityBatch(batch), context.features);
    } catch (error) {
      if (
        error instanceof GitLabGraphqlError &&
        error.isUnknownField('timelogs') &&
        !outcome.timelogsUnavailable
      ) {
        // An old GitLab: say so in the run and go on with the rest.
        outcome.timelogsUnavailable = true;
        pending.unshift(...batch);
        continue;
      }
      if (
        error instanceof GitLabGraphqlError &&
        !outcome.reviewRequestsUnavailable &&
        (error.isUnknownField('reviewRequestedMergeRequests') ||
          error.isUnknownField('authoredMergeRequests') ||
          error.isUnknownField('updatedAfter'))
      ) {
        outcome.reviewRequestsUnavailable = true;
        pending.unshift(...batch);
        continue;
      }
      if (error instanceof GitLabGraphqlError && REFUSED_AGAIN.some((name) => error.isUnknownField(name))) {
        // Refused again after the lists it named were taken out (e.g. a GitLab older than 15.0
        // without `Project.pipelines(updatedAfter:)`): asking again would only repeat the refusal
        // until the run's request cap. These lists are reported; the others go on.
        for (const entry of batch) outcome.problems.push(problemOf(entry, error));
        continue;
      }
      if (isTooBigForGitLab(error)) {
        const sent = complexityOf(batch, context.features);
        if (error instanceof GitLabGraphqlError) {
          context.batch.budget = budgetAfterRefusal(budget, sent, error.graphqlMessages);
        }
        if (batch.length > 1) {
          // Split in two and retry both halves (and keep smaller batches for the rest of the run).
          context.batch.maxLists = Math.max(1, Math.min(context.batch.maxLists, Math.ceil(batch.length / 2)));
          pending.unshift(...batch);
          continue;
        }
        // One list alone is too much for this GitLab: report it, go on with the others.
        const [entry] = batch;
        if (entry) outcome.problems.push(problemOf(entry, error));
        continue;
      }
      throw error;
    }
    outcome.problems.push(...result.problems);
    await storeBatch(context, batch, result, outcome, reviewRequests);
  }
  await storeReviewRequests(context, reviewRequests);
  return outcome;
}

/** Fields an old GitLab refuses that the loop already worked around once (above). */
const REFUSED_AGAIN = ['timelogs', 'reviewRequestedMergeRequests', 'authoredMergeRequests', 'updatedAfter'];

/** Takes the lists of these kinds out of `pending`, in order. */
function dropKinds(pending: Wanted[], kinds: readonly Wanted['kind'][]): Wanted[] {
  const taken: Wanted[] = [];
  for (let index = pending.length - 1; index >= 0; index -= 1) {
    if (kinds.includes((pending[index] as Wanted).kind)) taken.unshift(...pending.splice(index, 1));
  }
  return taken;
}

function problemOf(entry: Wanted, error: unknown): BatchListProblem {
  const names = {
    reviews: 'reviewRequests',
    authored: 'authoredMergeRequests',
    projectPipelines: 'pipelines',
  } as const;
  const list: BatchListProblem['list'] =
    entry.kind === 'reviews' || entry.kind === 'authored' || entry.kind === 'projectPipelines'
      ? names[entry.kind]
      : entry.kind;
  return {
    list,
    key: entry.wanted.key,
    reason: 'error',
    detail: error instanceof Error ? error.message : String(error),
  };
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
