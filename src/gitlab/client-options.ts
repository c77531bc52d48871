import type { Dispatcher } from 'undici';
import type { Logger } from '../lib/logger.ts';
import type { ClientTimeouts, GitLabRequestEvent } from './http-attempt.ts';
import type { RateLimitPacer } from './pacer.ts';
import type { RequestLimits, RunBudget } from './request-limits.ts';
import type { RetryOptions } from './retry-policy.ts';

/** What a GitLabClient is built from, and the shapes of its requests and pages. */
export interface GitLabClientOptions {
  /** Normalized base URL without /api/v4 (see normalizeGitLabUrl). */
  baseUrl: string;
  token: string;
  /** createGitLabDispatcher(...) in production; any undici Dispatcher in tests. */
  dispatcher: Dispatcher;
  logger?: Logger;
  retry?: Partial<RetryOptions>;
  timeouts?: Partial<ClientTimeouts>;
  /** Per-request deadline, response-size cap, pages per listing (DEFAULT_REQUEST_LIMITS). */
  limits?: Partial<RequestLimits>;
  /** The run's request cap and deadline, shared by the run's clients (a sync); none for interactive use. */
  budget?: RunBudget;
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
