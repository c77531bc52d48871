import {
  type ActivityBatchResult,
  type CursorPage,
  fetchActivityBatch,
  type GitLabReviewRequestNode,
  type GitLabTimelog,
  listTimelogs,
  type ReviewRequestsWanted,
  type TimelogsWanted,
} from '../../gitlab/index.ts';
import { runPool } from '../../lib/run-pool.ts';
import type { ActivityRow, StoredActivity } from '../activity/activity.repository.ts';
import { upsertActivities } from '../activity/activity.repository.ts';
import { mapTimelog } from './gitlab-resources.mapper.ts';
import type { Wanted } from './graphql-batches.ts';
import { factsOfNode, type PendingReviewRequests, reviewRequestRows } from './graphql-review-requests.ts';
import type { StreamsContext, StreamsOutcome } from './graphql-streams.ts';
import { collectPipelines } from './pipeline-lists.ts';
import { type CursorWrite, saveCursors } from './sync-cursor.repository.ts';

/**
 * One batch's answer into rows and cursors: each list continued to its last page, then everything
 * stored in one transaction. Review request lists are handed to `reviews`, stored once every list
 * of the call is read (graphql-review-requests.ts). A list that came back incomplete stores what
 * came and keeps its cursor where it was, so the next sync reads it again.
 */
export async function storeBatch(
  context: StreamsContext,
  batch: Wanted[],
  result: ActivityBatchResult,
  outcome: StreamsOutcome,
  reviews: PendingReviewRequests,
): Promise<void> {
  const rows: ActivityRow[] = [];
  const cursors: CursorWrite[] = [];
  // A list that did not come back whole keeps its cursor: the next sync reads it again.
  const incomplete = new Set(result.problems.map((problem) => `${problem.list}\u0000${problem.key}`));
  // Lists continue concurrently; the rows are stored together.
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
      if (incomplete.has(`timelogs\u0000${entry.wanted.key}`)) return;
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
      const nodes = await restOfUserList(context, listName, entry.wanted, first, outcome);
      // What the lists say about each MR spares the events a REST call for it.
      for (const node of nodes) context.issuables.prime(factsOfNode(node));
      if (entry.kind === 'reviews') reviews.lists.push({ teammate: entry.teammate, nodes });
      if (incomplete.has(`${listName}\u0000${entry.wanted.key}`)) return;
      // A review list's cursor moves with its rows, once they are stored.
      (entry.kind === 'reviews' ? reviews.cursors : cursors).push({
        scope: entry.teammate.teammateId,
        resource: entry.kind === 'reviews' ? 'review_requests' : 'authored_merge_requests',
        position: context.runStartedAt,
        token: null,
      });
    } else {
      const first = result.pipelines.get(entry.wanted.key);
      if (!first) return;
      const complete = () => !incomplete.has(`pipelines\u0000${entry.wanted.key}`);
      await collectPipelines(context, entry, first, complete, { rows, cursors }, outcome);
    }
  };
  await runPool(batch, 4, collect);
  await storeRows(context, rows, cursors);
}

/** The pass's review requests and their lists' cursors, in one transaction. */
export async function storeReviewRequests(
  context: StreamsContext,
  pending: PendingReviewRequests,
): Promise<void> {
  if (pending.lists.length === 0 && pending.cursors.length === 0) return;
  await storeRows(context, await reviewRequestRows(context, pending.lists), pending.cursors);
  pending.lists.length = 0;
  pending.cursors.length = 0;
}

/** Rows and cursors in one transaction; the run counts what was stored. */
async function storeRows(
  context: StreamsContext,
  rows: ActivityRow[],
  cursors: CursorWrite[],
): Promise<void> {
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
 * Further pages of a list, one query each, until GitLab says there are no more. A page that comes
 * back broken stops the list there; its problem is reported (and the list's cursor kept back).
 */
async function restOfUserList(
  context: StreamsContext,
  listName: 'reviewRequests' | 'authoredMergeRequests',
  wanted: ReviewRequestsWanted,
  first: CursorPage<GitLabReviewRequestNode>,
  outcome: StreamsOutcome,
): Promise<GitLabReviewRequestNode[]> {
  const nodes = [...first.items];
  let page = first;
  while (page.hasNextPage && page.endCursor) {
    const next = await fetchActivityBatch(
      context.client,
      { [listName]: [{ ...wanted, after: page.endCursor }] },
      context.features,
    );
    outcome.problems.push(...next.problems);
    const found = next[listName].get(wanted.key);
    if (!found) break;
    nodes.push(...found.items);
    page = found;
  }
  return nodes;
}

async function restOfTimelogs(
  context: StreamsContext,
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
