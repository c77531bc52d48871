import pRetry, { AbortError } from 'p-retry';
import type { CodedError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { redactValue } from '../lib/redact.ts';
import {
  AttemptFailure,
  type ExchangeSettings,
  type OutgoingRequest,
  type ReceivedResponse,
  sendAttempt,
} from './http-attempt.ts';
import type { RateLimitPacer } from './pacer.ts';
import type { RunBudget } from './request-limits.ts';
import { decideRetry, type RetryOptions, waitsPastDeadline } from './retry-policy.ts';

/** What the client counts over its life: requests sent, retries, 429s, list items skipped. */
export interface ClientStats {
  requests: number;
  retries: number;
  rateLimited: number;
  /** List items that did not match their schema, skipped (see GitLabClient.paginate). */
  unreadableItems: number;
}

export interface RequestRunnerParts {
  exchange: ExchangeSettings;
  token: string;
  host: string;
  retry: RetryOptions;
  pacer: RateLimitPacer;
  budget: RunBudget | undefined;
  logger: Logger | undefined;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
  stats: ClientStats;
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
 * One request to GitLab from start to answer: the run's budget, the pacer's slot, the attempt, and
 * retries as the pure policy (retry-policy.ts) decides; p-retry only executes them. The token never
 * leaves in an error message.
 */
export class RequestRunner {
  readonly #parts: RequestRunnerParts;

  constructor(parts: RequestRunnerParts) {
    this.#parts = parts;
  }

  async send(outgoing: OutgoingRequest): Promise<ReceivedResponse> {
    const { now, budget } = this.#parts;
    const started = now();
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
              elapsedMs: Math.max(waitedMs, now() - started),
              now: now(),
              options: this.#parts.retry,
              random: this.#parts.random,
              deadlineAt: budget?.deadlineAt,
            });
            if (decision.reason === 'past-deadline' && budget) {
              throw new AbortError(
                decision.header
                  ? budget.waitPastDeadlineError(this.#parts.host, decision.waitMs, decision.header)
                  : budget.deadlineError(this.#parts.host),
              );
            }
            if (!decision.retry) {
              if (attempt > 1)
                error.error.message += ` (gave up after ${attempt} attempts: ${decision.reason})`;
              throw new AbortError(this.#redact(error.error));
            }
            this.#parts.logger?.warn(
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
          retries: this.#parts.retry.maxAttempts,
          minTimeout: 0,
          onFailedAttempt: async ({ error }) => {
            if (!(error instanceof RetryLater)) return;
            this.#parts.stats.retries += 1;
            waitedMs += error.waitMs;
            if (error.waitMs > 0) await this.#parts.sleep(error.waitMs);
          },
          shouldRetry: ({ error }) => error instanceof RetryLater,
        },
      );
    } catch (error) {
      throw error instanceof RetryLater ? this.#redact(error.failure.error) : error;
    }
  }

  async #attempt(outgoing: OutgoingRequest, attempt: number): Promise<ReceivedResponse> {
    const { budget, pacer, host, stats } = this.#parts;
    budget?.take(host);
    const pacing = pacer.delayMs();
    if (budget && waitsPastDeadline(pacing, this.#parts.now(), budget.deadlineAt))
      throw budget.waitPastDeadlineError(host, pacing, 'RateLimit-Reset');
    await pacer.beforeRequest();
    stats.requests += 1;
    try {
      const response = await sendAttempt(outgoing, attempt, this.#parts.exchange);
      pacer.observe(response.headers);
      return response;
    } catch (error) {
      if (error instanceof AttemptFailure && error.headers) {
        if (error.status === 429) stats.rateLimited += 1;
        // A 429 is the retry policy's to wait out; pacing on it too would wait twice.
        else pacer.observe(error.headers);
      }
      throw error;
    } finally {
      pacer.settled();
    }
  }

  #redact<E extends CodedError>(error: E): E {
    error.message = redactValue(error.message, this.#parts.token);
    return error;
  }
}
