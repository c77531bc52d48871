import { type HttpHeaders, headerValue } from './http-headers.ts';

/**
 * Offset pagination as GitLab does it (https://docs.gitlab.com/api/rest/#pagination): follow the
 * `Link` header's rel="next", else `X-Next-Page`; stop when neither names a next page. A short page
 * is not the end: GitLab filters some lists (events, notes) after paging.
 */

/** `<https://…?page=2>; rel="next", <…>; rel="last"` → { next: 'https://…?page=2', last: '…' }. */
export function parseLinkHeader(value: string | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (!value) return links;
  for (const match of value.matchAll(/<([^>]*)>([^,<]*)/g)) {
    const [, target = '', params = ''] = match;
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(params)?.[1];
    if (!rel) continue;
    for (const name of rel.trim().toLowerCase().split(/\s+/)) links[name] ??= target;
  }
  return links;
}

/**
 * The URL of the next page, always on the configured API URL: behind a proxy GitLab may build
 * links with its internal host name, and the token must only ever go to the host the user
 * configured. `undefined` on the last page.
 */
export function nextPageUrl(current: URL, headers: HttpHeaders, apiUrl: string): URL | undefined {
  const link = parseLinkHeader(headerValue(headers, 'link'))['next'];
  const fromLink = link === undefined ? undefined : onConfiguredBase(link, current, apiUrl);
  if (fromLink) return fromLink;
  const nextPage = headerValue(headers, 'x-next-page')?.trim();
  if (!nextPage || !/^\d+$/.test(nextPage)) return undefined;
  const url = new URL(current);
  url.searchParams.set('page', nextPage);
  return url;
}

function onConfiguredBase(link: string, current: URL, apiUrl: string): URL | undefined {
  const parsed = URL.parse(link, current.href);
  if (!parsed) return undefined;
  const index = parsed.pathname.indexOf('/api/v4/');
  if (index < 0) return undefined;
  const url = new URL(`${apiUrl}${parsed.pathname.slice(index + '/api/v4'.length)}${parsed.search}`);
  // A proxy may drop per_page; the default (20) would quintuple the requests.
  if (url.searchParams.has('per_page') || current.searchParams.has('per_page')) {
    url.searchParams.set('per_page', current.searchParams.get('per_page') ?? '100');
  }
  return url;
}
