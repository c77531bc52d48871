import { z } from 'zod';
import type { GitLabClient } from './client.ts';
import { badResponseError } from './errors.ts';
import type { CursorPage } from './graphql-pagination.ts';
import { pageInfoSchema, pipelineNodeSchema, timelogNodeSchema } from './graphql-schemas.ts';
import type { GitLabPipelineNode, GitLabTimelog } from './schemas.ts';

/** A merge request in a user's list (`User.reviewRequestedMergeRequests`, `User.authoredMergeRequests`). */
export const reviewRequestNodeSchema = z.looseObject({
  iid: z.string(),
  projectId: z.number().int(),
  title: z.string(),
  webUrl: z.string(),
  createdAt: z.string(),
  updatedAt: z.string().nullable().optional(),
  sourceBranch: z.string().nullable().optional(),
  /** `id` is a global id such as gid://gitlab/User/41. */
  author: z.looseObject({ id: z.string().optional(), username: z.string() }).nullable().optional(),
});
export type GitLabReviewRequestNode = z.infer<typeof reviewRequestNodeSchema>;

/**
 * Several users' time logs and several (project, user) pipeline lists in ONE GraphQL request, using
 * aliases (`t0: timelogs(…)`, `p0: project(…) { q0: pipelines(…) }`, `r0: user(…) {
 * reviewRequestedMergeRequests(…) }`, `a0: user(…) { authoredMergeRequests(…) }`). A sync that asked once per
 * user and project would spend most of its requests here; batched, an incremental sync of a whole
 * team costs one or two requests. Only the first page of each list comes back; callers continue a
 * list that has more with listTimelogs / listProjectPipelines from its endCursor.
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
  username: string;
  /** ISO 8601. */
  updatedAfter: string;
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
}

export interface ActivityBatchResult {
  timelogs: Map<string, CursorPage<GitLabTimelog>>;
  /** Absent when the project does not exist or the token cannot see it. */
  pipelines: Map<string, CursorPage<GitLabPipelineNode>>;
  /** Absent when the user does not exist. */
  reviewRequests: Map<string, CursorPage<GitLabReviewRequestNode>>;
  authoredMergeRequests: Map<string, CursorPage<GitLabReviewRequestNode>>;
}

const REVIEW_REQUEST_FIELDS = `nodes { iid projectId title webUrl createdAt updatedAt sourceBranch author { id username } }
      pageInfo { hasNextPage endCursor }`;

const TIMELOG_FIELDS = `nodes {
      id spentAt timeSpent summary
      user { username }
      issue { iid title webUrl projectId }
      mergeRequest { iid title webUrl projectId }
    }
    pageInfo { hasNextPage endCursor }`;

const PIPELINE_FIELDS = `nodes { id iid status duration startedAt finishedAt createdAt updatedAt ref sha source path user { username } }
      pageInfo { hasNextPage endCursor }`;

