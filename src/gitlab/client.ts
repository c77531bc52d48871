import { setTimeout as delay } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { type Dispatcher, request } from 'undici';
import { z } from 'zod';
import type { CodedError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { redactValue } from '../lib/redact.ts';
import { badResponseError, errorFromResponse, errorFromTransport, transportErrorCode } from './errors.ts';
import { errorFromGraphql, graphqlEnvelopeSchema } from './graphql-errors.ts';
import { type HttpHeaders, headerInteger } from './http-headers.ts';
import { RateLimitPacer } from './pacer.ts';
import { nextPageUrl } from './pagination.ts';
import { DEFAULT_RETRY_OPTIONS, decideRetry, type RetryOptions } from './retry-policy.ts';

export interface ClientTimeouts {
  /** Time until the response headers arrive; default 30 s. (Connect timeout: createGitLabDispatcher.) */
  headersMs: number;
  /** Longest silence while the body streams; default 30 s. */
  bodyMs: number;
}

export interface GitLabRequestEvent {
  method: string;
  endpoint: string;
  attempt: number;
  status: number | undefined;
  errorCode: string | undefined;
  durationMs: number;
}

export interface GitLabClientOptions {
  /** Normalized base URL without /api/v4 (see normalizeGitLabUrl). */
  baseUrl: string;
  token: string;
  /** createGitLabDispatcher(...) in production; any undici Dispatcher in tests. */
  dispatcher: Dispatcher;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeouts?: Partial<ClientTimeouts>;
  /** Shared per source when several clients talk to one GitLab with one token. */
  pacer?: RateLimitPacer;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
  /** Called after every HTTP attempt (metrics). */
  onRequest?: (event: GitLabRequestEvent) => void;
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

export interface Page<T> {
  items: T[];
  /** Page number (X-Page, else counted from 1). */
  page: number;
  /** X-Next-Page when GitLab sent one. */
  nextPage: number | undefined;
  /** X-Total; GitLab omits it above 10,000 rows and for commits. */
  total: number | undefined;
}

export interface RequestOptions {
  /** Endpoint template for messages and metrics, e.g. `GET /projects/:id/merge_requests/:iid`. */
  endpoint?: string;
}

interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: URL;
  endpoint: string;
  body?: string;
}

interface ReceivedResponse {
  status: number;
  headers: HttpHeaders;
  json: unknown;
}

/** One failed attempt, with what the retry policy needs to judge it. */
class AttemptFailure extends Error {
  readonly error: CodedError;
  readonly status: number | undefined;
  readonly headers: HttpHeaders | undefined;
  readonly errorCode: string | undefined;

  constructor(error: CodedError, facts: { status?: number; headers?: HttpHeaders; errorCode?: string }) {
    super(error.message);
    this.error = error;
    this.status = facts.status;
    this.headers = facts.headers;
    this.errorCode = facts.errorCode;
  }
}

class RetryLater extends Error {
  readonly failure: AttemptFailure;
  readonly waitMs: number;

  constructor(failure: AttemptFailure, waitMs: number) {
    super(failure.message);
    this.failure = failure;
    this.waitMs = waitMs;
  }
}

/**
 * The one way ActivityPulse talks to GitLab: token header, timeouts, pacing, retries by the pure
 * policy, pagination and zod validation. Knows nothing of ActivityPulse's domain.
 */
export class GitLabClient {
  readonly baseUrl: string;
  readonly apiUrl: string;
  readonly host: string;
  readonly stats = { requests: 0, retries: 0, rateLimited: 0 };
  readonly #token: string;
  readonly #dispatcher: Dispatcher;
  readonly #logger: Logger | undefined;
  readonly #retry: RetryOptions;
  readonly #timeouts: ClientTimeouts;
  readonly #pacer: RateLimitPacer;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #onRequest: ((event: GitLabRequestEvent) => void) | undefined;

  constructor(options: GitLabClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiUrl = `${this.baseUrl}/api/v4`;
    this.host = new URL(this.baseUrl).host;
    this.#token = options.token;
    this.#dispatcher = options.dispatcher;
    this.#logger = options.logger;
    this.#retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.#timeouts = { headersMs: 30_000, bodyMs: 30_000, ...options.timeouts };
    this.#sleep = options.sleep ?? ((ms) => delay(ms));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#pacer = options.pacer ?? new RateLimitPacer({ now: this.#now, sleep: this.#sleep });
    this.#onRequest = options.onRequest;
  }

  /** GET one resource from the REST API (`path` relative to /api/v4) and validate it. */
  async get<T>(path: string, query: Query, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    const endpoint = options.endpoint ?? `GET ${path}`;
    const response = await this.#send({ method: 'GET', url: this.#restUrl(path, query), endpoint });
    return this.#parse(schema, response.json, endpoint);
  }

  /** Every page of a REST list, 100 items at a time; each page validated item by item. */
  async *paginate<T>(
    path: string,
    query: Query,
    itemSchema: z.ZodType<T>,
    options: RequestOptions = {},
  ): AsyncGenerator<Page<T>, void, undefined> {
    const endpoint = options.endpoint ?? `GET ${path}`;
    const listSchema = z.array(itemSchema);
    const seen = new Set<string>();
    let url: URL | undefined = this.#restUrl(path, { ...query, per_page: 100 });
    let counted = 0;
    while (url) {
      if (seen.has(url.href))
        throw badResponseError(endpoint, 'the next-page link points back to a page already read');
      seen.add(url.href);
      const response = await this.#send({ method: 'GET', url, endpoint });
      const items = this.#parse(listSchema, response.json, endpoint);
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
    const url = new URL(`${this.baseUrl}/api/graphql`);
    const body = JSON.stringify({ query, variables });
    const response = await this.#send({ method: 'POST', url, endpoint, body });
    const envelope = this.#parse(graphqlEnvelopeSchema, response.json, endpoint);
    if (envelope.errors && envelope.errors.length > 0) throw errorFromGraphql(endpoint, envelope.errors);
    return this.#parse(schema, envelope.data, endpoint);
  }

  #restUrl(path: string, query: Query): URL {
    const url = new URL(`${this.apiUrl}${path.startsWith('/') ? path : `/${path}`}`);
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url;
  }

  #parse<T>(schema: z.ZodType<T>, value: unknown, endpoint: string): T {
    const result = schema.safeParse(value);
    if (!result.success) throw badResponseError(endpoint, result.error);
    return result.data;
  }

  async #send(outgoing: OutgoingRequest): Promise<ReceivedResponse> {
    const started = this.#now();
    let waitedMs = 0;
    try {
      return await pRetry(
        async (attempt) => {
          try {
            return await this.#attempt(outgoing, attempt);
          } catch (error) {
            if (!(error instanceof AttemptFailure)) throw new AbortError(error as Error);
            const decision = decideRetry({
              status: error.status,
              headers: error.headers,
              errorCode: error.errorCode,
              attempt,
              elapsedMs: Math.max(waitedMs, this.#now() - started),
              now: this.#now(),
              options: this.#retry,
              random: this.#random,
            });
            if (!decision.retry) {
              if (attempt > 1)
                error.error.message += ` (gave up after ${attempt} attempts: ${decision.reason})`;
              throw new AbortError(this.#redact(error.error));
            }
            this.#logger?.warn(
              {
                endpoint: outgoing.endpoint,
                attempt,
                status: error.status,
                errorCode: error.errorCode,
                ...decision,
              },
              'GitLab request failed; retrying',
            );
            throw new RetryLater(error, decision.waitMs);
          }
        },
        {
          // The policy decides; this bound only guards against a policy bug.
          retries: this.#retry.maxAttempts,
          minTimeout: 0,
          onFailedAttempt: async ({ error }) => {
            if (!(error instanceof RetryLater)) return;
            this.stats.retries += 1;
            waitedMs += error.waitMs;
            if (error.waitMs > 0) await this.#sleep(error.waitMs);
          },
          shouldRetry: ({ error }) => error instanceof RetryLater,
        },
      );
    } catch (error) {
      throw error instanceof RetryLater ? this.#redact(error.failure.error) : error;
    }
  }

  async #attempt(outgoing: OutgoingRequest, attempt: number): Promise<ReceivedResponse> {
    await this.#pacer.beforeRequest();
    this.stats.requests += 1;
    const context = {
      method: outgoing.method,
      path: outgoing.url.pathname,
      endpoint: outgoing.endpoint,
      host: this.host,
    };
    const startedAt = performance.now();
    const report = (status: number | undefined, errorCode: string | undefined) =>
      this.#onRequest?.({
        method: outgoing.method,
        endpoint: outgoing.endpoint,
        attempt,
        status,
        errorCode,
        durationMs: performance.now() - startedAt,
      });
    const transportFailure = (error: unknown, status?: number) => {
      const errorCode = transportErrorCode(error);
      report(status, errorCode);
      return new AttemptFailure(errorFromTransport(context, error), errorCode ? { errorCode } : {});
    };

    let response: Dispatcher.ResponseData;
    try {
      response = await request(outgoing.url, {
        dispatcher: this.#dispatcher,
        method: outgoing.method,
        headers: {
          'private-token': this.#token,
          accept: 'application/json',
          'user-agent': 'ActivityPulse',
          ...(outgoing.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(outgoing.body === undefined ? {} : { body: outgoing.body }),
        headersTimeout: this.#timeouts.headersMs,
        bodyTimeout: this.#timeouts.bodyMs,
      });
    } catch (error) {
      throw transportFailure(error);
    }
    const { statusCode: status } = response;
    const headers = response.headers as HttpHeaders;
    // A 429 is the retry policy's to wait out; pacing on it too would wait twice.
    if (status !== 429) this.#pacer.observe(headers);
    let bodyText: string;
    try {
      // Always read the body to the end, error or not: an unread body pins the connection.
      bodyText = await response.body.text();
    } catch (error) {
      throw transportFailure(error, status);
    }
    report(status, undefined);
    if (status === 429) this.stats.rateLimited += 1;
    if (status < 200 || status >= 300) {
      throw new AttemptFailure(errorFromResponse(context, { status, headers, bodyText }), {
        status,
        headers,
      });
    }
    try {
      return { status, headers, json: bodyText === '' ? null : JSON.parse(bodyText) };
    } catch (error) {
      const problem = `the body is not JSON (content-type ${String(headers['content-type'] ?? 'missing')})`;
      throw new AttemptFailure(badResponseError(outgoing.endpoint, problem, error), { status });
    }
  }

  #redact<E extends CodedError>(error: E): E {
    error.message = redactValue(error.message, this.#token);
    return error;
  }
}
