import type { GitLabClient, Page } from './client.ts';
import { projectPath } from './project-path.ts';
import { type GitLabIssue, issueSchema } from './schemas.ts';

export interface ListIssuesOptions {
  authorUsername?: string;
  assigneeUsername?: string;
  /** ISO 8601 timestamp. */
  updatedAfter?: string;
  updatedBefore?: string;
  state?: 'opened' | 'closed' | 'all';
}

/** Issues across every project the token can see (`scope=all`; the default is only the token's own). */
export function listIssues(
  client: GitLabClient,
  options: ListIssuesOptions,
): AsyncGenerator<Page<GitLabIssue>, void, undefined> {
  // https://docs.gitlab.com/api/issues/#list-issues
  return client.paginate(
    '/issues',
    {
      scope: 'all',
      author_username: options.authorUsername,
      assignee_username: options.assigneeUsername,
      updated_after: options.updatedAfter,
      updated_before: options.updatedBefore,
      state: options.state,
      order_by: 'updated_at',
      sort: 'asc',
    },
    issueSchema,
    { endpoint: 'GET /issues' },
  );
}

export function getIssue(
  client: GitLabClient,
  projectId: number | string,
  iid: number,
): Promise<GitLabIssue> {
  // https://docs.gitlab.com/api/issues/#single-project-issue
  return client.get(`${projectPath(projectId)}/issues/${iid}`, {}, issueSchema, {
    endpoint: 'GET /projects/:id/issues/:iid',
  });
}
