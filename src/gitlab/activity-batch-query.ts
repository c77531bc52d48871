import type { GraphqlFeatures } from './graphql-features.ts';
import { pipelineFields, TIMELOG_FIELDS, USER_MERGE_REQUEST_FIELDS } from './graphql-selections.ts';
import { addGroupSelections, type ProjectPipelinesGroup, type UserListGroup } from './grouped-lists.ts';

/**
 * Several users' time logs, merge request lists and several (project, user) pipeline lists in ONE
 * GraphQL request, using aliases (`t0: timelogs(…)`, `p0: project(…) { q0: pipelines(…) }`,
 * `r0: user(…) { reviewRequestedMergeRequests(…) }`, `a0: user(…) { authoredMergeRequests(…) }`).
 * A sync that asked once per user and project would spend most of its requests here. Only the
 * first page of each list comes back; a list with more continues on its own from its endCursor.
 */

export interface TimelogsWanted {
  key: string;
  username: string;
  /** ISO 8601 or YYYY-MM-DD, inclusive. */
  startDate: string;
  endDate: string;
}

export interface PipelinesWanted {
  key: string;
  fullPath: string;
  /** Absent: everyone's pipelines of the project (the caller keeps its teammates'). */
  username?: string;
  /** ISO 8601. */
  updatedAfter: string;
  /** Continue after this cursor (a list longer than one page). */
  after?: string | null;
}

export interface ReviewRequestsWanted {
  key: string;
  username: string;
  /** ISO 8601. */
  updatedAfter: string;
  /** Continue after this cursor (a list longer than one page). */
  after?: string | null;
}

export interface ActivityBatch {
  timelogs?: readonly TimelogsWanted[];
  pipelines?: readonly PipelinesWanted[];
  reviewRequests?: readonly ReviewRequestsWanted[];
  /** Same shape: the user's own merge requests updated after the date. */
  authoredMergeRequests?: readonly ReviewRequestsWanted[];
  /** The same list for many users or projects under one connection (grouped-lists.ts). */
  userGroups?: readonly UserListGroup[];
  projectGroups?: readonly ProjectPipelinesGroup[];
}

/** The distinct projects of a batch's pipeline lists, in first-seen order (alias `p<index>`). */
export function batchProjects(batch: ActivityBatch): string[] {
  return [...new Set((batch.pipelines ?? []).map((wanted) => wanted.fullPath))];
}

/** The query text and variables for one batch (exported for tests). */
export function buildActivityBatchQuery(
  batch: ActivityBatch,
  features: GraphqlFeatures,
): { query: string; variables: Record<string, unknown> } {
  const declarations: string[] = [];
  const selections: string[] = [];
  const variables: Record<string, unknown> = {};
  (batch.timelogs ?? []).forEach((wanted, index) => {
    declarations.push(`$tu${index}: String!`, `$ts${index}: Time!`, `$te${index}: Time!`);
    Object.assign(variables, {
      [`tu${index}`]: wanted.username,
      [`ts${index}`]: wanted.startDate,
      [`te${index}`]: wanted.endDate,
    });
    selections.push(
      `  t${index}: timelogs(username: $tu${index}, startDate: $ts${index}, endDate: $te${index}, first: 100) {\n    ${TIMELOG_FIELDS}\n  }`,
    );
  });
  const projects = batchProjects(batch);
  const inner = projects.map(() => [] as string[]);
  (batch.pipelines ?? []).forEach((wanted, index) => {
    declarations.push(`$qa${index}: Time`, `$qc${index}: String`);
    Object.assign(variables, { [`qa${index}`]: wanted.updatedAfter, [`qc${index}`]: wanted.after ?? null });
    let byUser = '';
    if (wanted.username !== undefined) {
      declarations.push(`$qu${index}: String!`);
      variables[`qu${index}`] = wanted.username;
      byUser = `username: $qu${index}, `;
    }
    inner[projects.indexOf(wanted.fullPath)]?.push(
      `    q${index}: pipelines(${byUser}updatedAfter: $qa${index}, first: 100, after: $qc${index}) {\n      ${pipelineFields(features)}\n    }`,
    );
  });
  projects.forEach((fullPath, index) => {
    declarations.push(`$pp${index}: ID!`);
    variables[`pp${index}`] = fullPath;
    selections.push(`  p${index}: project(fullPath: $pp${index}) {\n${(inner[index] ?? []).join('\n')}\n  }`);
  });
  const userLists = (wantedList: readonly ReviewRequestsWanted[], prefix: string, field: string) =>
    wantedList.forEach((wanted, index) => {
      declarations.push(
        `$${prefix}u${index}: String!`,
        `$${prefix}a${index}: Time`,
        `$${prefix}c${index}: String`,
      );
      Object.assign(variables, {
        [`${prefix}u${index}`]: wanted.username,
        [`${prefix}a${index}`]: wanted.updatedAfter,
        [`${prefix}c${index}`]: wanted.after ?? null,
      });
      selections.push(
        `  ${prefix}${index}: user(username: $${prefix}u${index}) {\n    ${field}(updatedAfter: $${prefix}a${index}, first: 100, after: $${prefix}c${index}) {\n      ${USER_MERGE_REQUEST_FIELDS}\n    }\n  }`,
      );
    });
  userLists(batch.reviewRequests ?? [], 'r', 'reviewRequestedMergeRequests');
  userLists(batch.authoredMergeRequests ?? [], 'a', 'authoredMergeRequests');
  addGroupSelections({ users: batch.userGroups ?? [], projects: batch.projectGroups ?? [] }, features, {
    declarations,
    selections,
    variables,
  });
  const query = `query ActivityPulseSyncBatch(${declarations.join(', ')}) {\n${selections.join('\n')}\n}`;
  return { query, variables };
}
