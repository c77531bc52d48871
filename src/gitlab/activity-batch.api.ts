import { z } from 'zod';
import {
  type ActivityBatch,
  batchProjects,
  buildActivityBatchQuery,
  type ReviewRequestsWanted,
} from './activity-batch-query.ts';
import type { GitLabClient } from './client.ts';
import { errorFromGraphql, type GraphqlErrorEntry } from './graphql-errors.ts';
import type { GraphqlFeatures } from './graphql-features.ts';
import type { CursorPage } from './graphql-pagination.ts';
import { pageInfoSchema, pipelineNodeSchema, timelogNodeSchema } from './graphql-schemas.ts';
import { readGroups } from './grouped-lists.ts';
import type { GitLabPipelineNode, GitLabTimelog } from './schemas.ts';

export * from './activity-batch-query.ts';

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

export type BatchListName = 'timelogs' | 'pipelines' | 'reviewRequests' | 'authoredMergeRequests';

/**
 * A list of the batch that did not come back whole: its alias missing from `data`, the list
 * `null`, GitLab reporting an error inside it, or nodes we could not read (skipped one by one).
 * The caller stores what did come and reports that part of the run as partial.
 */
export interface BatchListProblem {
  list: BatchListName;
  key: string;
  reason: 'missing' | 'null' | 'error' | 'unreadable-nodes';
  /** For logs and the run's notes; no token, no personal data beyond GitLab's own message. */
  detail: string;
}

export interface ActivityBatchResult {
  timelogs: Map<string, CursorPage<GitLabTimelog>>;
  /** Absent when the project does not exist or the token cannot see it. */
  pipelines: Map<string, CursorPage<GitLabPipelineNode>>;
  /** Absent when the user does not exist. */
  reviewRequests: Map<string, CursorPage<GitLabReviewRequestNode>>;
  authoredMergeRequests: Map<string, CursorPage<GitLabReviewRequestNode>>;
  problems: BatchListProblem[];
}

const connectionSchema = z.looseObject({ nodes: z.array(z.unknown()), pageInfo: pageInfoSchema });

const ENDPOINT = 'POST /api/graphql (activity batch)';
const TIMEOUT = /^Timeout on |timed out/i;

/** A batch answer with nothing in it yet (also the shape REST fallbacks fill). */
export function emptyActivityBatchResult(): ActivityBatchResult {
  return {
    timelogs: new Map(),
    pipelines: new Map(),
    reviewRequests: new Map(),
    authoredMergeRequests: new Map(),
    problems: [],
  };
}

/**
 * Runs one batch. An error for the whole query (unknown field, complexity, timeout) is thrown as a
 * GitLabGraphqlError; errors on some fields only leave the other lists usable and are returned
 * as problems, with whatever GitLab did send.
 */
