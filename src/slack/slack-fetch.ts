import {
  DEFAULT_SLACK_RETRY_LIMITS,
  type SlackAttemptOutcome,
  type SlackRetryLimits,
  slackMethodOf,
  slackRetryDecision,
} from './slack-retry-policy.ts';

type Fetch = typeof globalThis.fetch;

/**
 * How long one attempt may take, headers and body: web-api sets no deadline of its own, and a Slack
 * that stops answering would otherwise hold a listener (and shutdown) for ever.
 */
export const SLACK_ATTEMPT_TIMEOUT_MS = 15_000;

/**
 * The fetch every Slack call goes through (Web API clients and Bolt's respond()), carrying out
 * slackRetryDecision. A 429 that is not waited for is handed back as it is, so web-api
 * (`rejectRateLimitedCalls`) reports it as a rate-limit error with Slack's Retry-After.
 * https://docs.slack.dev/tools/node-slack-sdk/web-api#rate-limits
 */
export function slackFetch(
  options: {
    limits?: SlackRetryLimits;
    fetch?: Fetch;
    sleep?: (ms: number) => Promise<void>;
    attemptTimeoutMs?: number;
  } = {},
): Fetch {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? SLACK_ATTEMPT_TIMEOUT_MS;
  const limits = options.limits ?? DEFAULT_SLACK_RETRY_LIMITS;
  const fetchOnce = options.fetch ?? globalThis.fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = slackMethodOf(url);
    for (let attempt = 1; ; attempt += 1) {
      let outcome: SlackAttemptOutcome;
      let response: Response | undefined;
      try {
        // The deadline stays on the response, so it also ends a body that stops arriving.
        const deadline = AbortSignal.timeout(attemptTimeoutMs);
        const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
        response = await fetchOnce(input, { ...init, signal });
        const retryAfter = response.headers.get('retry-after');
        outcome = {
          kind: 'answered',
          status: response.status,
          ...(retryAfter === null ? {} : { retryAfterSeconds: Number(retryAfter) }),
        };
      } catch (error) {
        const decision = slackRetryDecision({ method, outcome: { kind: 'network-error' }, attempt, limits });
        if (!decision.retry) throw error;
        await sleep(decision.waitMs);
        continue;
      }
      const decision = slackRetryDecision({ method, outcome, attempt, limits });
      if (!decision.retry) return response;
      // The answer is dropped for another attempt: its body is consumed so the socket is freed.
      await response.body?.cancel().catch(() => undefined);
      await sleep(decision.waitMs);
    }
  };
}

/**
 * Web API client options for every client of the app: web-api's own retry is off (it repeats
 * posts and waits out a 429 for up to ~30 minutes); slackFetch decides instead.
 * https://docs.slack.dev/tools/node-slack-sdk/web-api#retries
 */
export function slackClientOptions(slackApiUrl: string, limits?: SlackRetryLimits) {
  return {
    slackApiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    fetch: slackFetch(limits ? { limits } : {}),
  };
}
