import { GitLabError } from './errors.ts';

/**
 * Bounds on what one GitLab can cost us. Per request: an overall deadline (headers and body
 * together, so a server dripping a byte a second still ends), and a size cap enforced while the
 * body streams (a 50 MB answer would otherwise be buffered, decoded and parsed: ~12× its size in
 * memory). Per listing: a page cap (a GitLab that always sends X-Next-Page never ends by itself).
 * Per run (RunBudget): a request cap and a deadline, shared by every client of one source run.
 * Every limit, when hit, is a GitLabError whose message names the setting that raises it.
 */
export interface RequestLimits {
  /** Whole request, first byte sent to last byte read (GITLAB_REQUEST_TIMEOUT_MS). */
  totalMs: number;
  /** Largest answer read (GITLAB_MAX_RESPONSE_BYTES). */
  maxResponseBytes: number;
  /** Most pages read of one listing (GITLAB_MAX_PAGES). */
  maxPages: number;
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  totalMs: 60_000,
  maxResponseBytes: 10 * 1024 * 1024,
  maxPages: 1_000,
};

/** Who is talking to GitLab, for messages: the source's name when a sync runs, else the host. */
export function gitlabLabel(host: string, sourceName: string | undefined): string {
  return sourceName ? `GitLab source “${sourceName}” (${host})` : `GitLab at ${host}`;
}

export function requestTimeoutError(where: string, endpoint: string, totalMs: number): GitLabError {
  return new GitLabError(
    'GITLAB_REQUEST_TIMEOUT',
    `${where} took longer than ${humanDuration(totalMs)} to send its whole answer to ${endpoint}, so ActivityPulse stopped waiting (GITLAB_REQUEST_TIMEOUT_MS): GitLab or a proxy in front of it is very slow; the next sync tries again.`,
    { endpoint },
  );
}

export function responseTooLargeError(where: string, endpoint: string, maxBytes: number): GitLabError {
  return new GitLabError(
    'GITLAB_RESPONSE_TOO_LARGE',
    `${where} sent more than ${humanBytes(maxBytes)} for ${endpoint}, more than ActivityPulse reads in one answer (GITLAB_MAX_RESPONSE_BYTES), so the answer was dropped: check the GitLab or proxy in front of it, or raise the setting if pages this large are expected.`,
    { endpoint },
  );
}

export function tooManyPagesError(where: string, endpoint: string, maxPages: number): GitLabError {
  return new GitLabError(
    'GITLAB_TOO_MANY_PAGES',
    `${where} still announced a next page of ${endpoint} after ${maxPages} pages (GITLAB_MAX_PAGES), so ActivityPulse stopped reading it; what was read is kept. Raise the setting if the list really is that long, otherwise check the GitLab or proxy in front of it.`,
    { endpoint },
  );
}

export interface RunBudgetOptions {
  /** Requests allowed in the run, retries included (SYNC_MAX_REQUESTS_PER_RUN). */
  maxRequests: number;
  /** How long the run may take (SYNC_RUN_DEADLINE_MS). */
  deadlineMs: number;
  /** The data source's name, for messages. */
  sourceName?: string;
  now?: () => number;
}

/**
 * The requests and time one source's run may spend. `signal` aborts at the deadline, which cuts
 * requests in flight and waits in progress; `take` refuses the request past either limit.
 */
export class RunBudget {
  readonly maxRequests: number;
  readonly deadlineMs: number;
  readonly deadlineAt: number;
  readonly sourceName: string | undefined;
  readonly signal: AbortSignal;
  requests = 0;
  readonly #now: () => number;
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;

  constructor(options: RunBudgetOptions) {
    this.#now = options.now ?? Date.now;
    this.maxRequests = options.maxRequests;
    this.deadlineMs = options.deadlineMs;
    this.deadlineAt = this.#now() + options.deadlineMs;
    this.sourceName = options.sourceName;
    this.signal = this.#controller.signal;
    this.#timer = setTimeout(() => this.#controller.abort(), options.deadlineMs);
    this.#timer.unref();
  }

  get expired(): boolean {
    return this.signal.aborted || this.#now() >= this.deadlineAt;
  }

  /** Counts one request, or throws the limit it would break. */
  take(host: string): void {
    if (this.expired) throw this.deadlineError(host);
    if (this.requests >= this.maxRequests) {
      throw new GitLabError(
        'GITLAB_REQUEST_BUDGET',
        `The sync of ${this.#name()} made ${this.maxRequests} GitLab requests, the most one sync may make (SYNC_MAX_REQUESTS_PER_RUN), and stopped there: what was read is kept and the next sync continues from it. Raise the setting for a very large team; if this keeps happening with a small one, check ${host}.`,
      );
    }
    this.requests += 1;
  }

  deadlineError(host: string): GitLabError {
    return new GitLabError(
      'GITLAB_RUN_DEADLINE',
      `The sync of ${this.#name()} reached its ${humanDuration(this.deadlineMs)} limit (SYNC_RUN_DEADLINE_MS) and stopped: GitLab at ${host} answered too slowly. What was read is kept and the next sync continues from it.`,
    );
  }

  waitPastDeadlineError(host: string, waitMs: number, header: string): GitLabError {
    return new GitLabError(
      'GITLAB_WAIT_PAST_DEADLINE',
      `GitLab at ${host} asked to wait ${humanDuration(waitMs)} (${header}) before more requests, longer than the sync of ${this.#name()} may still run (SYNC_RUN_DEADLINE_MS), so it stopped instead of waiting: what was read is kept and the next sync continues from it. If this keeps happening, ask your GitLab administrator about the rate limits for this token.`,
    );
  }

  /** `wait`, cut short by the deadline (which then throws the deadline's error). */
  async cutShort(wait: Promise<void>, host: string): Promise<void> {
    if (this.signal.aborted) throw this.deadlineError(host);
    let reject: (error: Error) => void = () => undefined;
    const aborted = new Promise<never>((_, fail) => {
      reject = fail;
    });
    const onAbort = () => reject(this.deadlineError(host));
    this.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([wait, aborted]);
    } finally {
      this.signal.removeEventListener('abort', onAbort);
    }
  }

  /** Stops the deadline timer (the run is over). */
  dispose(): void {
    clearTimeout(this.#timer);
  }

  #name(): string {
    return this.sourceName ? `“${this.sourceName}”` : 'this source';
  }
}

/** 1500 → "1.5 s", 90 000 → "1.5 min", 86 400 000 → "24 h". */
export function humanDuration(ms: number): string {
  const trim = (value: number) => String(Math.round(value * 10) / 10);
  if (ms < 90_000) return `${trim(ms / 1000)} s`;
  if (ms < 90 * 60_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

/** 10 485 760 → "10 MB" (binary megabytes, as memory limits are written). */
export function humanBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;
}
