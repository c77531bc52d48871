/**
 * When a Slack Web API request may be sent again, as a pure decision (the fetch in
 * slack-fetch.ts only executes it). web-api's own retries are off: they would repeat a
 * chat.postMessage whose answer was lost (a digest posted twice) and wait out any 429 for ~30 min.
 * https://docs.slack.dev/apis/web-api/rate-limits
 */

/**
 * Methods whose repeat could do the thing twice, or that Slack allows once: a post, a modal on a
 * `trigger_id` (3 s, single use), the OAuth code exchange. Any URL that is not a Web API method
 * (a response_url) counts as one too.
 */
const NOT_REPEATABLE = new Set([
  'chat.postMessage',
  'chat.postEphemeral',
  'chat.scheduleMessage',
  'chat.update',
  'views.open',
  'views.push',
  'oauth.v2.access',
]);

export interface SlackRetryLimits {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** A Retry-After longer than this is not waited for: the caller gets Slack's rate-limit error. */
  maxRetryAfterMs: number;
}

export const DEFAULT_SLACK_RETRY_LIMITS: SlackRetryLimits = { maxAttempts: 3, maxRetryAfterMs: 30_000 };

export type SlackAttemptOutcome =
  | { kind: 'answered'; status: number; retryAfterSeconds?: number }
  | { kind: 'network-error' };

export type SlackRetryDecision = { retry: false } | { retry: true; waitMs: number };

/** The Web API method of a request URL (`…/api/users.info` → `users.info`), else undefined. */
export function slackMethodOf(url: string): string | undefined {
  const match = /\/api\/([a-zA-Z]+(?:\.[a-zA-Z]+)+)$/.exec(new URL(url).pathname);
  return match?.[1];
}

export function isRepeatable(method: string | undefined): boolean {
  return method !== undefined && !NOT_REPEATABLE.has(method);
}

/**
 * - 429 with Retry-After: Slack did nothing, so any method may be sent again once the wait is over —
 *   unless the wait is beyond the caller's budget (then Slack's answer goes back as it is).
 * - 429 without a usable Retry-After, 200 and 4xx: never (an `ok: false` answer such as
 *   `invalid_auth`, `token_revoked` or `account_inactive` comes with 200 and is final).
 * - 5xx and network errors: the request may have been carried out, so only methods that are safe to
 *   repeat (reads, views.publish) are sent again, after 0.5 s, 1 s.
 */
export function slackRetryDecision(input: {
  method: string | undefined;
  outcome: SlackAttemptOutcome;
  attempt: number;
  limits?: SlackRetryLimits;
}): SlackRetryDecision {
  const limits = input.limits ?? DEFAULT_SLACK_RETRY_LIMITS;
  if (input.attempt >= limits.maxAttempts) return { retry: false };
  const { outcome } = input;
  if (outcome.kind === 'answered' && outcome.status === 429) {
    const seconds = outcome.retryAfterSeconds;
    if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return { retry: false };
    const waitMs = seconds * 1000;
    return waitMs <= limits.maxRetryAfterMs ? { retry: true, waitMs } : { retry: false };
  }
  const uncertain = outcome.kind === 'network-error' || outcome.status >= 500;
  if (!uncertain || !isRepeatable(input.method)) return { retry: false };
  return { retry: true, waitMs: 500 * 2 ** (input.attempt - 1) };
}