export async function fetchActivityBatch(
  client: GitLabClient,
  batch: ActivityBatch,
  features: GraphqlFeatures,
): Promise<ActivityBatchResult> {
  const result = emptyActivityBatchResult();
  const timelogs = batch.timelogs ?? [];
  const pipelines = batch.pipelines ?? [];
  const reviewRequests = batch.reviewRequests ?? [];
  const authored = batch.authoredMergeRequests ?? [];
  const groups = { users: batch.userGroups ?? [], projects: batch.projectGroups ?? [] };
  const lists = timelogs.length + pipelines.length + reviewRequests.length + authored.length;
  if (lists + groups.users.length + groups.projects.length === 0) return result;
  const { query, variables } = buildActivityBatchQuery(batch, features);
  // https://docs.gitlab.com/api/graphql/reference/#querytimelogs
  // https://docs.gitlab.com/api/graphql/reference/#projectpipelines
  // https://docs.gitlab.com/api/graphql/reference/#userreviewrequestedmergerequests
  // https://docs.gitlab.com/api/graphql/reference/#userauthoredmergerequests
  // https://docs.gitlab.com/api/graphql/reference/#queryusers
  // https://docs.gitlab.com/api/graphql/reference/#queryprojects
  const envelope = await client.graphqlEnvelope(query, variables, { endpoint: ENDPOINT });
  const data = envelope.data;
  // Errors without a path concern the whole query; so does an answer without data, and a timeout
  // (graphql-ruby's "Timeout on Query.timelogs" has a path, but the cure is a smaller query).
  const wholeQuery = (error: GraphqlErrorEntry) =>
    !error.path || error.path.length === 0 || TIMEOUT.test(error.message);
  if (!isRecord(data) || envelope.errors.some(wholeQuery)) {
    throw errorFromGraphql(
      ENDPOINT,
      envelope.errors.length > 0 ? envelope.errors : [{ message: 'GitLab sent no data for the query' }],
    );
  }
  const errorsAt = (path: readonly (string | number)[]) =>
    envelope.errors.filter((error) => path.every((part, index) => error.path?.[index] === part));

  const read = <T>(
    list: BatchListName,
    key: string,
    holder: Record<string, unknown>,
    field: string,
    path: (string | number)[],
    nodeSchema: z.ZodType<T>,
    into: Map<string, CursorPage<T>>,
  ) => {
    const problem = (reason: BatchListProblem['reason'], detail: string) =>
      result.problems.push({ list, key, reason, detail });
    const errors = errorsAt(path);
    if (errors.length > 0) problem('error', messagesOf(errors));
    if (!(field in holder)) {
      if (errors.length === 0) problem('missing', `${path.join('.')} is missing from GitLab's answer`);
      return;
    }
    const parsed = connectionSchema.nullable().safeParse(holder[field]);
    if (!parsed.success || parsed.data === null) {
      if (errors.length === 0)
        problem('null', `${path.join('.')} came back ${parsed.success ? 'null' : 'unreadable'}`);
      return;
    }
    const items: T[] = [];
    let unreadable = 0;
    for (const node of parsed.data.nodes) {
      const item = nodeSchema.safeParse(node);
      if (item.success) items.push(item.data);
      else unreadable += 1;
    }
    if (unreadable > 0)
      problem('unreadable-nodes', `${unreadable} item(s) of ${path.join('.')} could not be read`);
    into.set(key, {
      items,
      page: 1,
      endCursor: parsed.data.pageInfo.endCursor,
      hasNextPage: parsed.data.pageInfo.hasNextPage,
    });
  };

  timelogs.forEach((wanted, index) => {
    read('timelogs', wanted.key, data, `t${index}`, [`t${index}`], timelogNodeSchema, result.timelogs);
  });
  const projects = batchProjects(batch);
  pipelines.forEach((wanted, index) => {
    const alias = `p${projects.indexOf(wanted.fullPath)}`;
    const project = data[alias];
    if (project === null && errorsAt([alias]).length === 0) return; // hidden or gone: nothing to read
    if (!isRecord(project)) {
      const reason = alias in data ? 'error' : 'missing';
      const detail = messagesOf(errorsAt([alias])) || `${alias} is missing from GitLab's answer`;
      result.problems.push({ list: 'pipelines', key: wanted.key, reason, detail });
      return;
    }
    read(
      'pipelines',
      wanted.key,
      project,
      `q${index}`,
      [alias, `q${index}`],
      pipelineNodeSchema,
      result.pipelines,
    );
  });
  const userLists = (
    wantedList: readonly ReviewRequestsWanted[],
    prefix: string,
    field: string,
    list: 'reviewRequests' | 'authoredMergeRequests',
  ) =>
    wantedList.forEach((wanted, index) => {
      const alias = `${prefix}${index}`;
      const user = data[alias];
      if (user === null && errorsAt([alias]).length === 0) return; // no such user
      if (!isRecord(user)) {
        const reason = alias in data ? 'error' : 'missing';
        const detail = messagesOf(errorsAt([alias])) || `${alias} is missing from GitLab's answer`;
        result.problems.push({ list, key: wanted.key, reason, detail });
        return;
      }
      read(list, wanted.key, user, field, [alias, field], reviewRequestNodeSchema, result[list]);
    });
  userLists(reviewRequests, 'r', 'reviewRequestedMergeRequests', 'reviewRequests');
  userLists(authored, 'a', 'authoredMergeRequests', 'authoredMergeRequests');
  readGroups(
    groups,
    data,
    errorsAt,
    (list, key, holder, path) => {
      if (list === 'timelogs') read(list, key, holder, 'list', path, timelogNodeSchema, result.timelogs);
      else if (list === 'pipelines')
        read(list, key, holder, 'list', path, pipelineNodeSchema, result.pipelines);
      else read(list, key, holder, 'list', path, reviewRequestNodeSchema, result[list]);
    },
    (problem) => result.problems.push(problem),
  );
  return result;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messagesOf(errors: readonly GraphqlErrorEntry[]): string {
  return errors
    .slice(0, 3)
    .map((error) => error.message)
    .join(' | ');
}
