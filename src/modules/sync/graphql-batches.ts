import {
  type ActivityBatch,
  batchComplexity,
  GitLabError,
  GitLabGraphqlError,
  type GraphqlFeatures,
  MAX_PROJECTS_PER_GROUP,
  MAX_QUERY_COMPLEXITY,
  MAX_USERS_PER_GROUP,
  type PipelinesWanted,
  type ProjectPipelinesGroup,
  projectGroupComplexity,
  type ReviewRequestsWanted,
  type TimelogsWanted,
  type UserListGroup,
  userGroupComplexity,
} from '../../gitlab/index.ts';
import type { TeammateRef } from './teammate-events.ts';

/** Everyone's pipelines of one project updated after a time, for the teammates who work there. */
export interface ProjectPipelinesWanted {
  key: string;
  fullPath: string;
  projectId: number;
  updatedAfter: string;
  /**
   * Teammates read here in place of their own lists (a first read): where each own list would
   * have started, so their cursors move as it would have moved them.
   */
  starts?: ReadonlyMap<string, number>;
}

/** One list a sync wants read, with the teammate (or teammates) it belongs to. */
export type Wanted =
  | { kind: 'timelogs'; wanted: TimelogsWanted; teammate: TeammateRef }
  | { kind: 'pipelines'; wanted: PipelinesWanted; teammate: TeammateRef }
  | { kind: 'reviews'; wanted: ReviewRequestsWanted; teammate: TeammateRef }
  | { kind: 'authored'; wanted: ReviewRequestsWanted; teammate: TeammateRef }
  | { kind: 'projectPipelines'; wanted: ProjectPipelinesWanted; teammates: readonly TeammateRef[] };

/**
 * The query for these lists: the first page of each user's time logs, review requests and own
 * MRs grouped under `users(usernames:)` by shared arguments, project-wide pipeline lists under
 * `projects(ids:)`; a (teammate, project) pipeline list, or a list that continues, by its alias.
 */
export function toActivityBatch(batch: readonly Wanted[]): ActivityBatch {
  const timelogs: TimelogsWanted[] = [];
  const pipelines: PipelinesWanted[] = [];
  const reviewRequests: ReviewRequestsWanted[] = [];
  const authoredMergeRequests: ReviewRequestsWanted[] = [];
  const userGroups = new Grouper<UserListGroup['members'][number], UserListGroup>(MAX_USERS_PER_GROUP);
  const projectGroups = new Grouper<ProjectPipelinesGroup['members'][number], ProjectPipelinesGroup>(
    MAX_PROJECTS_PER_GROUP,
  );
  for (const entry of batch) {
    if (entry.kind === 'pipelines') {
      pipelines.push(entry.wanted);
    } else if (entry.kind === 'projectPipelines') {
      const { key, projectId, updatedAfter } = entry.wanted;
      projectGroups.add(updatedAfter, { key, projectId }, (members) => ({ members, updatedAfter }));
    } else if ('after' in entry.wanted && entry.wanted.after) {
      if (entry.kind === 'timelogs') timelogs.push(entry.wanted);
      else (entry.kind === 'reviews' ? reviewRequests : authoredMergeRequests).push(entry.wanted);
    } else if (entry.kind === 'timelogs') {
      const { key, username, startDate, endDate } = entry.wanted;
      userGroups.add(`timelogs\u0000${startDate}\u0000${endDate}`, { key, username }, (members) => ({
        list: 'timelogs',
        members,
        startDate,
        endDate,
      }));
    } else {
      const list = entry.kind === 'reviews' ? 'reviewRequests' : 'authoredMergeRequests';
      const { key, username, updatedAfter } = entry.wanted;
      userGroups.add(`${list}\u0000${updatedAfter}`, { key, username }, (members) => ({
        list,
        members,
        updatedAfter,
      }));
    }
  }
  return {
    timelogs,
    pipelines,
    reviewRequests,
    authoredMergeRequests,
    userGroups: userGroups.groups(),
    projectGroups: projectGroups.groups(),
  };
}

/** Members gathered by shared arguments, at most `limit` to a group. */
class Grouper<M, G> {
  readonly #limit: number;
  readonly #open = new Map<string, M[]>();
  readonly #all: G[] = [];

  constructor(limit: number) {
    this.#limit = limit;
  }

  add(key: string, member: M, make: (members: M[]) => G): void {
    let members = this.#open.get(key);
    if (!members || members.length >= this.#limit) {
      members = [];
      this.#open.set(key, members);
      this.#all.push(make(members));
    }
    members.push(member);
  }

  groups(): G[] {
    return this.#all;
  }
}

/** GitLab's complexity of the query these lists make (graphql-complexity.ts). */
export function complexityOf(batch: readonly Wanted[], features: GraphqlFeatures): number {
  return activityBatchComplexity(toActivityBatch(batch), features);
}

/** GitLab's complexity of one batch query. */
export function activityBatchComplexity(query: ActivityBatch, features: GraphqlFeatures): number {
  const projects = new Set((query.pipelines ?? []).map((wanted) => wanted.fullPath));
  const groups =
    (query.userGroups ?? []).reduce(
      (sum, group) =>
        sum +
        userGroupComplexity(group.list === 'timelogs' ? 'timelogs' : 'mergeRequests', group.members.length),
      0,
    ) +
    (query.projectGroups ?? []).reduce(
      (sum, group) => sum + projectGroupComplexity(group.members.length, features),
      0,
    );
  return (
    groups +
    batchComplexity(
      {
        timelogs: query.timelogs?.length ?? 0,
        userMergeRequestLists:
          (query.reviewRequests?.length ?? 0) + (query.authoredMergeRequests?.length ?? 0),
        pipelines: query.pipelines?.length ?? 0,
        projects: projects.size,
      },
      features,
    )
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
