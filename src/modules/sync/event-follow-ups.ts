import {
  type GitLabClient,
  type GitLabCommit,
  type GitLabEvent,
  isGitLabError,
  listCommits,
} from '../../gitlab/index.ts';

/**
 * Pushes of one page of events as groups, and the commits of a group when the project's listing
 * for the run (project-commits.ts) cannot account for them: contiguous pushes to one branch become
 * ONE `ref_name=<from>..<to>&with_stats=true` listing; a new branch lists its newest commit_count
 * commits of `ref_name=<commit_to>`. Merge requests and issues are asked in issuable-lookups.ts.
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
