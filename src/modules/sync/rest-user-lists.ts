import {
  type ActivityBatchResult,
  emptyActivityBatchResult,
  type GitLabMergeRequest,
  type GitLabReviewRequestNode,
  listMergeRequests,
} from '../../gitlab/index.ts';
import { runPool } from '../../lib/run-pool.ts';
import type { Wanted } from './graphql-batches.ts';
import type { StreamsContext } from './graphql-streams.ts';

/**
 * The merge requests awaiting a teammate's review, and their own, through REST, for a GitLab whose
 * GraphQL cannot list them (no `reviewRequestedMergeRequests` or no `updatedAfter` on it): the same
 * facts are in `GET /merge_requests?reviewer_username=` / `author_username=`. One request per 100
 * merge requests per list, shaped like the GraphQL nodes so they are stored the same way.
 */
export async function userListsViaRest(
  context: Pick<StreamsContext, 'client'>,
  entries: readonly Wanted[],
): Promise<ActivityBatchResult> {
  const result = emptyActivityBatchResult();
  await runPool([...entries], 2, async (entry) => {
    if (entry.kind !== 'reviews' && entry.kind !== 'authored') return;
    const nodes: GitLabReviewRequestNode[] = [];
    const username = entry.wanted.username;
    for await (const page of listMergeRequests(context.client, {
      ...(entry.kind === 'reviews' ? { reviewerUsername: username } : { authorUsername: username }),
      updatedAfter: entry.wanted.updatedAfter,
      state: 'all',
    })) {
      // GitLab ignores parameters it does not know: re-check who the list is about.
      for (const mr of page.items) if (concerns(mr, entry.kind, username)) nodes.push(nodeOf(mr));
    }
    const into = entry.kind === 'reviews' ? result.reviewRequests : result.authoredMergeRequests;
    into.set(entry.wanted.key, { items: nodes, page: 1, endCursor: null, hasNextPage: false });
  });
  return result;
}

function concerns(mr: GitLabMergeRequest, kind: 'reviews' | 'authored', username: string): boolean {
  const same = (other: string | undefined) => other?.toLowerCase() === username.toLowerCase();
  return kind === 'authored'
    ? same(mr.author.username)
    : (mr.reviewers ?? []).some((reviewer) => same(reviewer.username));
}

function nodeOf(mr: GitLabMergeRequest): GitLabReviewRequestNode {
  return {
    iid: String(mr.iid),
    projectId: mr.project_id,
    title: mr.title,
    webUrl: mr.web_url,
    createdAt: mr.created_at,
    updatedAt: mr.updated_at,
    sourceBranch: mr.source_branch,
    author: { id: `gid://gitlab/User/${mr.author.id}`, username: mr.author.username },
  };
}
