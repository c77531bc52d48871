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
import type { PendingReviewRequests } from './graphql-review-requests.ts';
import { storeBatch } from './graphql-stream-store.ts';
import type { StreamsContext, StreamsOutcome } from './graphql-streams.ts';
import { userListsViaRest } from './rest-user-lists.ts';

/**
 * Batches in flight at once. The GraphQL step runs alone in its run (before and after the events),
 * so this is the source's whole concurrency then; the pacer still holds every request to GitLab's
 * announced limit. Each batch continues its own long lists four at a time (storeBatch).
 */
export const GRAPHQL_BATCHES_IN_FLIGHT = 3;

/** Fields an old GitLab refuses that the loop works around once (below). */
const REFUSED_AGAIN = ['timelogs', 'reviewRequestedMergeRequests', 'authoredMergeRequests', 'updatedAfter'];

/**
 * Sends the pending lists as batches, a few at a time, until none is left. What GitLab refuses is
 * handled per batch, by what was true when the batch was sent: a field an old GitLab does not know
 * takes those lists out (REST reads review requests instead) and the batch goes again; a batch
 * over GitLab's complexity is split; a refusal that repeats after its lists were taken out is
 * reported instead of asked again. The first unexpected error stops every worker and is thrown
 * once all have ended.
 */
export async function readBatches(
  context: StreamsContext,
  pending: Wanted[],
  outcome: StreamsOutcome,
  reviewRequests: PendingReviewRequests,
): Promise<void> {
  let failure: { error: unknown } | undefined;
  const work = async (): Promise<void> => {
    while (pending.length > 0 && !failure) {
      if (outcome.timelogsUnavailable) dropKinds(pending, ['timelogs']);
      if (outcome.reviewRequestsUnavailable) {
        // This GitLab's GraphQL cannot list them; REST can (one request per list of up to 100).
        const viaRest = dropKinds(pending, ['reviews', 'authored']);
        if (viaRest.length > 0) {
          outcome.reviewRequestsViaRest = true;
          await storeBatch(
            context,
            viaRest,
            await userListsViaRest(context, viaRest),
            outcome,
            reviewRequests,
          );
        }
      }
      if (pending.length === 0) break;
      const budget = context.batch.budget;
      const batch = takeBatch(pending, context.features, {
        budget,
        maxLists: Math.max(1, context.batch.maxLists),
      });
      // What this batch was built on: another worker may learn otherwise while it is out.
      const sentWith = {
        timelogs: outcome.timelogsUnavailable,
        reviews: outcome.reviewRequestsUnavailable,
      };
      let result: ActivityBatchResult;
      try {
        result = await fetchActivityBatch(context.client, toActivityBatch(batch), context.features);
      } catch (error) {
        if (handled(error, batch, budget, sentWith)) continue;
        throw error;
      }
      outcome.problems.push(...result.problems);
      await storeBatch(context, batch, result, outcome, reviewRequests);
    }
  };

  /** True when the refusal was dealt with (batch queued again, split, or reported). */
  const handled = (
    error: unknown,
    batch: Wanted[],
    budget: number,
    sentWith: { timelogs: boolean; reviews: boolean },
  ): boolean => {
    if (error instanceof GitLabGraphqlError && error.isUnknownField('timelogs') && !sentWith.timelogs) {
      // An old GitLab: say so in the run and go on with the rest.
      outcome.timelogsUnavailable = true;
      pending.unshift(...batch);
      return true;
    }
    if (
      error instanceof GitLabGraphqlError &&
      !sentWith.reviews &&
      (error.isUnknownField('reviewRequestedMergeRequests') ||
        error.isUnknownField('authoredMergeRequests') ||
        error.isUnknownField('updatedAfter'))
    ) {
      outcome.reviewRequestsUnavailable = true;
      pending.unshift(...batch);
      return true;
    }
    if (error instanceof GitLabGraphqlError && REFUSED_AGAIN.some((name) => error.isUnknownField(name))) {
      // Refused again after the lists it named were taken out (e.g. a GitLab older than 15.0
      // without `Project.pipelines(updatedAfter:)`): asking again would only repeat the refusal
      // until the run's request cap. These lists are reported; the others go on.
      for (const entry of batch) outcome.problems.push(problemOf(entry, error));
      return true;
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
        return true;
      }
      // One list alone is too much for this GitLab: report it, go on with the others.
      const [entry] = batch;
      if (entry) outcome.problems.push(problemOf(entry, error));
      return true;
    }
    return false;
  };

  // Any worker's failure (GitLab, REST fallback, storing) stops the others at their next batch, and
  // every worker has ended before the error is thrown: none goes on storing behind a failed step.
  const worker = () =>
    work().catch((error: unknown) => {
      failure ??= { error };
    });
  await Promise.all(Array.from({ length: GRAPHQL_BATCHES_IN_FLIGHT }, worker));
  if (failure) throw failure.error;
}

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
