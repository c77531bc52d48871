import { type HttpHeaders, headerValue } from './http-headers.ts';

/**
 * When to try a GitLab request again, and how long to wait first. A pure function of what the
 * last attempt returned, so every rule has an exact unit test; the client only executes it.
 *
 * Order of preference for the wait: `Retry-After` (what the server asked for), then
 * `RateLimit-Reset` on a 429 (when the window reopens), then exponential backoff with full jitter.
 */

export interface RetryOptions {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Time one request may spend waiting between attempts. A server asking for more gives up at once. */
  maxTotalWaitMs: number;
  /** Backoff cap for attempt n is min(maxDelayMs, baseDelayMs * 2^(n-1)); the wait is random below it. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 5,
  maxTotalWaitMs: 60_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
};

export interface RetryInput {
  /** HTTP status of the failed attempt; absent when no response arrived. */
  status?: number | undefined;
  headers?: HttpHeaders | undefined;
  /** Transport error code (`ECONNRESET`, `UND_ERR_SOCKET`, …) when no response arrived. */
  errorCode?: string | undefined;
  /** Number of the attempt that just failed, starting at 1. */
  attempt: number;
  /** Time already spent waiting for this request (sum of earlier waits or wall time). */
  elapsedMs: number;
  /** Current time, epoch milliseconds (for HTTP-date `Retry-After` and `RateLimit-Reset`). */
  now: number;
  options?: Partial<RetryOptions> | undefined;
  /** Uniform in [0, 1); injectable so tests get exact numbers. */
  random?: (() => number) | undefined;
  /** When the run must be over (epoch ms): a wait ending later is not waited, it ends the run. */
  deadlineAt?: number | undefined;
}

export type RetryReason =
  | 'retry-after'
  | 'rate-limit-reset'
  | 'backoff'
  | 'not-retryable'
  | 'attempts-exhausted'
  | 'wait-budget-exhausted'
  | 'past-deadline';

export interface RetryDecision {
  retry: boolean;
  /** The wait; with `past-deadline`, the wait that was asked for (for the message). */
  waitMs: number;
  reason: RetryReason;
  /** With `past-deadline`: which header asked for the wait (`Retry-After`, `RateLimit-Reset`). */
  header?: string;
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** Transient transport failures; DNS failures, refused connections and TLS errors are not (a retry
 * cannot fix a wrong URL, and Test Connection should answer quickly). */
const RETRYABLE_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

export function isRetryableFailure(input: {
  status?: number | undefined;
  errorCode?: string | undefined;
}): boolean {
  if (input.status !== undefined) return RETRYABLE_STATUSES.has(input.status);
  return input.errorCode !== undefined && RETRYABLE_ERROR_CODES.has(input.errorCode);
}

export function decideRetry(input: RetryInput): RetryDecision {
  const options = { ...DEFAULT_RETRY_OPTIONS, ...input.options };
  if (!isRetryableFailure(input)) return { retry: false, waitMs: 0, reason: 'not-retryable' };
  if (input.attempt >= options.maxAttempts) return { retry: false, waitMs: 0, reason: 'attempts-exhausted' };

  const budgetLeft = options.maxTotalWaitMs - input.elapsedMs;
  const asked = serverRequestedWait(input);
  if (asked && waitsPastDeadline(asked.waitMs, input.now, input.deadlineAt)) {
    // A reset a day ahead would stall the run (and every source queued behind it) for a day.
    const header = asked.reason === 'retry-after' ? 'Retry-After' : 'RateLimit-Reset';
    return { retry: false, waitMs: asked.waitMs, reason: 'past-deadline', header };
  }
  if (asked) {
    // Retrying earlier than the server asked only earns another 429; waiting past the budget
    // would stall the whole sync, so give up and let the next run continue.
    if (asked.waitMs > budgetLeft) return { retry: false, waitMs: 0, reason: 'wait-budget-exhausted' };
    return { retry: true, ...asked };
  }

  if (budgetLeft <= 0) return { retry: false, waitMs: 0, reason: 'wait-budget-exhausted' };
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (input.attempt - 1));
  const random = input.random ?? Math.random;
  const waitMs = Math.min(Math.floor(random() * ceiling), budgetLeft);
  if (waitsPastDeadline(waitMs, input.now, input.deadlineAt))
    return { retry: false, waitMs, reason: 'past-deadline' };
  return { retry: true, waitMs, reason: 'backoff' };
}

/** Whether waiting `waitMs` from `now` ends after `deadlineAt` (never, without a deadline). */
export function waitsPastDeadline(waitMs: number, now: number, deadlineAt: number | undefined): boolean {
  return deadlineAt !== undefined && now + waitMs > deadlineAt;
}

function serverRequestedWait(input: RetryInput): { waitMs: number; reason: RetryReason } | undefined {
  const retryAfter = parseRetryAfter(headerValue(input.headers, 'retry-after'), input.now);
  if (retryAfter !== undefined) return { waitMs: retryAfter, reason: 'retry-after' };
  // RateLimit-Reset describes the rate-limit window; it says nothing about when a 5xx clears.
  if (input.status === 429) {
    const reset = parseRateLimitReset(headerValue(input.headers, 'ratelimit-reset'), input.now);
    if (reset !== undefined) return { waitMs: reset, reason: 'rate-limit-reset' };
  }
  return undefined;
}

/** `Retry-After`: delta seconds or an HTTP date. Returns milliseconds, or undefined when unusable. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.ceil(Number(text) * 1000);
  // HTTP dates always name the weekday or month; anything else ("-1", "10s") is not usable.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * `RateLimit-Reset`: GitLab sends unix seconds; the IETF draft sends seconds from now. Values that
 * cannot be a unix time (before 2001) are read as a delta. A reset already past gives no hint.
 */
export function parseRateLimitReset(value: string | undefined, now: number): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const seconds = Number(value.trim());
  const waitMs = seconds >= 1_000_000_000 ? seconds * 1000 - now : seconds * 1000;
  return waitMs > 0 ? waitMs : undefined;
}
