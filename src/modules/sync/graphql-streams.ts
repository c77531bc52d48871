import {
  type ActivityBatchResult,
  type CursorPage,
  fetchActivityBatch,
  GitLabGraphqlError,
  type GitLabPipelineNode,
  type GitLabReviewRequestNode,
  type GitLabTimelog,
  listProjectPipelines,
  listTimelogs,
  type PipelinesWanted,
  type ReviewRequestsWanted,
  type TimelogsWanted,
} from '../../gitlab/index.ts';
import { runPool } from '../../lib/run-pool.ts';
import type { ActivityRow, StoredActivity } from '../activity/activity.repository.ts';
import { upsertActivities } from '../activity/activity.repository.ts';
import {
  gidNumber,
  type MergeRequestFacts,
  mapPipeline,
  mapReviewRequest,
  mapTimelog,
  projectPathFromWebUrl,
} from './gitlab-activity.mapper.ts';
import { type CursorWrite, cursorKey, saveCursors } from './sync-cursor.repository.ts';
import type { SyncRunContext } from './sync-run-context.ts';
import type { TeammateRef } from './teammate-events.ts';

export interface PipelineInterest {
  teammate: TeammateRef;
  projectPath: string;
}

export interface StreamsOutcome {
  timelogsUnavailable: boolean;
  reviewRequestsUnavailable: boolean;
}

/** Time logs can be added for past days: each sync re-reads this far back (one request anyway). */
export const TIMELOG_LOOKBACK_MS = 7 * 86_400_000;
/** Pipeline lists of projects a teammate has not touched for this long are no longer polled. */
export const PIPELINE_INTEREST_MS = 30 * 86_400_000;

type Wanted =
  | { kind: 'timelogs'; wanted: TimelogsWanted; teammate: TeammateRef }
  | { kind: 'pipelines'; wanted: PipelinesWanted; teammate: TeammateRef }
  | { kind: 'reviews'; wanted: ReviewRequestsWanted; teammate: TeammateRef }
  | { kind: 'authored'; wanted: ReviewRequestsWanted; teammate: TeammateRef };

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
 * Time logs, pipelines and pending review requests of every teammate through GraphQL, many lists
 * per request (aliases): time logs and review requests for each teammate, pipelines for each
 * (teammate, project) pair where the teammate pushed lately. A list longer than one page continues
 * on its own. Each batch's rows and cursors are stored in one transaction. A review request new to
 * us costs one reviewers call (GraphQL does not say when review was requested).
 */
export async function syncGraphqlStreams(
  context: SyncRunContext,
  lists: StreamLists,
): Promise<StreamsOutcome> {
  const outcome: StreamsOutcome = { timelogsUnavailable: false, reviewRequestsUnavailable: false };
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
  const pipelines: Wanted[] = (lists.pipelines ?? []).map(({ teammate, projectPath }) => {
    const cursor = context.cursors.get(cursorKey(teammate.teammateId, `pipelines:${projectPath}`));
    const after = context.since ?? cursor?.position ?? context.firstSyncFrom;
    return {
      kind: 'pipelines',
      teammate,
      wanted: {
        key: `${teammate.teammateId}\u0000${projectPath}`,
        fullPath: projectPath,
        username: teammate.username,
        updatedAfter: after.toISOString(),
      },
    };
  });

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
  while (pending.length > 0) {
    let batch = pending.splice(0, Math.max(1, context.batch.size));
    if (outcome.timelogsUnavailable) batch = batch.filter((entry) => entry.kind !== 'timelogs');
    if (outcome.reviewRequestsUnavailable) {
      batch = batch.filter((entry) => entry.kind !== 'reviews' && entry.kind !== 'authored');
    }
    if (batch.length === 0) continue;
    let result: ActivityBatchResult;
    try {
      result = await fetchActivityBatch(context.client, {
        timelogs: batch.flatMap((entry) => (entry.kind === 'timelogs' ? [entry.wanted] : [])),
        pipelines: batch.flatMap((entry) => (entry.kind === 'pipelines' ? [entry.wanted] : [])),
        reviewRequests: batch.flatMap((entry) => (entry.kind === 'reviews' ? [entry.wanted] : [])),
        authoredMergeRequests: batch.flatMap((entry) => (entry.kind === 'authored' ? [entry.wanted] : [])),
      });
    } catch (error) {
      if (error instanceof GitLabGraphqlError && error.isUnknownField('timelogs')) {
        // An old GitLab: say so in the run and go on with the rest.
        outcome.timelogsUnavailable = true;
        pending.unshift(...batch);
        continue;
      }
      if (
        error instanceof GitLabGraphqlError &&
        (error.isUnknownField('reviewRequestedMergeRequests') ||
          error.isUnknownField('authoredMergeRequests') ||
          error.isUnknownField('updatedAfter'))
      ) {
        outcome.reviewRequestsUnavailable = true;
        pending.unshift(...batch);
        continue;
      }
      if (error instanceof GitLabGraphqlError && batch.length > 1) {
        context.batch.size = smallerBatch(batch.length, error.graphqlMessages);
        pending.unshift(...batch);
        continue;
      }
      throw error;
    }
    await storeBatch(context, batch, result, outcome);
  }
  return outcome;
}

