import type { z } from 'zod';
import { CodedError } from '../lib/errors.ts';
import { type HttpHeaders, headerValue } from './http-headers.ts';

/**
 * Every failure of a GitLab call becomes a `GitLabError` with a stable code, a `userMessage` that
 * tells a Slack user what to fix, and a `message` for logs naming method and path (never the
 * query string, never the token).
 */
export type GitLabErrorCode =
  | 'GITLAB_BAD_TOKEN'
  | 'GITLAB_TOKEN_EXPIRED'
  | 'GITLAB_TOKEN_REVOKED'
  | 'GITLAB_MISSING_SCOPE'
  | 'GITLAB_FORBIDDEN'
  | 'GITLAB_NOT_FOUND'
  | 'GITLAB_BAD_REQUEST'
  | 'GITLAB_REDIRECTED'
  | 'GITLAB_UNREACHABLE'
  | 'GITLAB_TLS'
  | 'GITLAB_RATE_LIMITED'
  | 'GITLAB_SERVER_ERROR'
  | 'GITLAB_BAD_RESPONSE'
  | 'GITLAB_GRAPHQL_ERROR'
  | 'GITLAB_TIMELOGS_UNAVAILABLE'
  | 'GITLAB_REQUEST_TIMEOUT'
  | 'GITLAB_RESPONSE_TOO_LARGE'
  | 'GITLAB_TOO_MANY_PAGES'
  | 'GITLAB_REQUEST_BUDGET'
  | 'GITLAB_RUN_DEADLINE'
  | 'GITLAB_WAIT_PAST_DEADLINE'
  | 'GITLAB_TOO_OLD';

export class GitLabError extends CodedError {
  override readonly code: GitLabErrorCode;
  /** HTTP status when GitLab answered. */
  readonly status: number | undefined;
  /** Endpoint template such as `GET /projects/:id/merge_requests/:iid`. */
  readonly endpoint: string | undefined;

