import type { GraphqlPageInfo } from './graphql-schemas.ts';
import { DEFAULT_REQUEST_LIMITS, tooManyPagesError } from './request-limits.ts';

/** One page of a GraphQL connection. */
export interface CursorPage<T> {
  items: T[];
  /** Counted from 1. */
  page: number;
  /** Cursor to resume after this page (save it to continue later); null when GitLab sent none. */
  endCursor: string | null;
  hasNextPage: boolean;
}

/**
 * Walks a GraphQL connection (`first: 100, after: $after`) page by page. `fetchPage` runs one query
 * for the given cursor and returns its nodes and pageInfo.
 */
export async function* paginateCursor<T>(
  fetchPage: (after: string | null) => Promise<{ nodes: T[]; pageInfo: GraphqlPageInfo } | null>,
  startAfter: string | null = null,
  /** A GitLab that always says hasNextPage with new cursors never ends by itself. */
  limit: { maxPages: number; where: string; endpoint: string } = {
    maxPages: DEFAULT_REQUEST_LIMITS.maxPages,
    where: 'GitLab',
    endpoint: 'POST /api/graphql',
  },
): AsyncGenerator<CursorPage<T>, void, undefined> {
  let after = startAfter;
  let page = 0;
  const seen = new Set<string>();
  while (true) {
    const connection = await fetchPage(after);
    if (!connection) return;
    page += 1;
    const { hasNextPage, endCursor } = connection.pageInfo;
    yield { items: connection.nodes, page, endCursor, hasNextPage };
    // A cursor seen before would loop forever; GitLab never does that, a broken proxy cache might.
    if (!hasNextPage || !endCursor || seen.has(endCursor)) return;
    seen.add(endCursor);
    if (page >= limit.maxPages) throw tooManyPagesError(limit.where, limit.endpoint, limit.maxPages);
    after = endCursor;
  }
}
