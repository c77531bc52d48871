import type { GitLabClient, Page } from './client.ts';
import { GitLabError } from './errors.ts';
import { BASELINE_FEATURES, type GraphqlFeatures } from './graphql-features.ts';
import { type CursorPage, paginateCursor } from './graphql-pagination.ts';
import { pipelineFields } from './graphql-selections.ts';
import { projectPath } from './project-path.ts';
import {
  type GitLabPipeline,
  type GitLabPipelineDetail,
  type GitLabPipelineNode,
  pipelineDetailSchema,
  pipelineSchema,
  projectPipelinesDataSchema,
} from './schemas.ts';

/** The operation name lets the fake GitLab (and GitLab's logs) tell queries apart. */
export function projectPipelinesQuery(features: GraphqlFeatures): string {
  return `query ActivityPulseProjectPipelines($fullPath: ID!, $username: String, $updatedAfter: Time, $after: String) {
  project(fullPath: $fullPath) {
    pipelines(username: $username, updatedAfter: $updatedAfter, first: 100, after: $after) {
      ${pipelineFields(features)}
    }
  }
}`;
}

export interface ListProjectPipelinesOptions {
  /** Only pipelines triggered by this user. */
  username?: string;
  /** ISO 8601 timestamp. */
  updatedAfter?: string;
  /** Resume after a saved cursor. */
  after?: string | null;
  /** What the server's schema has (graphqlFeaturesFor its version); the baseline when omitted. */
  features?: GraphqlFeatures;
}

/**
 * Pipelines of one project through GraphQL: duration, user and times included, 100 a page. REST
 * would need one extra request per pipeline for the duration.
 */
export function listProjectPipelines(
  client: GitLabClient,
  fullPath: string,
  options: ListProjectPipelinesOptions = {},
): AsyncGenerator<CursorPage<GitLabPipelineNode>, void, undefined> {
  return paginateCursor(
    async (after) => {
      // https://docs.gitlab.com/api/graphql/reference/#projectpipelines
      const data = await client.graphql(
        projectPipelinesQuery(options.features ?? BASELINE_FEATURES),
        { fullPath, username: options.username ?? null, updatedAfter: options.updatedAfter ?? null, after },
        projectPipelinesDataSchema,
        { endpoint: 'POST /api/graphql (project pipelines)' },
      );
      if (!data.project) {
        throw new GitLabError(
          'GITLAB_NOT_FOUND',
          `GitLab could not find the project ${fullPath}: check the path, and that the token's user can see it.`,
          {
            endpoint: 'POST /api/graphql (project pipelines)',
            detail: `project(fullPath: ${fullPath}) is null`,
          },
        );
      }
      return data.project.pipelines;
    },
    options.after ?? null,
    client.pageLimit('POST /api/graphql (project pipelines)'),
  );
}

/** REST fallback: no duration or user in the list. */
export function listProjectPipelinesRest(
  client: GitLabClient,
  projectId: number | string,
  options: { username?: string; updatedAfter?: string } = {},
): AsyncGenerator<Page<GitLabPipeline>, void, undefined> {
  // https://docs.gitlab.com/api/pipelines/#list-project-pipelines
  return client.paginate(
    `${projectPath(projectId)}/pipelines`,
    { username: options.username, updated_after: options.updatedAfter },
    pipelineSchema,
    { endpoint: 'GET /projects/:id/pipelines' },
  );
}

export function getPipeline(
  client: GitLabClient,
  projectId: number | string,
  pipelineId: number,
): Promise<GitLabPipelineDetail> {
  // https://docs.gitlab.com/api/pipelines/#get-a-single-pipeline
  return client.get(`${projectPath(projectId)}/pipelines/${pipelineId}`, {}, pipelineDetailSchema, {
    endpoint: 'GET /projects/:id/pipelines/:pipeline_id',
  });
}
