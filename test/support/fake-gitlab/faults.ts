/**
 * Misbehaviour the fake GitLab can be told to show. Each fault applies to matching requests,
 * `times` times (unlimited when omitted), in the order they were set; the first matching fault
 * that changes the response wins. `match` narrows a fault to some requests.
 */
export interface FaultMatch {
  method?: string;
  /** Route template such as 'GET /users/:id/events' or 'POST /api/graphql'. */
  endpoint?: string;
  /** Tested against the raw path, e.g. /api/v4/users/1/events. */
  path?: string | RegExp;
  /** Query parameters that must all be present with these values (e.g. `{ page: '3' }`). */
  query?: Record<string, string>;
}

export type FakeFault = (
  | {
      /** Answer with this status (429, 500, 502, 503, …), headers and body instead of the real answer. */
      kind: 'status';
      status: number;
      headers?: Record<string, string>;
      /** Sent as JSON unless it is a string. Defaults to GitLab's body for the status. */
      body?: unknown;
    }
  | { /** Destroy the socket without answering (the client sees a reset). */ kind: 'reset' }
  | { /** Wait this long before answering normally. */ kind: 'slow'; delayMs: number }
  | {
      /** Build pagination links with another origin, as GitLab behind a proxy may. */
      kind: 'foreign-next-link';
      origin: string;
    }
  | {
      /** Choose which pagination headers are sent (both by default). */
      kind: 'pagination-headers';
      link: boolean;
      xNextPage: boolean;
    }
  | {
      /** Answer 200 with this JSON instead of the real body (schema mismatch tests). */ kind: 'body';
      body: unknown;
    }
  | {
      /** Send the headers at once, then the real body one byte every `intervalMs`. */
      kind: 'drip';
      intervalMs: number;
    }
  | {
      /** Answer 200 with a valid JSON array of about `bytes` bytes, streamed. */
      kind: 'huge-body';
      bytes: number;
      /** Announce the size in Content-Length (else chunked, size unknown until read). */
      contentLength: boolean;
    }
  | { /** Every list page announces a next page (X-Next-Page and Link), forever. */ kind: 'endless-pages' }
  | {
      /** Answer 200 with the real JSON body changed by this function (part of an answer lost). */
      kind: 'transform';
      transform: (body: unknown) => unknown;
    }
) & { times?: number; match?: FaultMatch };

export const faults = {
  /** 429 with Retry-After (seconds) and, optionally, RateLimit-Reset. */
  rateLimited(times: number, options: { retryAfter?: number | string; reset?: number } = {}): FakeFault {
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['Retry-After'] = String(options.retryAfter);
    if (options.reset !== undefined) {
      headers['RateLimit-Limit'] = '600';
      headers['RateLimit-Remaining'] = '0';
      headers['RateLimit-Reset'] = String(options.reset);
    }
    return { kind: 'status', status: 429, headers, body: 'Retry later\n', times };
  },
  /** 429 as GitLab's Rack::Attack often sends it: plain text, no headers at all. */
  retryLater(times: number): FakeFault {
    return { kind: 'status', status: 429, body: 'Retry later\n', times };
  },
  serverError(status: 500 | 502 | 503 | 504, times: number): FakeFault {
    return { kind: 'status', status, times };
  },
  connectionReset(times: number): FakeFault {
    return { kind: 'reset', times };
  },
  slow(delayMs: number, times?: number): FakeFault {
    return times === undefined ? { kind: 'slow', delayMs } : { kind: 'slow', delayMs, times };
  },
  foreignNextLink(origin = 'http://gitlab.internal.invalid:8080'): FakeFault {
    return { kind: 'foreign-next-link', origin };
  },
  onlyXNextPage(): FakeFault {
    return { kind: 'pagination-headers', link: false, xNextPage: true };
  },
  onlyLinkHeader(): FakeFault {
    return { kind: 'pagination-headers', link: true, xNextPage: false };
  },
  drip(intervalMs: number, match?: FaultMatch): FakeFault {
    return match ? { kind: 'drip', intervalMs, match } : { kind: 'drip', intervalMs };
  },
  hugeBody(bytes: number, options: { contentLength?: boolean; match?: FaultMatch } = {}): FakeFault {
    const fault: FakeFault = { kind: 'huge-body', bytes, contentLength: options.contentLength ?? false };
    return options.match ? { ...fault, match: options.match } : fault;
  },
  endlessPages(match?: FaultMatch): FakeFault {
    return match ? { kind: 'endless-pages', match } : { kind: 'endless-pages' };
  },
  body(body: unknown, match?: FaultMatch): FakeFault {
    return match ? { kind: 'body', body, match } : { kind: 'body', body };
  },
  /** A GraphQL answer without one alias in `data` (the first query that has it). */
  graphqlAliasMissing(alias: string, times = 1): FakeFault {
    return {
      kind: 'transform',
      times,
      match: { endpoint: 'POST /api/graphql' },
      transform: (body) => {
        const data = (body as { data?: Record<string, unknown> | null }).data;
        if (data && alias in data) delete data[alias];
        return body;
      },
    };
  },
  /** A GraphQL answer whose `users(usernames:)` group `alias` lacks one user's list (the first query that has it). */
  graphqlGroupListMissing(alias: string, username: string, times = 1): FakeFault {
    return {
      kind: 'transform',
      times,
      match: { endpoint: 'POST /api/graphql' },
      transform: (body) => {
        const group = (body as { data?: Record<string, { nodes?: Array<Record<string, unknown>> }> | null })
          .data?.[alias];
        const node = group?.nodes?.find((entry) => entry['username'] === username);
        if (node) delete node['list'];
        return body;
      },
    };
  },
};

export interface FaultRequest {
  method: string;
  endpoint: string;
  path: string;
  query?: URLSearchParams;
}

export function faultMatches(fault: FakeFault, request: FaultRequest): boolean {
  if (fault.times !== undefined && fault.times <= 0) return false;
  const match = fault.match;
  if (!match) return true;
  if (match.method && match.method.toUpperCase() !== request.method) return false;
  if (match.endpoint && match.endpoint !== request.endpoint) return false;
  if (match.path instanceof RegExp && !match.path.test(request.path)) return false;
  if (typeof match.path === 'string' && match.path !== request.path) return false;
  for (const [name, value] of Object.entries(match.query ?? {})) {
    if (request.query?.get(name) !== value) return false;
  }
  return true;
}

/** The first active fault of one of these kinds for the request; uses up one of its `times`. */
export function takeFault<K extends FakeFault['kind']>(
  list: FakeFault[],
  request: FaultRequest,
  kinds: readonly K[],
): Extract<FakeFault, { kind: K }> | undefined {
  const fault = list.find(
    (candidate) => kinds.includes(candidate.kind as K) && faultMatches(candidate, request),
  );
  if (!fault) return undefined;
  if (fault.times !== undefined) fault.times -= 1;
  return fault as Extract<FakeFault, { kind: K }>;
}
