import type { GraphqlFeatures } from './graphql-features.ts';
import { pipelineFields, TIMELOG_FIELDS, USER_MERGE_REQUEST_FIELDS } from './graphql-selections.ts';

/**
 * The same list for many users, or many projects, under ONE connection field:
 * `g0: users(usernames: […]) { nodes { username list: reviewRequestedMergeRequests(…) { … } } }`,
 * `h0: projects(ids: […]) { nodes { id list: pipelines(updatedAfter: …) { … } } }`.
 * GitLab counts a connection's selections once, whatever the number of nodes
 * (graphql-complexity.ts), so a whole team's lists fit in one request where one alias per user
 * would need a request per half-dozen lists. The arguments are the group's: members share them.
 */

export type GroupedListName = 'timelogs' | 'reviewRequests' | 'authoredMergeRequests';

export interface UserListGroup {
  list: GroupedListName;
  members: ReadonlyArray<{ key: string; username: string }>;
  /** Time logs: ISO 8601, inclusive. */
  startDate?: string;
  endDate?: string;
  /** Merge request lists: ISO 8601. */
  updatedAfter?: string;
}

/** Every user's pipelines of several projects updated after one time (no username filter). */
export interface ProjectPipelinesGroup {
  members: ReadonlyArray<{ key: string; projectId: number }>;
  updatedAfter: string;
}

/** `users(first:)` and `projects(first:)` take at most 100; GitLab caps `fullPaths` at 50, ids likewise here. */
export const MAX_USERS_PER_GROUP = 100;
export const MAX_PROJECTS_PER_GROUP = 50;

const USER_LIST_FIELD: Record<GroupedListName, string> = {
  timelogs: 'timelogs',
  reviewRequests: 'reviewRequestedMergeRequests',
  authoredMergeRequests: 'authoredMergeRequests',
};

export const projectGid = (id: number) => `gid://gitlab/Project/${id}`;

/** The number at the end of a global id (`gid://gitlab/User/42` → 42); NaN when there is none. */
export const idOfGid = (gid: string) => Number(/\/(\d+)$/.exec(gid)?.[1] ?? Number.NaN);

/** Adds the groups' fields, variable declarations and values to a query being built. */
export function addGroupSelections(
  groups: { users: readonly UserListGroup[]; projects: readonly ProjectPipelinesGroup[] },
  features: GraphqlFeatures,
  out: { declarations: string[]; selections: string[]; variables: Record<string, unknown> },
): void {
  groups.users.forEach((group, index) => {
    const prefix = `g${index}`;
    out.declarations.push(`$${prefix}n: [String!]!`);
    out.variables[`${prefix}n`] = group.members.map((member) => member.username);
    let list: string;
    if (group.list === 'timelogs') {
      out.declarations.push(`$${prefix}s: Time!`, `$${prefix}e: Time!`);
      Object.assign(out.variables, { [`${prefix}s`]: group.startDate, [`${prefix}e`]: group.endDate });
      list = `timelogs(startDate: $${prefix}s, endDate: $${prefix}e, first: 100) {\n        ${TIMELOG_FIELDS}\n      }`;
    } else {
      out.declarations.push(`$${prefix}a: Time`);
      out.variables[`${prefix}a`] = group.updatedAfter ?? null;
      list = `${USER_LIST_FIELD[group.list]}(updatedAfter: $${prefix}a, first: 100) {\n        ${USER_MERGE_REQUEST_FIELDS}\n      }`;
    }
    out.selections.push(
      `  ${prefix}: users(usernames: $${prefix}n, first: ${group.members.length}) {\n    nodes {\n      username\n      list: ${list}\n    }\n  }`,
    );
  });
  groups.projects.forEach((group, index) => {
    const prefix = `h${index}`;
    out.declarations.push(`$${prefix}i: [ID!]!`, `$${prefix}a: Time`);
    out.variables[`${prefix}i`] = group.members.map((member) => projectGid(member.projectId));
    out.variables[`${prefix}a`] = group.updatedAfter;
    out.selections.push(
      `  ${prefix}: projects(ids: $${prefix}i, first: ${group.members.length}) {\n    nodes {\n      id\n      list: pipelines(updatedAfter: $${prefix}a, first: 100) {\n        ${pipelineFields(features)}\n      }\n    }\n  }`,
    );
  });
}

type ErrorsAt = (path: readonly (string | number)[]) => readonly { message: string }[];
type GroupProblem = {
  list: GroupedListName | 'pipelines';
  key: string;
  reason: 'missing' | 'error';
  detail: string;
};

/**
 * Reads each member's list out of the groups' answers with `readList` (holder = the member's
 * node, field `list`). A member GitLab does not return is a user or project that is gone or
 * hidden: nothing to read, as for `user(username:)` answering null. A group GitLab could not
 * resolve at all makes a problem for each member.
 */
export function readGroups(
  groups: { users: readonly UserListGroup[]; projects: readonly ProjectPipelinesGroup[] },
  data: Record<string, unknown>,
  errorsAt: ErrorsAt,
  readList: (
    list: GroupedListName | 'pipelines',
    key: string,
    holder: Record<string, unknown>,
    path: (string | number)[],
  ) => void,
  problem: (entry: GroupProblem) => void,
): void {
  const readGroup = <M extends { key: string }>(
    alias: string,
    list: GroupedListName | 'pipelines',
    members: readonly M[],
    identify: (node: Record<string, unknown>) => string | undefined,
    identity: (member: M) => string,
  ) => {
    const field = data[alias];
    const nodes =
      isRecord(field) && Array.isArray(field['nodes']) ? (field['nodes'] as unknown[]) : undefined;
    if (!nodes) {
      const detail =
        errorsAt([alias])
          .slice(0, 3)
          .map((error) => error.message)
          .join(' | ') || `${alias} is ${alias in data ? 'null' : 'missing'} in GitLab's answer`;
      for (const member of members)
        problem({ list, key: member.key, reason: alias in data ? 'error' : 'missing', detail });
      return;
    }
    const byIdentity = new Map<string, number>();
    nodes.forEach((node, index) => {
      const id = isRecord(node) ? identify(node) : undefined;
      if (id !== undefined) byIdentity.set(id, index);
    });
    // A node GitLab could not resolve (null with an error) may be any member not found.
    const brokenNodes = nodes.some(
      (node, index) => !isRecord(node) && errorsAt([alias, 'nodes', index]).length > 0,
    );
    for (const member of members) {
      const index = byIdentity.get(identity(member));
      if (index === undefined) {
        if (brokenNodes)
          problem({
            list,
            key: member.key,
            reason: 'error',
            detail: `${alias}: a node GitLab could not resolve`,
          });
        continue;
      }
      readList(list, member.key, nodes[index] as Record<string, unknown>, [alias, 'nodes', index, 'list']);
    }
  };
  groups.users.forEach((group, index) => {
    readGroup(
      `g${index}`,
      group.list,
      group.members,
      (node) => (typeof node['username'] === 'string' ? node['username'].toLowerCase() : undefined),
      (member) => member.username.toLowerCase(),
    );
  });
  groups.projects.forEach((group, index) => {
    readGroup(
      `h${index}`,
      'pipelines',
      group.members,
      (node) => (typeof node['id'] === 'string' ? node['id'] : undefined),
      (member) => projectGid(member.projectId),
    );
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
