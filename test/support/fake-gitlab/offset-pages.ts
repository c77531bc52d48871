/**
 * GitLab's offset pagination: `page` and `per_page` (default 20, at most 100), answered with
 * X-Page, X-Per-Page, X-Next-Page, X-Prev-Page, X-Total, X-Total-Pages and a Link header.
 * X-Total/X-Total-Pages (and rel="last") are left out above 10,000 rows and for commits.
 */
export interface PageOptions {
  /** Whether this list reports totals (commits never do). */
  totals: boolean;
  /** Origin used in Link headers (a proxy may leak an internal host). */
  linkOrigin: string;
  link: boolean;
  xNextPage: boolean;
  /** A broken GitLab or proxy: always a next page, however far past the end. */
  endless?: boolean;
}

export interface PageSlice<T> {
  items: T[];
  headers: Record<string, string>;
}

const MAX_COUNTED_ROWS = 10_000;

export function pageOf<T>(all: T[], requestUrl: URL, options: PageOptions): PageSlice<T> {
  const perPage = clampPerPage(requestUrl.searchParams.get('per_page'));
  const page = Math.max(1, toInt(requestUrl.searchParams.get('page')) ?? 1);
  const start = (page - 1) * perPage;
  const items = all.slice(start, start + perPage);
  const hasNext = options.endless === true || all.length > start + perPage;
  const counted = options.totals && all.length <= MAX_COUNTED_ROWS;
  const totalPages = Math.max(1, Math.ceil(all.length / perPage));

  const headers: Record<string, string> = {
    'X-Page': String(page),
    'X-Per-Page': String(perPage),
    'X-Next-Page': options.xNextPage && hasNext ? String(page + 1) : '',
    'X-Prev-Page': page > 1 ? String(page - 1) : '',
  };
  if (counted) {
    headers['X-Total'] = String(all.length);
    headers['X-Total-Pages'] = String(totalPages);
  }
  if (options.link) {
    const link = (target: number, rel: string) =>
      `<${linkTo(requestUrl, options.linkOrigin, target, perPage)}>; rel="${rel}"`;
    const parts: string[] = [];
    if (page > 1) parts.push(link(page - 1, 'prev'));
    if (hasNext) parts.push(link(page + 1, 'next'));
    parts.push(link(1, 'first'));
    if (counted) parts.push(link(totalPages, 'last'));
    headers['Link'] = parts.join(', ');
  }
  return { items, headers };
}

function linkTo(requestUrl: URL, origin: string, page: number, perPage: number): string {
  const url = new URL(`${requestUrl.pathname}${requestUrl.search}`, origin);
  url.searchParams.set('page', String(page));
  url.searchParams.set('per_page', String(perPage));
  return url.toString();
}

function clampPerPage(value: string | null): number {
  const parsed = toInt(value);
  if (parsed === undefined || parsed < 1) return 20;
  return Math.min(parsed, 100);
}

function toInt(value: string | null): number | undefined {
  return value !== null && /^\d+$/.test(value) ? Number(value) : undefined;
}
