import type { GraphqlFeatures } from './graphql-features.ts';
import { pipelineFields, TIMELOG_FIELDS, USER_MERGE_REQUEST_FIELDS } from './graphql-selections.ts';

/**
 * GitLab's query complexity for the lists we send, computed before sending so a batch is never
 * refused ("Query has complexity of N, which exceeds max complexity of 250"). The rules are
 * GitLab's (graphql-ruby as `gitlab_schema.rb` and `BaseField`/`BaseResolver` configure it):
 * - a plain field costs 1 plus its selections;
 * - a resolver connection costs (selections + resolver cost) × (1 + min(first, 100) × 0.01),
 *   truncated; resolver cost 1, +1 when the resolver has a `sort` argument (defaulted or not),
 *   +1 for a field that calls Gitaly (`pipelines`);
 * - `Query.timelogs` is fixed at 5 plus its selections.
 * test/gitlab/graphql-complexity.test.ts checks these figures against a calculator that walks the
 * real schema, the same one the fake GitLab enforces.
 */

/** GitLab's limit for an authenticated request (anonymous: 200). */
export const MAX_QUERY_COMPLEXITY = 250;

const PAGE_SIZE = 100;
const TIMELOGS_FIXED = 5;
/** MergeRequestsResolver: 1, +1 for its `sort` argument (always defaulted). */
const MERGE_REQUESTS_RESOLVER = 2;
/** PipelinesResolver: 1, +1 because it calls Gitaly. */
const PIPELINES_RESOLVER = 2;
/** `user(username:)` and `project(fullPath:)` around the lists. */
const WRAPPER = 1;

/** The few selection texts we send, each counted once: batch planning asks thousands of times. */
const counted = new Map<string, number>();

/** Complexity of a selection text such as `nodes { id user { username } } pageInfo { … }`. */
export function selectionComplexity(text: string): number {
  let complexity = counted.get(text);
  if (complexity === undefined) {
    complexity = countSelections(text);
    if (counted.size < 100) counted.set(text, complexity);
  }
  return complexity;
}

function countSelections(text: string): number {
  const tokens = text.match(/[A-Za-z_]\w*|[{}]/g) ?? [];
  let position = 0;
  const block = (): number => {
    let total = 0;
    while (position < tokens.length && tokens[position] !== '}') {
      position += 1; // a field name
      let field = 1;
      if (tokens[position] === '{') {
        position += 1;
        field += block();
        position += 1; // '}'
      }
      total += field;
    }
    return total;
  };
  return block();
}

/** A resolver connection: (selections + resolver cost) × (1 + min(first, 100) × 0.01), truncated. */
export function connectionComplexity(selections: number, resolver: number, first = PAGE_SIZE): number {
  return Math.trunc((selections + resolver) * (1 + Math.min(first, PAGE_SIZE) * 0.01));
}

/** One `timelogs(…)` list: 25 with our fields. */
export function timelogsListComplexity(): number {
  return TIMELOGS_FIXED + selectionComplexity(TIMELOG_FIELDS);
}

/** One `user(…) { reviewRequestedMergeRequests | authoredMergeRequests(…) }`: 33. */
export function userMergeRequestListComplexity(): number {
  return (
    WRAPPER + connectionComplexity(selectionComplexity(USER_MERGE_REQUEST_FIELDS), MERGE_REQUESTS_RESOLVER)
  );
}

/** One `pipelines(…)` list inside a project: 38, 40 with `source`. */
export function pipelinesListComplexity(features: GraphqlFeatures): number {
  return connectionComplexity(selectionComplexity(pipelineFields(features)), PIPELINES_RESOLVER);
}

/** UsersResolver and ProjectsResolver: 1, +1 for their `sort` argument (always defaulted). */
const GROUP_RESOLVER = 2;

/**
 * `users(usernames:, first: n) { nodes { username list: … } }` holding one list per user: the
 * nodes' selections are counted once (GitLab does not multiply by the number of nodes), the
 * connection scaled by its page size. `UserCore.timelogs` is fixed at 5 like `Query.timelogs`.
 */
export function userGroupComplexity(list: 'timelogs' | 'mergeRequests', members: number): number {
  const inner = list === 'timelogs' ? timelogsListComplexity() : userMergeRequestListComplexity() - WRAPPER;
  // nodes (1) + username (1) + the list
  return connectionComplexity(2 + inner, GROUP_RESOLVER, members);
}

/** `projects(ids:, first: n) { nodes { id pipelines(updatedAfter:) { count } } }`: 15 for 50 projects. */
export function pipelineCountGroupComplexity(members: number): number {
  // nodes (1) + id (1) + the count's connection: (count 1 + resolver) × 2, no `first` = GitLab's 100.
  return connectionComplexity(2 + connectionComplexity(1, PIPELINES_RESOLVER), GROUP_RESOLVER, members);
}

/** `projects(ids:, first: n) { nodes { id list: pipelines(updatedAfter:) { … } } }`. */
export function projectGroupComplexity(members: number, features: GraphqlFeatures): number {
  // nodes (1) + id (1) + the list
  return connectionComplexity(2 + pipelinesListComplexity(features), GROUP_RESOLVER, members);
}

/** The `project(fullPath:)` field holding one or more pipeline lists. */
export const PROJECT_COMPLEXITY = WRAPPER;

export const BATCH_SHAPE_EMPTY: BatchShape = {
  timelogs: 0,
  userMergeRequestLists: 0,
  pipelines: 0,
  projects: 0,
};

export interface BatchShape {
  timelogs: number;
  userMergeRequestLists: number;
  /** Pipeline lists, and how many distinct projects hold them. */
  pipelines: number;
  projects: number;
}

export function batchComplexity(shape: BatchShape, features: GraphqlFeatures): number {
  return (
    shape.timelogs * timelogsListComplexity() +
    shape.userMergeRequestLists * userMergeRequestListComplexity() +
    shape.pipelines * pipelinesListComplexity(features) +
    shape.projects * PROJECT_COMPLEXITY
  );
}
