import { GitLabError } from './errors.ts';
import { type HttpHeaders, headerInteger } from './http-headers.ts';

/**
 * Keeps one source under GitLab's rate limit instead of bouncing off it. After each response the
 * pacer reads `RateLimit-Limit/Remaining/Reset`
 * (https://docs.gitlab.com/user/gitlab_com/#rate-limits-on-gitlabcom). Requests already on their
 * way count against what remains (GitLab may not have counted them yet when it answered), so a
 * source synced by several teammates at once never spends a slot twice. Once fewer than
 * `threshold` of the window's requests remain, the remaining ones are spread evenly until the
 * reset; when none remain, nothing is sent before the reset. A long sync slows down rather than
 * collecting 429s (which GitLab may answer with long bans). Without the headers (self-managed with
 * limits off) it never waits. The window is the one GitLab announces (`RateLimit-Reset`): an hour
 * on a self-managed GitLab configured per hour, not a minute. When the next slot is further away
 * than `maxWaitMs`, no request is sent before it: the caller gets GITLAB_RATE_LIMITED saying until
 * when, and the next sync continues.
 */
export interface PacerOptions {
  /** Fraction of the limit below which pacing starts; default 0.1. */
  threshold?: number;
  /** Longest single wait; default 60 s. A longer one is refused with GITLAB_RATE_LIMITED. */
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface PacingState {
  limit: number;
  /** Requests this pacer may still start in the window: GitLab's remaining, less ours in flight. */
  available: number;
  /** Milliseconds between requests until the window resets (0: no spreading yet). */
  intervalMs: number;
  /** Earliest time the next request may start. */
  nextAt: number;
  /** When GitLab says the window resets (epoch ms). */
  resetAt: number;
}

export class RateLimitPacer {
  readonly #threshold: number;
  readonly #maxWaitMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;
  #state: PacingState | undefined;
  /** Requests given a slot by beforeRequest (waiting or sent) and not yet settled. */
  #inFlight = 0;
  /** The latest time a waiting request was promised it may go. */
  #promisedUntil = 0;
  /** Total milliseconds this pacer has made requests wait. */
  waitedMs = 0;

  constructor(options: PacerOptions = {}) {
    this.#threshold = options.threshold ?? 0.1;
    this.#maxWaitMs = options.maxWaitMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Records the rate-limit headers of a response, before its request is settled: the other
   * requests in flight are taken off what GitLab says remains.
   */
  observe(headers: HttpHeaders): void {
    const limit = headerInteger(headers, 'ratelimit-limit');
    const remaining = headerInteger(headers, 'ratelimit-remaining');
    const reset = headerInteger(headers, 'ratelimit-reset');
    const now = this.#now();
    if (limit === undefined || remaining === undefined || reset === undefined || limit === 0) {
      this.#state = undefined;
      return;
    }
    const resetAt = reset * 1000;
    // An answer from a window that has already reset says nothing about the new one.
    if (resetAt <= now) {
      this.#state = undefined;
      return;
    }
    const available = remaining - Math.max(0, this.#inFlight - 1);
    const intervalMs = this.#spreading(limit, available) ? (resetAt - now) / Math.max(1, available) : 0;
    // Slots already promised to waiting requests stay theirs: new ones come after them.
    const from = Math.max(now, this.#promisedUntil);
    this.#state = { limit, available, intervalMs, nextAt: from + intervalMs, resetAt };
  }

  /** A request started by beforeRequest has ended (answered, failed or cut). */
  settled(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
  }

  /** How long the next request would wait now, without waiting. */
  delayMs(): number {
    const state = this.#current();
    if (!state) return 0;
    const at = state.available <= 0 ? state.resetAt : state.nextAt;
    return Math.min(this.#maxWaitMs, Math.max(0, Math.ceil(at - this.#now())));
  }

  /** Waits until the next request may go and counts it in flight; returns the milliseconds waited. */
  async beforeRequest(): Promise<number> {
    const state = this.#current();
    if (!state) {
      this.#inFlight += 1;
      return 0;
    }
    const now = this.#now();
    const at = state.available <= 0 ? state.resetAt : state.nextAt;
    if (at - now > this.#maxWaitMs) {
      const until = new Date(Math.max(at, now));
      throw new GitLabError(
        'GITLAB_RATE_LIMITED',
        `GitLab's rate limit for this token is used up until ${until.toISOString().slice(11, 16)} UTC: the sync stops here and the next one continues where it stopped.`,
        {
          detail: `next request allowed at ${until.toISOString()}; window resets at ${new Date(state.resetAt).toISOString()}`,
        },
      );
    }
    const waitMs = Math.max(0, Math.ceil(at - now));
    // Reserve the slot, so concurrent callers line up one interval apart until a response updates us.
    state.available -= 1;
    state.nextAt = Math.max(state.nextAt, now) + state.intervalMs;
    if (state.available > 0 && this.#spreading(state.limit, state.available) && state.intervalMs === 0) {
      state.intervalMs = (state.resetAt - now) / state.available;
    }
    // Counted from its reservation: a response that arrives while this one waits must not hand
    // its slot to another request.
    this.#inFlight += 1;
    this.#promisedUntil = Math.max(this.#promisedUntil, at);
    if (waitMs > 0) {
      this.waitedMs += waitMs;
      try {
        await this.#sleep(waitMs);
      } catch (error) {
        // A wait cut short by the run's deadline sends nothing.
        this.#inFlight -= 1;
        throw error;
      }
    }
    return waitMs;
  }

  #spreading(limit: number, available: number): boolean {
    return available < limit * this.#threshold;
  }

  /** The pacing in force, or none once GitLab's window has reset. */
  #current(): PacingState | undefined {
    if (this.#state && this.#state.resetAt <= this.#now()) this.#state = undefined;
    return this.#state;
  }
}
