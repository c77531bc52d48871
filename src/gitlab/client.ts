import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { GitLabClientOptions, Page, Query, RequestOptions } from './client-options.ts';
import { badResponseError } from './errors.ts';
import { errorFromGraphql, type GraphqlErrorEntry, graphqlEnvelopeSchema } from './graphql-errors.ts';
import type { OutgoingRequest, ReceivedResponse } from './http-attempt.ts';
import { headerInteger } from './http-headers.ts';
import { RateLimitPacer } from './pacer.ts';
import { nextPageUrl } from './pagination.ts';
import { DEFAULT_REQUEST_LIMITS, gitlabLabel, tooManyPagesError } from './request-limits.ts';
import { type ClientStats, RequestRunner } from './request-runner.ts';
import { DEFAULT_RETRY_OPTIONS } from './retry-policy.ts';

export type { GitLabClientOptions, Page, Query, QueryValue, RequestOptions } from './client-options.ts';
export type { ClientTimeouts, GitLabRequestEvent } from './http-attempt.ts';
export type { ClientStats } from './request-runner.ts';

/**
 * The one way ActivityPulse talks to GitLab: token header, timeouts, pacing, retries by the pure
 * policy (request-runner.ts), pagination and zod validation. Knows nothing of ActivityPulse's domain.
 */
export class GitLabClient {
  readonly baseUrl: string;
  readonly apiUrl: string;
  readonly host: string;
  readonly stats: ClientStats = { requests: 0, retries: 0, rateLimited: 0, unreadableItems: 0 };
  /** Shared per source; its `waitedMs` says how long pacing held requests back. */
  readonly pacer: RateLimitPacer;
  readonly #where: string;
  readonly #maxPages: number;
  readonly #runner: RequestRunner;

  constructor(options: GitLabClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiUrl = `${this.baseUrl}/api/v4`;
    this.host = new URL(this.baseUrl).host;
    const limits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
    this.#maxPages = limits.maxPages;
    this.#where = gitlabLabel(this.host, options.budget?.sourceName);
    const base = options.sleep ?? ((ms: number) => delay(ms));
    // A wait in progress ends at the run's deadline, with the deadline's message.
    const sleep = options.budget ? (ms: number) => options.budget!.cutShort(base(ms), this.host) : base;
    const now = options.now ?? Date.now;
    this.pacer = options.pacer ?? new RateLimitPacer({ now, sleep });
    this.#runner = new RequestRunner({
      exchange: {
        dispatcher: options.dispatcher,
        token: options.token,
        host: this.host,
        timeouts: { headersMs: 30_000, bodyMs: 30_000, ...options.timeouts },
        limits,
        where: this.#where,
        budget: options.budget,
        onRequest: options.onRequest,
      },
      token: options.token,
      host: this.host,
      retry: { ...DEFAULT_RETRY_OPTIONS, ...options.retry },
      pacer: this.pacer,
      budget: options.budget,
      logger: options.logger,
      sleep,
      random: options.random ?? Math.random,
      now,
      stats: this.stats,
    });
  }

  /** GET one resource from the REST API (`path` relative to /api/v4) and validate it. */
  async get<T>(path: string, query: Query, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    const endpoint = options.endpoint ?? `GET ${path}`;
    const response = await this.#send({ method: 'GET', url: this.#restUrl(path, query), endpoint });
    return this.#parse(schema, response.json, endpoint);
  }

  /** The page cap of this client's listings (GITLAB_MAX_PAGES), for a GraphQL connection too. */
  pageLimit(endpoint: string): { maxPages: number; where: string; endpoint: string } {
    return { maxPages: this.#maxPages, where: this.#where, endpoint };
  }

  /** Every page of a REST list, 100 items at a time; each page validated item by item. */
  async *paginate<T>(
    path: string,
    query: Query,
    itemSchema: z.ZodType<T>,
    options: RequestOptions = {},
  ): AsyncGenerator<Page<T>, void, undefined> {
    const endpoint = options.endpoint ?? `GET ${path}`;
    const listSchema = z.array(z.unknown());
    const seen = new Set<string>();
    let url: URL | undefined = this.#restUrl(path, { ...query, per_page: 100 });
    let counted = 0;
    while (url) {
      if (counted >= this.#maxPages) throw tooManyPagesError(this.#where, endpoint, this.#maxPages);
      if (seen.has(url.href))
        throw badResponseError(endpoint, 'the next-page link points back to a page already read');
      seen.add(url.href);
      const response = await this.#send({ method: 'GET', url, endpoint });
      // One item GitLab sends in a shape we cannot read is skipped and counted, never the page.
      const items: T[] = [];
      for (const raw of this.#parse(listSchema, response.json, endpoint)) {
        const item = itemSchema.safeParse(raw);
        if (item.success) items.push(item.data);
        else this.stats.unreadableItems += 1;
      }
      counted += 1;
      const next = nextPageUrl(url, response.headers, this.apiUrl);
      yield {
        items,
        page: headerInteger(response.headers, 'x-page') ?? counted,
        nextPage: headerInteger(response.headers, 'x-next-page'),
        total: headerInteger(response.headers, 'x-total'),
      };
      url = next;
    }
  }

  /** POST a query to /api/graphql; GraphQL `errors` become a GitLabGraphqlError. */
  async graphql<T>(
    query: string,
    variables: Record<string, unknown>,
    schema: z.ZodType<T>,
    options: RequestOptions = {},
  ): Promise<T> {
    const endpoint = options.endpoint ?? 'POST /api/graphql';
    const envelope = await this.graphqlEnvelope(query, variables, { ...options, endpoint });
    if (envelope.errors.length > 0) throw errorFromGraphql(endpoint, envelope.errors);
    return this.#parse(schema, envelope.data, endpoint);
  }

  /** POST a query; `data` and `errors` as GitLab sent them (errors on some fields beside partial data). */
  async graphqlEnvelope(
    query: string,
    variables: Record<string, unknown>,
    options: RequestOptions = {},
  ): Promise<{ data: unknown; errors: GraphqlErrorEntry[] }> {
    const endpoint = options.endpoint ?? 'POST /api/graphql';
    const url = new URL(`${this.baseUrl}/api/graphql`);
    const body = JSON.stringify({ query, variables });
    const response = await this.#send({ method: 'POST', url, endpoint, body });
    const envelope = this.#parse(graphqlEnvelopeSchema, response.json, endpoint);
    return { data: envelope.data ?? null, errors: envelope.errors ?? [] };
  }

  #restUrl(path: string, query: Query): URL {
    const url = new URL(`${this.apiUrl}${path.startsWith('/') ? path : `/${path}`}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url;
  }

  #send(outgoing: OutgoingRequest): Promise<ReceivedResponse> {
    return this.#runner.send(outgoing);
  }

  #parse<T>(schema: z.ZodType<T>, value: unknown, endpoint: string): T {
    const result = schema.safeParse(value);
    if (!result.success) throw badResponseError(endpoint, result.error);
    return result.data;
  }
}
