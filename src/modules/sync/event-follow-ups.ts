import {
  type GitLabClient,
  type GitLabCommit,
  type GitLabEvent,
  type GitLabMergeRequest,
  type GitLabMergeRequestReviewer,
  isGitLabError,
  listCommits,
  listMergeRequestReviewers,
  listProjectIssuesByIid,
  mergeRequestSchema,
} from '../../gitlab/index.ts';
import { projectPath } from '../../gitlab/project-path.ts';
import { type MergeRequestFacts, mergeRequestRef } from './gitlab-activity.mapper.ts';

/**
 * The few follow-up requests one page of events needs, each batched as far as GitLab allows:
 * - commits with lines ± by push group, when the project's listing for the run (project-commits.ts)
 *   cannot account for them: contiguous pushes to one branch become ONE
 *   `ref_name=<from>..<to>&with_stats=true` listing; a new branch lists its newest commit_count
 *   commits of `ref_name=<commit_to>`;
 * - merge request facts (branch, author, opened at, URL) by project: ONE `iids=1,2,3` listing;
 * - review requests (reviewers endpoint `created_at`) only for MRs the teammate reviewed.
 */

const ZERO_SHA = /^0+$/;

export interface PushGroup {
  projectId: number;
  ref: string;
  /** Null for a new branch. */
  from: string | null;
  to: string;
  /** Commits to take when `from` is null (a new branch). */
  count: number;
  events: GitLabEvent[];
}

/** Branch pushes with commits, in order, contiguous ones on the same branch merged into one range. */
export function groupPushes(events: readonly GitLabEvent[]): PushGroup[] {
  const groups: PushGroup[] = [];
  const open = new Map<string, PushGroup>();
  for (const event of events) {
    const push = event.push_data;
    const projectId = event.project_id;
    if (!push || projectId === null || projectId === undefined) continue;
    if (push.ref_type !== 'branch' || push.action === 'removed' || !push.commit_to || !push.ref) continue;
    if (push.commit_count <= 0) continue;
    const from = push.commit_from && !ZERO_SHA.test(push.commit_from) ? push.commit_from : null;
    const key = `${projectId}\u0000${push.ref}`;
    const previous = open.get(key);
    if (previous && from !== null && previous.to === from) {
      previous.to = push.commit_to;
      previous.count += push.commit_count;
      previous.events.push(event);
      continue;
    }
    const group: PushGroup = {
      projectId,
      ref: push.ref,
      from,
      to: push.commit_to,
      count: push.commit_count,
      events: [event],
    };
    groups.push(group);
    open.set(key, group);
  }
  return groups;
}

/** The commits of one push group, stats included; undefined when GitLab no longer has them. */
export async function commitsOfPushGroup(
  client: GitLabClient,
  group: PushGroup,
): Promise<GitLabCommit[] | undefined> {
  const refName = group.from ? `${group.from}..${group.to}` : group.to;
  const commits: GitLabCommit[] = [];
  try {
    for await (const page of listCommits(client, group.projectId, { refName, withStats: true })) {
      commits.push(...page.items);
      // A new branch: its newest commit_count commits are the pushed ones; older ones are history.
      if (!group.from && commits.length >= group.count) return commits.slice(0, group.count);
    }
  } catch (error) {
    // A deleted branch or rewritten history: the range is gone; the caller keeps the push head.
    if (isGitLabError(error, 'GITLAB_NOT_FOUND') || isGitLabError(error, 'GITLAB_BAD_REQUEST'))
      return undefined;
    throw error;
  }
  return group.from ? commits : commits.slice(0, group.count);
}

export function factsOf(mr: GitLabMergeRequest): MergeRequestFacts {
  return {
    projectId: mr.project_id,
    iid: mr.iid,
    title: mr.title,
    webUrl: mr.web_url,
    sourceBranch: mr.source_branch,
    createdAt: mr.created_at,
    authorId: mr.author.id,
  };
}

/**
 * When the issues of these `opened` events were created, by `projectId!iid`: one listing per
 * project, only for pages that have issue openings (a re-open is an `opened` event too).
 */