  constructor(
    code: GitLabErrorCode,
    userMessage: string,
    options: { status?: number; endpoint?: string; detail?: string; cause?: unknown } = {},
  ) {
    super(code, userMessage, {
      detail: options.detail ?? userMessage,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'GitLabError';
    this.code = code;
    this.status = options.status;
    this.endpoint = options.endpoint;
  }
}

export function isGitLabError(error: unknown, code?: GitLabErrorCode): error is GitLabError {
  return error instanceof GitLabError && (code === undefined || error.code === code);
}

export interface RequestContext {
  method: string;
  /** Path without query string, e.g. `/api/v4/users/12/events`. */
  path: string;
  endpoint: string;
  /** Host the request went to (for "could not reach …" messages). */
  host: string;
}

const NEW_TOKEN = 'create a new personal access token with the read_api scope and edit the source';

export function errorFromResponse(
  context: RequestContext,
  response: { status: number; headers?: HttpHeaders; bodyText: string },
): GitLabError {
  const { status } = response;
  const body = parseErrorBody(response.bodyText);
  const described = [body.error, body.error_description, body.message].filter(Boolean).join(': ');
  const detail = `${context.method} ${context.path} answered ${status}${described ? ` (${clip(described)})` : ''}`;
  const base = { status, endpoint: context.endpoint, detail };
  const authenticate = headerValue(response.headers, 'www-authenticate') ?? '';
  const description = `${body.error_description ?? ''} ${authenticate}`.toLowerCase();

  if (status === 401) {
    if (description.includes('expired')) {
      return new GitLabError('GITLAB_TOKEN_EXPIRED', `The GitLab token has expired: ${NEW_TOKEN}.`, base);
    }
    if (description.includes('revoked')) {
      return new GitLabError('GITLAB_TOKEN_REVOKED', `The GitLab token was revoked: ${NEW_TOKEN}.`, base);
    }
    return new GitLabError(
      'GITLAB_BAD_TOKEN',
      `GitLab did not accept the token (401 Unauthorized): check that it was pasted in full and still exists, or ${NEW_TOKEN}.`,
      base,
    );
  }
  if (status === 403) {
    if (body.error === 'insufficient_scope' || description.includes('insufficient_scope')) {
      const scope = body.scope?.replace(/[^a-z_ ]/gi, '').trim();
      return new GitLabError(
        'GITLAB_MISSING_SCOPE',
        `The GitLab token lacks a scope this needs${scope ? ` (one of: ${scope.split(/\s+/).join(', ')})` : ''}: create a personal access token with the read_api scope and edit the source.`,
        base,
      );
    }
    return new GitLabError(
      'GITLAB_FORBIDDEN',
      `GitLab refused access to ${context.endpoint} (403 Forbidden): the token's user needs at least Reporter access there, or the feature is disabled for that project.`,
      base,
    );
  }
  if (status === 404) {
    const what =
      /^404 (.+) Not Found$/.exec(body.message ?? '')?.[1]?.toLowerCase() ?? 'the requested resource';
    return new GitLabError(
      'GITLAB_NOT_FOUND',
      `GitLab could not find ${what} (404): check the name, and that the token's user can see it (private projects answer 404). If every request fails like this, check the GitLab URL.`,
      base,
    );
  }
  if (status === 429) {
    return new GitLabError(
      'GITLAB_RATE_LIMITED',
      "GitLab's rate limit was reached and did not clear in time: the next sync continues where this one stopped.",
      base,
    );
  }
  if (status >= 500) {
    return new GitLabError(
      'GITLAB_SERVER_ERROR',
      `GitLab answered with a server error (${status}) and kept failing: try again later, or ask your GitLab administrator.`,
      base,
    );
  }
  if (status >= 300 && status < 400) {
    const location = safeLocation(headerValue(response.headers, 'location'));
    return new GitLabError(
      'GITLAB_REDIRECTED',
      `GitLab redirected the request${location ? ` to ${location}` : ''}: edit the source to use GitLab's own address (usually https://).`,
      { ...base, detail: `${detail}${location ? ` → ${location}` : ''}` },
    );
  }
  return new GitLabError(
    'GITLAB_BAD_REQUEST',
    `GitLab rejected the request to ${context.endpoint} (${status}): this may be a GitLab version ActivityPulse does not support.`,
    base,
  );
}

export function badResponseError(
  endpoint: string,
  problem: string | z.ZodError,
  cause?: unknown,
): GitLabError {
  const summary = typeof problem === 'string' ? problem : summarizeZodError(problem);
  return new GitLabError(
    'GITLAB_BAD_RESPONSE',
    `GitLab answered ${endpoint} with data ActivityPulse does not understand: this GitLab version may not be supported yet; an operator can find the detail in the logs.`,
    { endpoint, detail: `${endpoint}: unexpected response: ${clip(summary, 500)}`, cause },
  );
}

function summarizeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
}

interface ErrorBody {
  message?: string;
  error?: string;
  error_description?: string;
  scope?: string;
}

function parseErrorBody(text: string): ErrorBody {
  try {
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object') return {};
    const record = parsed as Record<string, unknown>;
    const pick = (key: string) => {
      const value = record[key];
      if (typeof value === 'string') return value;
      return value && typeof value === 'object' ? JSON.stringify(value) : undefined;
    };
    const body: ErrorBody = {};
    for (const key of ['message', 'error', 'error_description', 'scope'] as const) {
      const value = pick(key);
      if (value !== undefined) body[key] = value;
    }
    return body;
  } catch {
    const plain = text.trim();
    return plain && plain.length < 200 && !plain.startsWith('<') ? { message: plain } : {};
  }
}

function safeLocation(location: string | undefined): string | undefined {
  const url = location ? URL.parse(location) : null;
  return url ? `${url.protocol}//${url.host}${url.pathname}` : undefined;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function clip(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
