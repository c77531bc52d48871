import type { GraphqlFeatures } from './graphql-features.ts';

/**
 * The fields each GraphQL list asks for, by GitLab version. One place for the text, so the single
 * list queries, the batched query and the complexity estimate (graphql-complexity.ts) agree.
 */

export const PAGE_INFO_FIELDS = 'pageInfo { hasNextPage endCursor }';

export const TIMELOG_FIELDS = `nodes {
      id spentAt timeSpent summary
      user { username }
      issue { iid title webUrl projectId }
      mergeRequest { iid title webUrl projectId }
    }
    ${PAGE_INFO_FIELDS}`;

export const USER_MERGE_REQUEST_FIELDS = `nodes { iid projectId title webUrl createdAt updatedAt sourceBranch author { id username } }
      ${PAGE_INFO_FIELDS}`;

/** `source` only where the schema has it (16.8+): elsewhere the whole query would be refused. */
export function pipelineFields(features: GraphqlFeatures): string {
  const source = features.pipelineSource ? ' source' : '';
  return `nodes { id iid status duration startedAt finishedAt createdAt updatedAt ref sha${source} path user { username } }
      ${PAGE_INFO_FIELDS}`;
}