/** The query text and variables for one batch (exported for tests and the fake GitLab). */
export function buildActivityBatchQuery(batch: ActivityBatch): {
  query: string;
  variables: Record<string, unknown>;
} {
  const timelogs = batch.timelogs ?? [];
  const pipelines = batch.pipelines ?? [];
  const declarations: string[] = [];
  const selections: string[] = [];
  const variables: Record<string, unknown> = {};
  timelogs.forEach((wanted, index) => {
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
  const byProject = new Map<string, Array<{ wanted: PipelinesWanted; index: number }>>();
  pipelines.forEach((wanted, index) => {
    const list = byProject.get(wanted.fullPath) ?? [];
    list.push({ wanted, index });
    byProject.set(wanted.fullPath, list);
  });
  let projectIndex = 0;
  for (const [fullPath, wantedList] of byProject) {
    declarations.push(`$pp${projectIndex}: ID!`);
    variables[`pp${projectIndex}`] = fullPath;
    const inner = wantedList.map(({ wanted, index }) => {
      declarations.push(`$qu${index}: String!`, `$qa${index}: Time`);
      variables[`qu${index}`] = wanted.username;
      variables[`qa${index}`] = wanted.updatedAfter;
      return `    q${index}: pipelines(username: $qu${index}, updatedAfter: $qa${index}, first: 100) {\n      ${PIPELINE_FIELDS}\n    }`;
    });
    selections.push(`  p${projectIndex}: project(fullPath: $pp${projectIndex}) {\n${inner.join('\n')}\n  }`);
    projectIndex += 1;
  }
  (batch.reviewRequests ?? []).forEach((wanted, index) => {
    declarations.push(`$ru${index}: String!`, `$ra${index}: Time`, `$rc${index}: String`);
    Object.assign(variables, {
      [`ru${index}`]: wanted.username,
      [`ra${index}`]: wanted.updatedAfter,
      [`rc${index}`]: wanted.after ?? null,
    });
    selections.push(
      `  r${index}: user(username: $ru${index}) {\n    reviewRequestedMergeRequests(updatedAfter: $ra${index}, first: 100, after: $rc${index}) {\n      ${REVIEW_REQUEST_FIELDS}\n    }\n  }`,
    );
  });
  (batch.authoredMergeRequests ?? []).forEach((wanted, index) => {
    declarations.push(`$au${index}: String!`, `$aa${index}: Time`, `$ac${index}: String`);
    Object.assign(variables, {
      [`au${index}`]: wanted.username,
      [`aa${index}`]: wanted.updatedAfter,
      [`ac${index}`]: wanted.after ?? null,
    });
    selections.push(
      `  a${index}: user(username: $au${index}) {\n    authoredMergeRequests(updatedAfter: $aa${index}, first: 100, after: $ac${index}) {\n      ${REVIEW_REQUEST_FIELDS}\n    }\n  }`,
    );
  });
  const query = `query ActivityPulseSyncBatch(${declarations.join(', ')}) {\n${selections.join('\n')}\n}`;
  return { query, variables };
}

const connection = <T extends z.ZodType>(node: T) =>
  z
    .looseObject({ nodes: z.array(node), pageInfo: pageInfoSchema })
    .nullable()
    .optional();

/** Runs one batch. GraphQL errors (an old GitLab without `timelogs`, complexity limits) are thrown. */
export async function fetchActivityBatch(
  client: GitLabClient,
  batch: ActivityBatch,
): Promise<ActivityBatchResult> {
  const timelogs = batch.timelogs ?? [];
  const pipelines = batch.pipelines ?? [];
  const reviewRequests = batch.reviewRequests ?? [];
  const authored = batch.authoredMergeRequests ?? [];
  const result: ActivityBatchResult = {
    timelogs: new Map(),
    pipelines: new Map(),
    reviewRequests: new Map(),
    authoredMergeRequests: new Map(),
  };
  if (timelogs.length + pipelines.length + reviewRequests.length + authored.length === 0) return result;
  const { query, variables } = buildActivityBatchQuery(batch);
  // https://docs.gitlab.com/api/graphql/reference/#querytimelogs
  // https://docs.gitlab.com/api/graphql/reference/#projectpipelines
  // https://docs.gitlab.com/api/graphql/reference/#userreviewrequestedmergerequests
  // https://docs.gitlab.com/api/graphql/reference/#userauthoredmergerequests
  const data = await client.graphql(query, variables, z.record(z.string(), z.unknown()), {
    endpoint: 'POST /api/graphql (activity batch)',
  });
  const timelogConnection = connection(timelogNodeSchema);
  const pipelineConnection = connection(pipelineNodeSchema);
  const parse = <T>(schema: z.ZodType<T>, value: unknown, alias: string): T => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw badResponseError(`POST /api/graphql (activity batch, ${alias})`, parsed.error);
    return parsed.data;
  };
  timelogs.forEach((wanted, index) => {
    const page = parse(timelogConnection, data[`t${index}`], `t${index}`);
    if (page) {
      result.timelogs.set(wanted.key, {
        items: page.nodes,
        page: 1,
        endCursor: page.pageInfo.endCursor,
        hasNextPage: page.pageInfo.hasNextPage,
      });
    }
  });
  const paths = [...new Set(pipelines.map((wanted) => wanted.fullPath))];
  pipelines.forEach((wanted, index) => {
    const project = data[`p${paths.indexOf(wanted.fullPath)}`];
    if (!project || typeof project !== 'object') return;
    const page = parse(pipelineConnection, (project as Record<string, unknown>)[`q${index}`], `q${index}`);
    if (page) {
      result.pipelines.set(wanted.key, {
        items: page.nodes,
        page: 1,
        endCursor: page.pageInfo.endCursor,
        hasNextPage: page.pageInfo.hasNextPage,
      });
    }
  });
  const mergeRequestConnection = connection(reviewRequestNodeSchema);
  const userLists = (
    wantedList: readonly ReviewRequestsWanted[],
    prefix: string,
    field: string,
    into: Map<string, CursorPage<GitLabReviewRequestNode>>,
  ) =>
    wantedList.forEach((wanted, index) => {
      const user = data[`${prefix}${index}`];
      if (!user || typeof user !== 'object') return;
      const page = parse(
        mergeRequestConnection,
        (user as Record<string, unknown>)[field],
        `${prefix}${index}`,
      );
      if (page) {
        into.set(wanted.key, {
          items: page.nodes,
          page: 1,
          endCursor: page.pageInfo.endCursor,
          hasNextPage: page.pageInfo.hasNextPage,
        });
      }
    });
  userLists(reviewRequests, 'r', 'reviewRequestedMergeRequests', result.reviewRequests);
  userLists(authored, 'a', 'authoredMergeRequests', result.authoredMergeRequests);
  return result;
}
