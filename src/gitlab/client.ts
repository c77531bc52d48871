import { setTimeout as delay } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { z } from 'zod';
import type { CodedError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { redactValue } from '../lib/redact.ts';
import type { GitLabClientOptions, Page, Query, RequestOptions } from './client-options.ts';
import { badResponseError } from './errors.ts';
import { errorFromGraphql, type GraphqlErrorEntry, graphqlEnvelopeSchema } from './graphql-errors.ts';
import {
  AttemptFailure,
  type ExchangeSettings,
  type OutgoingRequest,
  type ReceivedResponse,
  sendAttempt,
} from './http-attempt.ts';
import { headerInteger } from './http-headers.ts';
import { RateLimitPacer } from './pacer.ts';
import { nextPageUrl } from './pagination.ts';
import { DEFAULT_REQUEST_LIMITS, gitlabLabel, type RunBudget, tooManyPagesError } from './request-limits.ts';
import { DEFAULT_RETRY_OPTIONS, decideRetry, type RetryOptions, waitsPastDeadline } from './retry-policy.ts';

export type { GitLabClientOptions, Page, Query, QueryValue, RequestOptions } from './client-options.ts';
export type { ClientTimeouts, GitLabRequestEvent } from './http-attempt.ts';

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
  /** `unreadableItems`: list items that did not match their schema, skipped (see paginate). */
  readonly stats = { requests: 0, retries: 0, rateLimited: 0, unreadableItems: 0 };
  readonly #token: string;
  readonly #exchange: ExchangeSettings;
  readonly #logger: Logger | undefined;
  readonly #retry: RetryOptions;
  readonly #pacer: RateLimitPacer;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly #budget: RunBudget | undefined;
  readonly #maxPages: number;

  constructor(options: GitLabClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiUrl = `${this.baseUrl}/api/v4`;
    this.host = new URL(this.baseUrl).host;
    this.#token = options.token;
    const limits = { ...DEFAULT_REQUEST_LIMITS, ...options.limits };
    this.#budget = options.budget;
    this.#maxPages = limits.maxPages;
    this.#exchange = {
      dispatcher: options.dispatcher,
      token: options.token,
      host: this.host,
      timeouts: { headersMs: 30_000, bodyMs: 30_000, ...options.timeouts },
      limits,
      where: gitlabLabel(this.host, options.budget?.sourceName),
      budget: options.budget,
      onRequest: options.onRequest,
    };
    this.#logger = options.logger;
    this.#retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    const sleep = options.sleep ?? ((ms: number) => delay(ms));
    // A wait in progress ends at the run's deadline, with the deadline's message.
    this.#sleep = options.budget ? (ms) => options.budget!.cutShort(sleep(ms), this.host) : sleep;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#pacer = options.pacer ?? new RateLimitPacer({ now: this.#now, sleep: this.#sleep });
  }

  /** GET one resource from the REST API (`path` relative to /api/v4) and validate it. */
  async get<T>(path: string, query: Query, schema: z.ZodType<T>, options: RequestOptions = {}): Promise<T> {
    const endpoint = options.endpoint ?? `GET ${path}`;
    const response = await this.#send({ method: 'GET', url: this.#restUrl(path, query), endpoint });
    return this.#parse(schema, response.json, endpoint);
  }

  /** The page cap of this client's listings (GITLAB_MAX_PAGES), for a GraphQL connection too. */
  pageLimit(endpoint: string): { maxPages: number; where: string; endpoint: string } {
    return { maxPages: this.#maxPages, where: this.#exchange.where, endpoint };
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
      if (counted >= this.#maxPages) throw tooManyPagesError(this.#exchange.where, endpoint, this.#maxPages);
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
              deadlineAt: this.#budget?.deadlineAt,
            });
            if (decision.reason === 'past-deadline' && this.#budget) {
              throw new AbortError(
                decision.header
                  ? this.#budget.waitPastDeadlineError(this.host, decision.waitMs, decision.header)
                  : this.#budget.deadlineError(this.host),
              );
            }
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
    this.#budget?.take(this.host);
    const pacing = this.#pacer.delayMs();
    if (this.#budget && waitsPastDeadline(pacing, this.#now(), this.#budget.deadlineAt))
      throw this.#budget.waitPastDeadlineError(this.host, pacing, 'RateLimit-Reset');
    await this.#pacer.beforeRequest();
    this.stats.requests += 1;
    try {
      const response = await sendAttempt(outgoing, attempt, this.#exchange);
      this.#pacer.observe(response.headers);
      return response;
    } catch (error) {
      if (error instanceof AttemptFailure && error.headers) {
        if (error.status === 429) this.stats.rateLimited += 1;
        // A 429 is the retry policy's to wait out; pacing on it too would wait twice.
        else this.#pacer.observe(error.headers);
      }
      throw error;
    }
  }

  #redact<E extends CodedError>(error: E): E {
    error.message = redactValue(error.message, this.#token);
    return error;
  }
}