export async function issueCreationTimes(
  client: GitLabClient,
  events: readonly GitLabEvent[],
): Promise<Map<string, string>> {
  const wanted = new Map<number, Set<number>>();
  for (const event of events) {
    if (event.action_name !== 'opened' || !event.project_id || event.target_iid === null) continue;
    if (event.target_type !== 'Issue' && event.target_type !== 'WorkItem') continue;
    wanted.set(event.project_id, (wanted.get(event.project_id) ?? new Set()).add(event.target_iid));
  }
  const found = new Map<string, string>();
  await Promise.all(
    [...wanted].map(async ([projectId, iids]) => {
      const list = [...iids];
      try {
        for (let start = 0; start < list.length; start += 100) {
          const chunk = list.slice(start, start + 100);
          for await (const page of listProjectIssuesByIid(client, projectId, chunk)) {
            // GitLab ignores parameters it does not know: keep only what was asked for.
            for (const issue of page.items)
              if (chunk.includes(issue.iid))
                found.set(mergeRequestRef(projectId, issue.iid), issue.created_at);
          }
        }
      } catch (error) {
        // Gone or hidden: the event alone decides (counted as an opening).
        if (isGitLabError(error, 'GITLAB_NOT_FOUND') || isGitLabError(error, 'GITLAB_FORBIDDEN')) return;
        throw error;
      }
    }),
  );
  return found;
}

/** Merge requests of one project by iid, 100 per request (`iids` takes a comma-separated list). */
export async function mergeRequestsByIid(
  client: GitLabClient,
  projectId: number,
  iids: readonly number[],
): Promise<GitLabMergeRequest[]> {
  const found: GitLabMergeRequest[] = [];
  for (let start = 0; start < iids.length; start += 100) {
    const chunk = iids.slice(start, start + 100);
    try {
      // https://docs.gitlab.com/api/merge_requests/#list-project-merge-requests
      for await (const page of client.paginate(
        `${projectPath(projectId)}/merge_requests`,
        { iids: chunk.join(','), scope: 'all', state: 'all' },
        mergeRequestSchema,
        { endpoint: 'GET /projects/:id/merge_requests' },
      )) {
        // GitLab ignores parameters it does not know: keep only what was asked for.
        found.push(...page.items.filter((mr) => chunk.includes(mr.iid)));
      }
    } catch (error) {
      // The project went private or away: the activities keep what the events said.
      if (isGitLabError(error, 'GITLAB_NOT_FOUND') || isGitLabError(error, 'GITLAB_FORBIDDEN')) continue;
      throw error;
    }
  }
  return found;
}

/**
 * Merge request facts and reviewer lists, shared by every teammate of one run: an MR several
 * teammates touched (author, reviewers, merger) is asked about once.
 */
export class MergeRequestLookups {
  readonly #client: GitLabClient;
  readonly #facts = new Map<string, Promise<MergeRequestFacts | undefined>>();
  readonly #reviewers = new Map<string, Promise<GitLabMergeRequestReviewer[]>>();

  constructor(client: GitLabClient) {
    this.#client = client;
  }

  /** Facts learnt elsewhere (GraphQL lists): later look-ups need no request. */
  prime(facts: MergeRequestFacts): void {
    const ref = mergeRequestRef(facts.projectId, facts.iid);
    if (!this.#facts.has(ref)) this.#facts.set(ref, Promise.resolve(facts));
  }

  /** Facts of these MRs of one project: the unknown ones in one listing. */
  async facts(projectId: number, iids: readonly number[]): Promise<MergeRequestFacts[]> {
    const missing = iids.filter((iid) => !this.#facts.has(mergeRequestRef(projectId, iid)));
    if (missing.length > 0) {
      const listing = mergeRequestsByIid(this.#client, projectId, missing);
      for (const iid of missing) {
        this.#facts.set(
          mergeRequestRef(projectId, iid),
          listing.then((found) => {
            const mr = found.find((entry) => entry.iid === iid);
            return mr ? factsOf(mr) : undefined;
          }),
        );
      }
    }
    const all = await Promise.all(iids.map((iid) => this.#facts.get(mergeRequestRef(projectId, iid))));
    return all.filter((facts) => facts !== undefined);
  }

  /** When review was requested of `userId` on a merge request (at: null when GitLab does not say). */
  async reviewRequest(
    projectId: number,
    iid: number,
    userId: number,
  ): Promise<{ requested: boolean; at: string | null }> {
    const ref = mergeRequestRef(projectId, iid);
    let reviewers = this.#reviewers.get(ref);
    if (!reviewers) {
      reviewers = listMergeRequestReviewers(this.#client, projectId, iid).catch((error: unknown) => {
        if (isGitLabError(error, 'GITLAB_NOT_FOUND') || isGitLabError(error, 'GITLAB_FORBIDDEN')) return [];
        throw error;
      });
      this.#reviewers.set(ref, reviewers);
    }
    const mine = (await reviewers).find((reviewer) => reviewer.user.id === userId);
    return { requested: !!mine, at: mine?.created_at ?? null };
  }
}
