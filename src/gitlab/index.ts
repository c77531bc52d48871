/**
 * The GitLab client room: HTTP client, pagination, retry policy, pacing, SSRF guard and raw
 * response schemas. Knows nothing of ActivityPulse's domain; may import only config and lib.
 */
export {
  type ActivityBatch,
  type ActivityBatchResult,
  type BatchListName,
  type BatchListProblem,
  batchProjects,
  buildActivityBatchQuery,
  emptyActivityBatchResult,
  fetchActivityBatch,
  type GitLabReviewRequestNode,
  type PipelinesWanted,
  type ReviewRequestsWanted,
  reviewRequestNodeSchema,
  type TimelogsWanted,
} from './activity-batch.api.ts';
export { type NormalizedGitLabUrl, normalizeGitLabUrl, normalizeJiraUrl } from './base-url.ts';
export {
  type ClientTimeouts,
  GitLabClient,
  type GitLabClientOptions,
  type GitLabRequestEvent,
  type Page,
  type Query,
  type RequestOptions,
} from './client.ts';
export { getCommit, type ListCommitsOptions, listCommits } from './commits.api.ts';
export { errorFromResponse, GitLabError, type GitLabErrorCode, isGitLabError } from './errors.ts';
export { type ListUserEventsOptions, listUserEvents } from './events.api.ts';
export {
  BATCH_SHAPE_EMPTY,
  batchComplexity,
  connectionComplexity,
  MAX_QUERY_COMPLEXITY,
  PROJECT_COMPLEXITY,
  pipelineCountGroupComplexity,
  pipelinesListComplexity,
  projectGroupComplexity,
  selectionComplexity,
  timelogsListComplexity,
  userGroupComplexity,
  userMergeRequestListComplexity,
} from './graphql-complexity.ts';
export { GitLabGraphqlError } from './graphql-errors.ts';
export {
  BASELINE_FEATURES,
  CURRENT_FEATURES,
  type GraphqlFeatures,
  graphqlFeaturesFor,
  parseGitLabVersion,
} from './graphql-features.ts';
export { type CursorPage, paginateCursor } from './graphql-pagination.ts';
export {
  type GroupedListName,
  MAX_PROJECTS_PER_GROUP,
  MAX_USERS_PER_GROUP,
  type ProjectPipelinesGroup,
  type UserListGroup,
} from './grouped-lists.ts';
export { getIssue, type ListIssuesOptions, listIssues } from './issues.api.ts';
export {
  getMergeRequest,
  type ListMergeRequestsOptions,
  listMergeRequestApprovals,
  listMergeRequestNotes,
  listMergeRequestReviewers,
  listMergeRequests,
} from './merge-requests.api.ts';
export { type PacerOptions, RateLimitPacer } from './pacer.ts';
export { nextPageUrl, parseLinkHeader } from './pagination.ts';
export {
  countProjectPipelines,
  type PipelineCountGroup,
  pipelineCountQueries,
} from './pipeline-counts.api.ts';
export {
  getPipeline,
  type ListProjectPipelinesOptions,
  listProjectPipelines,
  listProjectPipelinesRest,
  projectPipelinesQuery,
} from './pipelines.api.ts';
export {
  buildProjectItemsQuery,
  fetchProjectItems,
  MAX_IIDS_PER_LIST,
  MERGE_REQUEST_NOTES_QUERY,
  type MergeRequestReviewInfo,
  type ProjectItems,
  type ProjectItemsResult,
  type ProjectItemsWanted,
  packProjectItems,
  projectItemsComplexity,
} from './project-items.api.ts';
export { getProject } from './projects.api.ts';
export {
  DEFAULT_REQUEST_LIMITS,
  type RequestLimits,
  RunBudget,
  type RunBudgetOptions,
} from './request-limits.ts';
export {
  DEFAULT_RETRY_OPTIONS,
  decideRetry,
  type RetryDecision,
  type RetryInput,
  type RetryOptions,
} from './retry-policy.ts';
export * from './schemas.ts';
export {
  type ConnectionReport,
  type ConnectionWarning,
  type ConnectionWarningCode,
  READ_API_PROBE_QUERY,
  testConnection,
} from './test-connection.ts';
export { type ListTimelogsOptions, listTimelogs, TIMELOGS_QUERY } from './timelogs.api.ts';
export { errorFromTransport } from './transport-errors.ts';
export {
  type AddressClass,
  classifyAddress,
  createGitLabDispatcher,
  type GitLabDispatcherOptions,
  type HostLookup,
  isForbiddenAddress,
  isHostAllowed,
} from './url-guard.ts';
export {
  findUserByUsername,
  getCurrentUser,
  getTokenSelf,
  getUser,
  getVersion,
  searchUsers,
  USER_SEARCH_PAGE_SIZE,
} from './users.api.ts';
