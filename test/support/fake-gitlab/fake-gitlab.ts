import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeFault, type FaultRequest, takeFault } from './faults.ts';
import { gitlabSchema, schemaVersionFor } from './graphql/schemas.ts';
import { dripBody, streamHugeJson } from './hostile.ts';
import { pageOf } from './offset-pages.ts';
import { matchRoute, type Route, type RouteResult } from './route.ts';
import { eventRoutes } from './routes/events.routes.ts';
import { graphqlRoute } from './routes/graphql.routes.ts';
import { issueRoutes } from './routes/issues.routes.ts';
import { mergeRequestRoutes } from './routes/merge-requests.routes.ts';
import { pipelineRoutes } from './routes/pipelines.routes.ts';
import { repositoryRoutes } from './routes/repository.routes.ts';
import { userRoutes } from './routes/users.routes.ts';
import type { FakeScenario } from './scenario.ts';
import { authenticate, RateLimiter, type RateLimitOptions } from './security.ts';
import { FakeWorld } from './world.ts';

/**
 * A GitLab on 127.0.0.1 that behaves like the real one where ActivityPulse cares: same paths,
 * auth errors, filters, pagination headers, rate limiting, and faults on demand.
 */
export interface FakeGitLabOptions {
  /** Added to every response. */
  latencyMs?: number;
  /** A token accepted for the scenario's first user with the api scope (when the scenario lists none). */
  token?: string;
  faults?: FakeFault[];
  rateLimit?: RateLimitOptions;
  /** Clock for token expiry and rate-limit windows (epoch ms). */
  now?: () => number;
}

export interface RecordedRequest {
  method: string;
  /** Raw path, e.g. /api/v4/users/1/events. */
  path: string;
  query: Record<string, string>;
  /** Route template, e.g. 'GET /users/:id/events' or 'POST /api/graphql'; '… (unmatched)' for 404s. */
  endpoint: string;
  /** 0 when the connection was reset. */
  status: number;
  /** GraphQL operation name (`query ActivityPulseTimelogs(…)`), when there is one. */
  operation?: string;
  /** The GraphQL query text, for tests that check which form of a query was sent. */
  graphqlQuery?: string;
  /** When the request arrived (performance.now()), for timelines in benchmarks. */
  at: number;
}

export interface FakeGitLab {
  /** http://127.0.0.1:<port>, without /api/v4. */
  url: string;
  scenario: FakeScenario;
  requests: RecordedRequest[];
  /** Requests to one endpoint template (all requests when omitted). */
  count(endpoint?: string): number;
  countsByEndpoint(): Record<string, number>;
  /** Replaces the active faults (no arguments: none). */
  setFault(...faults: FakeFault[]): void;
  addFault(...faults: FakeFault[]): void;
  close(): Promise<void>;
}

const REST_ROUTES: Route[] = [
  ...userRoutes,
  ...eventRoutes,
  ...mergeRequestRoutes,
  ...repositoryRoutes,
  ...issueRoutes,
  ...pipelineRoutes,
];

const DEFAULT_STATUS_BODIES: Record<number, unknown> = {
  429: 'Retry later\n',
  500: { message: '500 Internal Server Error' },
  502: '<html><body><h1>502 Bad Gateway</h1></body></html>\n',
  503: '<html><body><h1>503 Service Unavailable</h1></body></html>\n',
  504: '<html><body><h1>504 Gateway Time-out</h1></body></html>\n',
};

