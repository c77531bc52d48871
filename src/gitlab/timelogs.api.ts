import type { GitLabClient } from './client.ts';
import { GitLabError } from './errors.ts';
import { GitLabGraphqlError } from './graphql-errors.ts';
import { type CursorPage, paginateCursor } from './graphql-pagination.ts';
import { TIMELOG_FIELDS } from './graphql-selections.ts';
import { type GitLabTimelog, timelogsDataSchema } from './schemas.ts';

export const TIMELOGS_QUERY = `query ActivityPulseTimelogs($username: String!, $startDate: Time!, $endDate: Time!, $after: String) {
  timelogs(username: $username, startDate: $startDate, endDate: $endDate, first: 100, after: $after) {
    ${TIMELOG_FIELDS}
  }
}`;

export interface ListTimelogsOptions {
  username: string;
  /** YYYY-MM-DD (inclusive) or ISO 8601. */
  startDate: string;
  /** YYYY-MM-DD (inclusive, whole day) or ISO 8601. */
  endDate: string;
  after?: string | null;
}

/**
 * Single time-tracking entries of one user. REST only has per-issue totals, so this is GraphQL;
 * GitLab versions without `Query.timelogs` (or its `username` argument) raise
 * GITLAB_TIMELOGS_UNAVAILABLE, which a sync reports instead of failing the whole run.
 */
export async function* listTimelogs(
  client: GitLabClient,
  options: ListTimelogsOptions,
): AsyncGenerator<CursorPage<GitLabTimelog>, void, undefined> {
  const endpoint = 'POST /api/graphql (timelogs)';
  const pages = paginateCursor(
    async (after) => {
      // https://docs.gitlab.com/api/graphql/reference/#querytimelogs
      const data = await client.graphql(
        TIMELOGS_QUERY,
        { username: options.username, startDate: options.startDate, endDate: options.endDate, after },
        timelogsDataSchema,
        { endpoint },
      );
      return data.timelogs;
    },
    options.after ?? null,
    client.pageLimit(endpoint),
  );
  try {
    yield* pages;
  } catch (error) {
    if (error instanceof GitLabGraphqlError && error.isUnknownField()) {
      throw new GitLabError(
        'GITLAB_TIMELOGS_UNAVAILABLE',
        'This GitLab version cannot list time-tracking entries per user (its GraphQL API has no timelogs query): time logged is left out of the activity until GitLab is upgraded.',
        { endpoint, detail: error.message, cause: error },
      );
    }
    throw error;
  }
}