/**
 * A batch size GitLab should accept after "Query has complexity of X, which exceeds max complexity
 * of Y": scaled by Y/X, else halved.
 */
export function smallerBatch(current: number, messages: readonly string[]): number {
  for (const message of messages) {
    const match = /complexity of (\d+), which exceeds max complexity of (\d+)/i.exec(message);
    if (match)
      return Math.max(1, Math.min(current - 1, Math.floor((current * Number(match[2])) / Number(match[1]))));
  }
  return Math.max(1, Math.ceil(current / 2));
}

async function storeBatch(
  context: SyncRunContext,
  batch: Wanted[],
  result: ActivityBatchResult,
  outcome: StreamsOutcome,
): Promise<void> {
  const rows: ActivityRow[] = [];
  const cursors: CursorWrite[] = [];
  // Lists continue and review requests are timed concurrently; the rows are stored together.
  const collect = async (entry: Wanted): Promise<void> => {
    if (entry.kind === 'timelogs') {
      const first = result.timelogs.get(entry.wanted.key);
      if (!first) return;
      const nodes = await restOfTimelogs(context, entry.wanted, first, outcome);
      for (const node of nodes) {
        // GitLab filters by username; re-check, as it ignores arguments it does not know.
        if (node.user.username.toLowerCase() !== entry.teammate.username.toLowerCase()) continue;
        rows.push({ ...mapTimelog(node, context), teammateId: entry.teammate.teammateId });
      }
      cursors.push({
        scope: entry.teammate.teammateId,
        resource: 'timelogs',
        position: context.runStartedAt,
        token: null,
      });
    } else if (entry.kind === 'reviews' || entry.kind === 'authored') {
      const listName = entry.kind === 'reviews' ? 'reviewRequests' : 'authoredMergeRequests';
      const first = result[listName].get(entry.wanted.key);
      if (!first) return;
      const nodes = await restOfUserList(context, listName, entry.wanted, first);
      // What the lists say about each MR spares the events a REST call for it.
      for (const node of nodes) context.mergeRequests.prime(factsOfNode(node));
      if (entry.kind === 'reviews') rows.push(...(await reviewRequestRows(context, entry.teammate, nodes)));
      cursors.push({
        scope: entry.teammate.teammateId,
        resource: entry.kind === 'reviews' ? 'review_requests' : 'authored_merge_requests',
        position: context.runStartedAt,
        token: null,
      });
    } else {
      const first = result.pipelines.get(entry.wanted.key);
      if (!first) return;
      const nodes = await restOfPipelines(context, entry.wanted, first);
      let newest = Date.parse(entry.wanted.updatedAfter);
      for (const node of nodes) {
        if (node.user && node.user.username.toLowerCase() !== entry.teammate.username.toLowerCase()) continue;
        rows.push({
          ...mapPipeline(node, entry.wanted.fullPath, context),
          teammateId: entry.teammate.teammateId,
        });
        newest = Math.max(newest, Date.parse(node.updatedAt ?? node.createdAt));
      }
      cursors.push({
        scope: entry.teammate.teammateId,
        resource: `pipelines:${entry.wanted.fullPath}`,
        position: new Date(newest),
        token: null,
      });
    }
  };
  await runPool(batch, 4, collect);
  await context.transaction(async (em) => {
    const stored = await upsertActivities(
      em,
      { workspaceId: context.workspaceId, dataSourceId: context.dataSourceId },
      rows,
    );
    await saveCursors(em, context.dataSourceId, cursors);
    const byTeammate = new Map<string, StoredActivity[]>();
    for (const row of stored)
      byTeammate.set(row.teammateId, [...(byTeammate.get(row.teammateId) ?? []), row]);
    for (const [teammateId, list] of byTeammate) context.onStored(teammateId, list);
  });
}

