import type { IncomingHttpHeaders } from 'node:http';
import type { RouteAccess } from './route.ts';
import type { FakeScenario, FakeToken, FakeUser } from './scenario.ts';
import { isTokenExpired } from './world.ts';

/** GitLab's answers for missing, bad, expired, revoked and under-scoped tokens. */
export type AuthResult =
  | { ok: true; user: FakeUser; token: FakeToken }
  | { ok: false; status: number; body: unknown; headers?: Record<string, string> };

const UNAUTHORIZED = { ok: false, status: 401, body: { message: '401 Unauthorized' } } as const;
const EXPIRED = 'Token is expired. You can either do re-authorization or token refresh.';
const REVOKED = 'Token was revoked. You have to re-authorize from the user.';

const ACCESS_SCOPES: Record<RouteAccess, string[] | undefined> = {
  read_api: ['api', 'read_api'],
  read_user: ['api', 'read_api', 'read_user'],
  any: undefined,
};

export function tokenFrom(headers: IncomingHttpHeaders): string | undefined {
  const privateToken = headers['private-token'];
  if (typeof privateToken === 'string' && privateToken !== '') return privateToken;
  const authorization = headers.authorization;
  const bearer = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined;
  return bearer;
}

export function authenticate(
  headers: IncomingHttpHeaders,
  scenario: FakeScenario,
  access: RouteAccess,
  now: number,
): AuthResult {
  const value = tokenFrom(headers);
  const token = value === undefined ? undefined : scenario.tokens[value];
  if (!token) return UNAUTHORIZED;
  if (token.revoked) return invalidToken(REVOKED);
  if (isTokenExpired(token, now)) return invalidToken(EXPIRED);
  const user = scenario.users.find((candidate) => candidate.id === token.userId);
  if (!user || user.state === 'blocked') return UNAUTHORIZED;
  const needed = ACCESS_SCOPES[access];
  if (needed && !token.scopes.some((scope) => needed.includes(scope))) {
    return {
      ok: false,
      status: 403,
      body: {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: needed.join(' '),
      },
      headers: {
        'WWW-Authenticate': `Bearer realm="Protected by OAuth 2.0", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token.", scope="${needed.join(' ')}"`,
      },
    };
  }
  return { ok: true, user, token };
}

function invalidToken(description: string): AuthResult {
  return {
    ok: false,
    status: 401,
    body: { error: 'invalid_token', error_description: description },
    headers: {
      'WWW-Authenticate': `Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="${description}"`,
    },
  };
}

export interface RateLimitOptions {
  /** Requests allowed per window. */
  limit: number;
  /** Window length; default 60 s. */
  windowSeconds?: number;
}

/**
 * A fixed-window limiter like GitLab's (Rack::Attack): windows aligned to the epoch, every request
 * counted (refused ones too), RateLimit-* headers on every answer and 429 `Retry later` with
 * Retry-After once the window is used up.
 */
export class RateLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #windowStart: number;
  #used = 0;

  constructor(options: RateLimitOptions, now: () => number) {
    this.#limit = options.limit;
    this.#windowMs = (options.windowSeconds ?? 60) * 1000;
    this.#now = now;
    this.#windowStart = Math.floor(now() / this.#windowMs) * this.#windowMs;
  }

  allow(): boolean {
    this.#roll();
    this.#used += 1;
    return this.#used <= this.#limit;
  }

  headers(): Record<string, string> {
    this.#roll();
    const resetAt = this.#windowStart + this.#windowMs;
    return {
      'RateLimit-Limit': String(this.#limit),
      'RateLimit-Observed': String(this.#used),
      'RateLimit-Remaining': String(Math.max(0, this.#limit - this.#used)),
      'RateLimit-Reset': String(Math.ceil(resetAt / 1000)),
      'RateLimit-ResetTime': new Date(resetAt).toUTCString(),
    };
  }

  retryAfterHeaders(): Record<string, string> {
    const resetAt = this.#windowStart + this.#windowMs;
    return { 'Retry-After': String(Math.max(1, Math.ceil((resetAt - this.#now()) / 1000))) };
  }

  #roll(): void {
    const now = this.#now();
    if (now >= this.#windowStart + this.#windowMs) {
      const windows = Math.floor((now - this.#windowStart) / this.#windowMs);
      this.#windowStart += windows * this.#windowMs;
      this.#used = 0;
    }
  }
}
