import { z } from 'zod';
import type { GitLabClient } from './client.ts';
import { GitLabError, isGitLabError } from './errors.ts';
import { MINIMUM_GITLAB, parseGitLabVersion } from './graphql-features.ts';
import type { GitLabTokenSelf } from './schemas.ts';
import { getCurrentUser, getTokenSelf, getVersion } from './users.api.ts';

/**
 * What a warning is about, so callers decide by code and never by wording:
 * - `TOKEN_EXPIRES_SOON`: the token expires within 30 days (`daysToExpiry` says when);
 * - `TOKEN_DETAILS_UNKNOWN`: GitLab did not tell the token's scopes and expiry.
 */
export type ConnectionWarningCode = 'TOKEN_EXPIRES_SOON' | 'TOKEN_DETAILS_UNKNOWN';

export interface ConnectionWarning {
  code: ConnectionWarningCode;
  /** For people: says what to do. */
  message: string;
}

/**
 * "Test Connection" for a data source: who the token belongs to, what it may do and when it
 * expires. Only problems that make syncing impossible throw; the rest become warnings.
 */
export interface ConnectionReport {
  user: { id: number; username: string; name: string };
  /** null when GitLab cannot tell (not a personal access token, or GitLab older than 15.5). */
  scopes: string[] | null;
  expiresAt: Date | null;
  daysToExpiry: number | null;
  warnings: ConnectionWarning[];
  version?: string;
}

const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;
const READ_SCOPES = ['read_api', 'api'];

export async function testConnection(
  client: GitLabClient,
  options: { now: Date },
): Promise<ConnectionReport> {
  const warnings: ConnectionWarning[] = [];
  const user = await getCurrentUser(client);

  let token: GitLabTokenSelf | undefined;
  try {
    token = await getTokenSelf(client);
  } catch (error) {
    // 400: project/group/OAuth token; 404: GitLab before 15.1; 401: GitLab 15.1–15.4, which refuse
    // this endpoint for a token /user has just accepted. None means the token is unusable: ask
    // GitLab with the API the sync uses instead.
    if (!isGitLabError(error) || ![400, 401, 404].includes(error.status ?? 0)) throw error;
    await probeReadApi(client);
    warnings.push({
      code: 'TOKEN_DETAILS_UNKNOWN',
      message:
        'GitLab did not say which scopes this token has or when it expires (it is not a personal access token, or GitLab is older than 15.5); it can read the API (read_api or api): note its expiry date.',
    });
  }

  if (token) assertUsable(token);
  const expiresAt = token?.expires_at ? parseDate(token.expires_at) : null;
  const daysToExpiry = expiresAt ? daysBetween(options.now, expiresAt) : null;
  if (daysToExpiry !== null && daysToExpiry <= EXPIRY_WARNING_DAYS) {
    const when = daysToExpiry <= 0 ? 'today' : `in ${daysToExpiry} day${daysToExpiry === 1 ? '' : 's'}`;
    warnings.push({
      code: 'TOKEN_EXPIRES_SOON',
      message: `The GitLab token expires ${when} (${token?.expires_at}): create a new one with the read_api scope before then and edit the source.`,
    });
  }

  let version: string | undefined;
  try {
    version = (await getVersion(client)).version;
  } catch {
    // Optional: some tokens may not read /version; the connection itself is fine.
  }
  const parsed = parseGitLabVersion(version);
  if (parsed && parsed.major < MINIMUM_GITLAB.major) {
    // Its GraphQL lacks fields every sync reads (GITLAB.md, "Versions differ"): refuse it now,
    // not with a failing sync every hour.
    throw new GitLabError(
      'GITLAB_TOO_OLD',
      `This GitLab runs version ${version?.slice(0, 40)}; ActivityPulse needs GitLab ${MINIMUM_GITLAB.major}.${MINIMUM_GITLAB.minor} or newer. Upgrade GitLab, then add the source again.`,
      { endpoint: 'GET /version' },
    );
  }

  return {
    user: { id: user.id, username: user.username, name: user.name },
    scopes: token ? token.scopes : null,
    expiresAt,
    daysToExpiry,
    warnings,
    ...(version === undefined ? {} : { version }),
  };
}

/** Asks who the token is through GraphQL, which needs read_api, as every sync does. */
export const READ_API_PROBE_QUERY = 'query ActivityPulseProbe { currentUser { username } }';

/**
 * Throws GITLAB_MISSING_SCOPE unless the token can use the API: GitLab refuses a token without
 * read_api (403 insufficient_scope), or runs the query as nobody (`currentUser` null).
 */
async function probeReadApi(client: GitLabClient): Promise<void> {
  const endpoint = 'POST /api/graphql (token probe)';
  // https://docs.gitlab.com/api/graphql/reference/#querycurrentuser
  const data = await client.graphql(
    READ_API_PROBE_QUERY,
    {},
    z.looseObject({ currentUser: z.looseObject({ username: z.string() }).nullable() }),
    { endpoint },
  );
  if (!data.currentUser) {
    throw new GitLabError(
      'GITLAB_MISSING_SCOPE',
      'The token cannot read the GitLab API (GitLab answered as if nobody was signed in): create a personal access token with the read_api scope and edit the source.',
      { endpoint },
    );
  }
}

function assertUsable(token: GitLabTokenSelf): void {
  const endpoint = 'GET /personal_access_tokens/self';
  if (token.revoked) {
    throw new GitLabError(
      'GITLAB_TOKEN_REVOKED',
      'The GitLab token was revoked: create a new personal access token with the read_api scope and edit the source.',
      { endpoint },
    );
  }
  if (!token.active) {
    throw new GitLabError(
      'GITLAB_TOKEN_EXPIRED',
      'The GitLab token is no longer active (expired): create a new personal access token with the read_api scope and edit the source.',
      { endpoint },
    );
  }
  if (!token.scopes.some((scope) => READ_SCOPES.includes(scope))) {
    throw new GitLabError(
      'GITLAB_MISSING_SCOPE',
      `The token needs the read_api scope (it has ${token.scopes.length > 0 ? token.scopes.join(', ') : 'none'}): create a personal access token with read_api and edit the source.`,
      { endpoint },
    );
  }
}

/** `YYYY-MM-DD` → midnight UTC of that day. */
function parseDate(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!match) return null;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

/** Whole calendar days (UTC) from `now` to `date`; 0 when it is today. */
function daysBetween(now: Date, date: Date): number {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((date.getTime() - today) / DAY_MS);
}
