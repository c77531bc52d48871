import type { GitLabClient, Page } from './client.ts';
import { projectPath } from './project-path.ts';
import { commitSchema, type GitLabCommit } from './schemas.ts';

export interface ListCommitsOptions {
  /** Branch or tag; GitLab's default branch when omitted. */
  refName?: string;
  /** ISO 8601; commits committed at or after. */
  since?: string;
  until?: string;
  /** Lines added/removed per commit; default true. */
  withStats?: boolean;
  /** Every branch at once (GitLab then ignores `refName`): one listing serves a project's pushes. */
  all?: boolean;
}

/**
 * Commits of one branch (or of every branch with `all`), newest first. X-Total is never sent for commits, so nothing here relies
 * on it. `author` filters match git name/email, not GitLab usernames, so none is offered.
 */
export function listCommits(
  client: GitLabClient,
  projectId: number | string,
  options: ListCommitsOptions = {},
): AsyncGenerator<Page<GitLabCommit>, void, undefined> {
  // https://docs.gitlab.com/api/commits/#list-repository-commits
  return client.paginate(
    `${projectPath(projectId)}/repository/commits`,
    {
      ref_name: options.refName,
      since: options.since,
      until: options.until,
      with_stats: options.withStats ?? true,
      all: options.all ? true : undefined,
    },
    commitSchema,
    { endpoint: 'GET /projects/:id/repository/commits' },
  );
}

/** One commit, stats included. */
export function getCommit(
  client: GitLabClient,
  projectId: number | string,
  sha: string,
): Promise<GitLabCommit> {
  // https://docs.gitlab.com/api/commits/#get-a-single-commit
  return client.get(
    `${projectPath(projectId)}/repository/commits/${encodeURIComponent(sha)}`,
    { stats: true },
    commitSchema,
    {
      endpoint: 'GET /projects/:id/repository/commits/:sha',
    },
  );
}
