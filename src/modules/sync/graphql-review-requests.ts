import type { GitLabReviewRequestNode } from '../../gitlab/index.ts';
import { type ActivityRow, storedNaturalKeys } from '../activity/activity.repository.ts';
import type { MergeRequestFacts } from './gitlab-activity.mapper.ts';
import { gidNumber, mapReviewRequest, projectPathFromWebUrl } from './gitlab-resources.mapper.ts';
import type { StreamsContext } from './graphql-streams.ts';
import type { CursorWrite } from './sync-cursor.repository.ts';
import type { TeammateRef } from './teammate-events.ts';

/**
 * Review request lists are stored after every list of a GraphQL pass is read: when review was
 * requested is asked for all their merge requests at once (a handful of queries for a whole
 * team, issuable-lookups.ts), not batch by batch. Their cursors wait with them, so a run that
 * stops before reads the lists again next time: nothing lost, nothing doubled (natural keys).
 * They wait as `PendingNode`s, the few fields their rows need, not GitLab's whole nodes: a pass
 * holds every review list of the team until its end.
 */
export interface PendingReviewRequests {
  lists: Array<{ teammate: TeammateRef; nodes: PendingNode[] }>;
  cursors: CursorWrite[];
}

export type PendingNode = Pick<
  GitLabReviewRequestNode,
  'iid' | 'projectId' | 'title' | 'webUrl' | 'createdAt' | 'sourceBranch'
> & { author: { id?: string; username: string } | null };

/** What a review request's row needs of its merge request's node. */
export function pendingNode(node: GitLabReviewRequestNode): PendingNode {
  const { iid, projectId, title, webUrl, createdAt, sourceBranch, author } = node;
  return {
    iid,
    projectId,
    title,
    webUrl,
    createdAt,
    sourceBranch,
    author: author ? { id: author.id, username: author.username } : null,
  };
}

export function pendingReviewRequests(): PendingReviewRequests {
  return { lists: [], cursors: [] };
}

/**
 * Review requests not stored yet become mr_review_requested activities at the time review was
 * requested (review-request-notes.ts). Every list's requests are asked at once, so they share
 * the few GraphQL queries they need.
 */
export async function reviewRequestRows(
  context: StreamsContext,
  lists: ReadonlyArray<{ teammate: TeammateRef; nodes: PendingNode[] }>,
): Promise<ActivityRow[]> {
  const keyOf = (teammate: TeammateRef, node: PendingNode) =>
    `gitlab:${context.host}:mr_review_requested:${node.projectId}:${node.iid}:${teammate.userId}`;
  const keys = lists.flatMap(({ teammate, nodes }) => nodes.map((node) => keyOf(teammate, node)));
  if (keys.length === 0) return [];
  const known = await context.transaction((em) => storedNaturalKeys(em, context.workspaceId, keys));
  // Authors are not asked to review their own MR; GitLab re-filters nothing for us.
  const fresh = lists.flatMap(({ teammate, nodes }) =>
    nodes
      .filter(
        (node) =>
          !known.has(keyOf(teammate, node)) &&
          node.author?.username.toLowerCase() !== teammate.username.toLowerCase(),
      )
      .map((node) => ({ teammate, node })),
  );
  for (const { node } of fresh)
    context.projects.learn(node.projectId, projectPathFromWebUrl(node.webUrl, context.baseUrl));
  const rows: ActivityRow[] = [];
  await Promise.all(
    fresh.map(async ({ teammate, node }) => {
      const request = await context.issuables.reviewRequest(node.projectId, Number(node.iid), teammate);
      if (!request.requested || !request.at) return;
      const activity = mapReviewRequest(
        factsOfNode(node),
        { userId: teammate.userId, requestedAt: request.at },
        context,
      );
      activity.project = activity.project ?? projectPathFromWebUrl(node.webUrl, context.baseUrl);
      rows.push({ ...activity, teammateId: teammate.teammateId });
    }),
  );
  return rows;
}

export function factsOfNode(node: PendingNode | GitLabReviewRequestNode): MergeRequestFacts {
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
