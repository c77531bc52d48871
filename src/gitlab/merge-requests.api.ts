import type { GitLabClient, Page } from './client.ts';
import { projectPath } from './project-path.ts';
import {
  type GitLabMergeRequest,
  type GitLabMergeRequestApprovals,
  type GitLabMergeRequestReviewer,
  type GitLabNote,
  mergeRequestApprovalsSchema,
  mergeRequestReviewerSchema,
  mergeRequestSchema,
  noteSchema,
} from './schemas.ts';

export interface ListMergeRequestsOptions {
  authorUsername?: string;
  reviewerUsername?: string;
  /** ISO 8601 timestamp. */
  updatedAfter?: string;
  updatedBefore?: string;
  state?: 'opened' | 'closed' | 'locked' | 'merged' | 'all';
}

/** Merge requests across every project the token can see (`scope=all`; the default is only the token's own). */
export function listMergeRequests(
  client: GitLabClient,
  options: ListMergeRequestsOptions,
): AsyncGenerator<Page<GitLabMergeRequest>, void, undefined> {
  // https://docs.gitlab.com/api/merge_requests/#list-merge-requests
  return client.paginate(
    '/merge_requests',
    {
      scope: 'all',
      author_username: options.authorUsername,
      reviewer_username: options.reviewerUsername,
      updated_after: options.updatedAfter,
      updated_before: options.updatedBefore,
      state: options.state,
      order_by: 'updated_at',
      sort: 'asc',
    },
    mergeRequestSchema,
    { endpoint: 'GET /merge_requests' },
  );
}

export function getMergeRequest(
  client: GitLabClient,
  projectId: number | string,
  iid: number,
): Promise<GitLabMergeRequest> {
  // https://docs.gitlab.com/api/merge_requests/#get-single-mr
  return client.get(`${projectPath(projectId)}/merge_requests/${iid}`, {}, mergeRequestSchema, {
    endpoint: 'GET /projects/:id/merge_requests/:iid',
  });
}

/** Who approved; credit only `approved_by` (GitLab says approved: true when no rules exist). */
export function listMergeRequestApprovals(
  client: GitLabClient,
  projectId: number | string,
  iid: number,
): Promise<GitLabMergeRequestApprovals> {
  // https://docs.gitlab.com/api/merge_request_approvals/#get-configuration-for-a-single-mr
  return client.get(
    `${projectPath(projectId)}/merge_requests/${iid}/approvals`,
    {},
    mergeRequestApprovalsSchema,
    {
      endpoint: 'GET /projects/:id/merge_requests/:iid/approvals',
    },
  );
}

export function listMergeRequestReviewers(
  client: GitLabClient,
  projectId: number | string,
  iid: number,
): Promise<GitLabMergeRequestReviewer[]> {
  // https://docs.gitlab.com/api/merge_requests/#get-single-mr-reviewers
  return client.get(
    `${projectPath(projectId)}/merge_requests/${iid}/reviewers`,
    {},
    mergeRequestReviewerSchema.array(),
    { endpoint: 'GET /projects/:id/merge_requests/:iid/reviewers' },
  );
}

/** Notes (comments and system notes) on a merge request, oldest first. */
export function listMergeRequestNotes(
  client: GitLabClient,
  projectId: number | string,
  iid: number,
): AsyncGenerator<Page<GitLabNote>, void, undefined> {
  // https://docs.gitlab.com/api/notes/#list-all-merge-request-notes
  return client.paginate(
    `${projectPath(projectId)}/merge_requests/${iid}/notes`,
    { sort: 'asc', order_by: 'created_at' },
    noteSchema,
    { endpoint: 'GET /projects/:id/merge_requests/:iid/notes' },
  );
}
