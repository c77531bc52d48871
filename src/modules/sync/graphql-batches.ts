import {
  type ActivityBatch,
  batchComplexity,
  GitLabError,
  GitLabGraphqlError,
  type GraphqlFeatures,
  MAX_QUERY_COMPLEXITY,
  type PipelinesWanted,
  type ReviewRequestsWanted,
  type TimelogsWanted,
} from '../../gitlab/index.ts';
import type { TeammateRef } from './teammate-events.ts';

/** One list a sync wants read, with the teammate it belongs to. */
export type Wanted =
  | { kind: 'timelogs'; wanted: TimelogsWanted; teammate: TeammateRef }
  | { kind: 'pipelines'; wanted: PipelinesWanted; teammate: TeammateRef }
  | { kind: 'reviews'; wanted: ReviewRequestsWanted; teammate: TeammateRef }
  | { kind: 'authored'; wanted: ReviewRequestsWanted; teammate: TeammateRef };

export function toActivityBatch(batch: readonly Wanted[]): ActivityBatch {
  return {
    timelogs: batch.flatMap((entry) => (entry.kind === 'timelogs' ? [entry.wanted] : [])),
    pipelines: batch.flatMap((entry) => (entry.kind === 'pipelines' ? [entry.wanted] : [])),
    reviewRequests: batch.flatMap((entry) => (entry.kind === 'reviews' ? [entry.wanted] : [])),
    authoredMergeRequests: batch.flatMap((entry) => (entry.kind === 'authored' ? [entry.wanted] : [])),
  };
}

/** GitLab's complexity of the query these lists make (graphql-complexity.ts). */
export function complexityOf(batch: readonly Wanted[], features: GraphqlFeatures): number {
  const projects = new Set(
    batch.flatMap((entry) => (entry.kind === 'pipelines' ? [entry.wanted.fullPath] : [])),
  );
  return batchComplexity(
    {
      timelogs: batch.filter((entry) => entry.kind === 'timelogs').length,
      userMergeRequestLists: batch.filter((entry) => entry.kind === 'reviews' || entry.kind === 'authored')
        .length,
      pipelines: batch.filter((entry) => entry.kind === 'pipelines').length,
      projects: projects.size,
    },
    features,
  );
}

/**
 * Takes the next batch off `pending`: lists in order while the query stays within `budget`
 * complexity and `maxLists` lists. Pipeline lists of a project already in the batch are pulled
 * forward (they share the project's cost). Always at least one list, so a list too complex on
 * its own is still tried once and reported when GitLab refuses it.
 */
export function takeBatch(
  pending: Wanted[],
  features: GraphqlFeatures,
  options: { budget: number; maxLists: number },
): Wanted[] {
  const batch: Wanted[] = [];
  for (let index = 0; index < pending.length && batch.length < options.maxLists; ) {
    const entry = pending[index] as Wanted;
    if (batch.length === 0 || complexityOf([...batch, entry], features) <= options.budget) {
      batch.push(entry);
      pending.splice(index, 1);
    } else {
      index += 1;
    }
  }
  return batch;
}

/** The budget to plan with: GitLab's limit, lowered when GitLab counted more than we did. */
export function budgetAfterRefusal(current: number, sent: number, messages: readonly string[]): number {
  for (const message of messages) {
    const match = /complexity of (\d+), which exceeds max complexity of (\d+)/i.exec(message);
    if (match) {
      const [counted, limit] = [Number(match[1]), Number(match[2])];
      return Math.max(1, Math.min(current, Math.floor((sent * limit) / counted)));
    }
  }
  return current;
}

/**
 * A query refused for its size (complexity over the limit) or that ran out of time: the same
 * lists in smaller queries may pass. Unknown fields are never this: smaller queries fail alike.
 */
export function isTooBigForGitLab(error: unknown): boolean {
  if (error instanceof GitLabGraphqlError) {
    return error.graphqlMessages.some((message) =>
      /exceeds max complexity|timed out|timeout|too (?:complex|large)/i.test(message),
    );
  }
  return (
    error instanceof GitLabError &&
    error.code === 'GITLAB_SERVER_ERROR' &&
    (error.status === 503 || error.status === 504)
  );
}

export const DEFAULT_BUDGET = MAX_QUERY_COMPLEXITY;
