import { GitLabError } from './errors.ts';
import { type HttpHeaders, headerInteger } from './http-headers.ts';

/**
 * Keeps one source under GitLab's rate limit instead of bouncing off it. After each response the
 * pacer reads `RateLimit-Limit/Remaining/Reset`; once fewer than `threshold` of the window's
 * requests remain, the remaining ones are spread evenly until the reset, so a long sync slows down
 * rather than collecting 429s (which GitLab may answer with long bans). Without the headers
 * (self-managed with limits off) it never waits. The window is the one GitLab announces
 * (`RateLimit-Reset`): an hour on a self-managed GitLab configured per hour, not a minute. When
 * the next slot is further away than `maxWaitMs`, no request is sent before it: the caller gets
 * GITLAB_RATE_LIMITED saying until when, and the next sync continues.
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
  /** Milliseconds between requests until the window resets. */
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
  /** Total milliseconds this pacer has made requests wait. */
  waitedMs = 0;

  constructor(options: PacerOptions = {}) {
    this.#threshold = options.threshold ?? 0.1;
    this.#maxWaitMs = options.maxWaitMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Records the rate-limit headers of a response. */
  observe(headers: HttpHeaders): void {
    const limit = headerInteger(headers, 'ratelimit-limit');
    const remaining = headerInteger(headers, 'ratelimit-remaining');
    const reset = headerInteger(headers, 'ratelimit-reset');
    if (limit === undefined || remaining === undefined || reset === undefined || limit === 0) {
      this.#state = undefined;
      return;
    }
    if (remaining >= limit * this.#threshold) {
      this.#state = undefined;
      return;
    }
    const now = this.#now();
    const windowLeftMs = Math.max(0, reset * 1000 - now);
    const intervalMs = remaining > 0 ? windowLeftMs / remaining : windowLeftMs;
    this.#state = { intervalMs, nextAt: now + intervalMs, resetAt: reset * 1000 };
  }

  /** How long the next request would wait now, without waiting. */
  delayMs(): number {
    if (!this.#state) return 0;
    return Math.min(this.#maxWaitMs, Math.max(0, Math.ceil(this.#state.nextAt - this.#now())));
  }

  /** Waits until the next request may go; returns the milliseconds waited. */
  async beforeRequest(): Promise<number> {
    const state = this.#state;
    if (!state) return 0;
    const neededMs = Math.ceil(state.nextAt - this.#now());
    if (neededMs > this.#maxWaitMs) {
      const until = new Date(Math.max(state.nextAt, this.#now()));
      throw new GitLabError(
        'GITLAB_RATE_LIMITED',
        `GitLab's rate limit for this token is used up until ${until.toISOString().slice(11, 16)} UTC: the sync stops here and the next one continues where it stopped.`,
        {
          detail: `next request allowed at ${until.toISOString()}; window resets at ${new Date(state.resetAt).toISOString()}`,
        },
      );
    }
    const waitMs = this.delayMs();
    // Reserve the slot, so concurrent callers line up one interval apart until a response updates us.
    state.nextAt = Math.max(state.nextAt, this.#now()) + state.intervalMs;
    if (waitMs > 0) {
      this.waitedMs += waitMs;
      await this.#sleep(waitMs);
    }
    return waitMs;
  }
}
