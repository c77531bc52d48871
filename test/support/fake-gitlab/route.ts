import type { FakeToken, FakeUser } from './scenario.ts';
import type { FakeWorld } from './world.ts';

/** Which token scopes open a route (GitLab: read_user also opens /user and /users). */
export type RouteAccess = 'read_api' | 'read_user' | 'any';

export interface RouteContext {
  world: FakeWorld;
  user: FakeUser;
  token: FakeToken;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body of a POST. */
  body: unknown;
  now: number;
}

export type RouteResult =
  | { kind: 'json'; status?: number; body: unknown; headers?: Record<string, string> }
  | {
      kind: 'list';
      items: unknown[];
      present: (item: unknown) => unknown;
      /** Commits never report totals. */
      totals?: boolean;
      /** Applied after paging, as GitLab filters events and notes by visibility. */
      visibleAfterPaging?: (item: unknown) => boolean;
    };

export interface Route {
  method: 'GET' | 'POST';
  /** Path under /api/v4 (or /api/graphql itself), segments starting with ':' are parameters. */
  pattern: string;
  access: RouteAccess;
  handle: (context: RouteContext) => RouteResult;
}

export function json(body: unknown, status = 200): RouteResult {
  return { kind: 'json', status, body };
}

export function notFound(what: string): RouteResult {
  return json({ message: `404 ${what} Not Found` }, 404);
}

export function list<T>(
  items: T[],
  present: (item: T) => unknown,
  options: { totals?: boolean; visibleAfterPaging?: (item: T) => boolean } = {},
): RouteResult {
  return {
    kind: 'list',
    items,
    present: present as (item: unknown) => unknown,
    ...(options.totals === undefined ? {} : { totals: options.totals }),
    ...(options.visibleAfterPaging
      ? { visibleAfterPaging: options.visibleAfterPaging as (item: unknown) => boolean }
      : {}),
  };
}

/** Newest first unless `sort=asc`, by the given timestamp then id. */
export function sortBy<T>(
  items: T[],
  key: (item: T) => string,
  id: (item: T) => number,
  sort: string | null,
): T[] {
  const direction = sort === 'asc' ? 1 : -1;
  // Keys computed once per item, not once per comparison: the same comparisons, the same order.
  const keyed = items.map((item) => ({ item, time: Date.parse(key(item)), id: id(item) }));
  keyed.sort((a, b) => {
    const byTime = a.time - b.time;
    return direction * (byTime !== 0 ? byTime : a.id - b.id);
  });
  return keyed.map((entry) => entry.item);
}

/** GitLab parses ISO 8601 timestamps; an unparsable value is ignored like an unknown parameter. */
export function timeParam(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (!value) return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export function matchRoute(
  routes: readonly Route[],
  method: string,
  segments: string[],
): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const parts = route.pattern.split('/').filter(Boolean);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matched = parts.every((part, index) => {
      const segment = segments[index] ?? '';
      if (part.startsWith(':')) {
        params[part.slice(1)] = segment;
        return segment !== '';
      }
      return part === segment;
    });
    if (matched) return { route, params };
  }
  return undefined;
}