export async function createFakeGitLab(
  scenario: FakeScenario,
  options: FakeGitLabOptions = {},
): Promise<FakeGitLab> {
  const now = options.now ?? Date.now;
  const world = new FakeWorld(scenario);
  // Parse GitLab's schema now (it takes a moment): a request mid-test must not stall the process.
  gitlabSchema(schemaVersionFor(world.version));
  if (options.token && !scenario.tokens[options.token] && scenario.users[0]) {
    scenario.tokens[options.token] = { userId: scenario.users[0].id, scopes: ['api'] };
  }
  let faults: FakeFault[] = (options.faults ?? []).map((fault) => ({ ...fault }));
  const limiter = options.rateLimit ? new RateLimiter(options.rateLimit, now) : undefined;
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', world.webUrl);
    const body = await readBody(req);
    const matched =
      url.pathname === '/api/graphql'
        ? matchRoute([graphqlRoute], method, ['api', 'graphql'])
        : url.pathname.startsWith('/api/v4/')
          ? matchRoute(REST_ROUTES, method, segmentsOf(url.pathname.slice('/api/v4'.length)))
          : undefined;
    const endpoint = matched ? `${method} ${matched.route.pattern}` : `${method} ${url.pathname} (unmatched)`;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      endpoint,
      status: 0,
      at: performance.now(),
    };
    const operation = operationName(body);
    if (operation) record.operation = operation;
    const graphqlQuery = queryText(body);
    if (graphqlQuery) record.graphqlQuery = graphqlQuery;
    requests.push(record);
    const faultRequest: FaultRequest = { method, endpoint, path: url.pathname, query: url.searchParams };

    const send = async (
      status: number,
      payload: unknown,
      headers: Record<string, string> = {},
      limited = true,
      dripMs?: number,
    ) => {
      if (options.latencyMs) await wait(options.latencyMs);
      record.status = status;
      if (res.destroyed || res.writableEnded) return;
      const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
      const contentType = typeof payload === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
      res.writeHead(status, {
        'Content-Type': contentType,
        ...(limited ? limiter?.headers() : {}),
        ...headers,
      });
      if (dripMs === undefined) res.end(text);
      else await dripBody(res, text, dripMs, wait);
    };

    if (takeFault(faults, faultRequest, ['reset'])) {
      req.socket.destroy();
      return;
    }
    const slow = takeFault(faults, faultRequest, ['slow']);
    if (slow) await wait(slow.delayMs);
    const huge = takeFault(faults, faultRequest, ['huge-body']);
    if (huge) {
      record.status = 200;
      await streamHugeJson(res, huge.bytes, huge.contentLength);
      return;
    }
    const statusFault = takeFault(faults, faultRequest, ['status']);
    if (statusFault) {
      const payload = statusFault.body ??
        DEFAULT_STATUS_BODIES[statusFault.status] ?? { message: String(statusFault.status) };
      // Injected failures carry exactly the headers the fault names, not the limiter's.
      await send(statusFault.status, payload, statusFault.headers ?? {}, false);
      return;
    }
    if (limiter && !limiter.allow()) {
      await send(429, 'Retry later\n', limiter.retryAfterHeaders());
      return;
    }
    if (!matched) {
      await send(404, { error: '404 Not Found' });
      return;
    }
    const auth = authenticate(req.headers, scenario, matched.route.access, now());
    if (!auth.ok) {
      await send(auth.status, auth.body, auth.headers ?? {});
      return;
    }
    let parsedBody: unknown = null;
    if (body) {
      try {
        parsedBody = JSON.parse(body);
      } catch {
        await send(400, { error: 'Invalid JSON body' });
        return;
      }
    }
    const result = matched.route.handle({
      world,
      user: auth.user,
      token: auth.token,
      params: matched.params,
      query: url.searchParams,
      body: parsedBody,
      now: now(),
    });
    const answer = render(result, url, faultRequest);
    const replaced =
      answer.status === 200 ? takeFault(faults, faultRequest, ['body', 'transform']) : undefined;
    const drip = answer.status === 200 ? takeFault(faults, faultRequest, ['drip']) : undefined;
    const sent = !replaced
      ? answer.body
      : replaced.kind === 'body'
        ? replaced.body
        : replaced.transform(answer.body);
    await send(answer.status, sent, answer.headers, true, drip?.intervalMs);
  };

  const render = (result: RouteResult, url: URL, faultRequest: FaultRequest) => {
    if (result.kind === 'json')
      return { status: result.status ?? 200, body: result.body, headers: result.headers ?? {} };
    const foreign = takeFault(faults, faultRequest, ['foreign-next-link']);
    const headerChoice = takeFault(faults, faultRequest, ['pagination-headers']);
    const endless = takeFault(faults, faultRequest, ['endless-pages']);
    const page = pageOf(result.items, url, {
      totals: result.totals ?? true,
      linkOrigin: foreign?.origin ?? world.webUrl,
      link: headerChoice?.link ?? true,
      xNextPage: headerChoice?.xNextPage ?? true,
      endless: endless !== undefined,
    });
    const visible = result.visibleAfterPaging ? page.items.filter(result.visibleAfterPaging) : page.items;
    return { status: 200, body: visible.map(result.present), headers: page.headers };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: `500 Internal Server Error (fake: ${String(error)})` }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  world.webUrl = `http://127.0.0.1:${port}`;

  return {
    url: world.webUrl,
    scenario,
    requests,
    count: (endpoint) =>
      endpoint === undefined
        ? requests.length
        : requests.filter((request) => request.endpoint === endpoint).length,
    countsByEndpoint: () => {
      const counts: Record<string, number> = {};
      for (const request of requests) counts[request.endpoint] = (counts[request.endpoint] ?? 0) + 1;
      return counts;
    },
    setFault: (...next) => {
      faults = next.map((fault) => ({ ...fault }));
    },
    addFault: (...next) => {
      faults.push(...next.map((fault) => ({ ...fault })));
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function operationName(body: string): string | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const { operationName: named, query } = JSON.parse(body) as { operationName?: unknown; query?: unknown };
    if (typeof named === 'string' && named !== '') return named;
    return typeof query === 'string' ? /^\s*(?:query|mutation)\s+(\w+)/.exec(query)?.[1] : undefined;
  } catch {
    return undefined;
  }
}

function queryText(body: string): string | undefined {
  if (!body.startsWith('{')) return undefined;
  try {
    const { query } = JSON.parse(body) as { query?: unknown };
    return typeof query === 'string' ? query : undefined;
  } catch {
    return undefined;
  }
}

function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