/**
 * Review requests not stored yet become mr_review_requested activities at the time GitLab says
 * review was requested (reviewers endpoint), or the MR's opening when it does not say.
 */
async function reviewRequestRows(
  context: SyncRunContext,
  teammate: TeammateRef,
  nodes: GitLabReviewRequestNode[],
): Promise<ActivityRow[]> {
  if (nodes.length === 0) return [];
  const keyOf = (node: GitLabReviewRequestNode) =>
    `gitlab:${context.host}:mr_review_requested:${node.projectId}:${node.iid}:${teammate.userId}`;
  const known = new Set(
    (
      await context.transaction((em) =>
        em.execute<Array<{ natural_key: string }>>(
          'select natural_key from activity where workspace_id = ? and natural_key = any(?::text[])',
          [context.workspaceId, `{${nodes.map((node) => `"${keyOf(node)}"`).join(',')}}`],
        ),
      )
    ).map((row) => row.natural_key),
  );
  const rows: ActivityRow[] = [];
  // Authors are not asked to review their own MR; GitLab re-filters nothing for us.
  const fresh = nodes.filter(
    (node) =>
      !known.has(keyOf(node)) && node.author?.username.toLowerCase() !== teammate.username.toLowerCase(),
  );
  await runPool(fresh, 4, async (node) => {
    const iid = Number(node.iid);
    const request = await context.mergeRequests.reviewRequest(node.projectId, iid, teammate.userId);
    if (!request.requested) return;
    const activity = mapReviewRequest(
      factsOfNode(node),
      { userId: teammate.userId, requestedAt: request.at ?? node.createdAt, requestedAtUnknown: !request.at },
      context,
    );
    activity.project = activity.project ?? projectPathFromWebUrl(node.webUrl, context.baseUrl);
    rows.push({ ...activity, teammateId: teammate.teammateId });
  });
  return rows;
}

function factsOfNode(node: GitLabReviewRequestNode): MergeRequestFacts {
  const authorId = node.author?.id ? Number(gidNumber(node.author.id)) : Number.NaN;
  return {
    projectId: node.projectId,
    iid: Number(node.iid),
    title: node.title,
    webUrl: node.webUrl,
    sourceBranch: node.sourceBranch ?? null,
    createdAt: node.createdAt,
    authorId: Number.isInteger(authorId) ? authorId : null,
  };
}

async function restOfUserList(
  context: SyncRunContext,
  listName: 'reviewRequests' | 'authoredMergeRequests',
  wanted: ReviewRequestsWanted,
  first: CursorPage<GitLabReviewRequestNode>,
): Promise<GitLabReviewRequestNode[]> {
  const nodes = [...first.items];
  let page = first;
  while (page.hasNextPage && page.endCursor) {
    const next = await fetchActivityBatch(context.client, {
      [listName]: [{ ...wanted, after: page.endCursor }],
    });
    const found = next[listName].get(wanted.key);
    if (!found) break;
    nodes.push(...found.items);
    page = found;
  }
  return nodes;
}

async function restOfTimelogs(
  context: SyncRunContext,
  wanted: TimelogsWanted,
  first: CursorPage<GitLabTimelog>,
  outcome: StreamsOutcome,
): Promise<GitLabTimelog[]> {
  const nodes = [...first.items];
  if (!first.hasNextPage || !first.endCursor) return nodes;
  try {
    for await (const page of listTimelogs(context.client, { ...wanted, after: first.endCursor })) {
      nodes.push(...page.items);
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'GITLAB_TIMELOGS_UNAVAILABLE') {
      outcome.timelogsUnavailable = true;
      return nodes;
    }
    throw error;
  }
  return nodes;
}

async function restOfPipelines(
  context: SyncRunContext,
  wanted: PipelinesWanted,
  first: CursorPage<GitLabPipelineNode>,
): Promise<GitLabPipelineNode[]> {
  const nodes = [...first.items];
  if (!first.hasNextPage || !first.endCursor) return nodes;
  for await (const page of listProjectPipelines(context.client, wanted.fullPath, {
    username: wanted.username,
    updatedAfter: wanted.updatedAfter,
    after: first.endCursor,
  })) {
    nodes.push(...page.items);
  }
  return nodes;
}
