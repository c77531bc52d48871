import { type ConnectionReport, testConnection } from '../../gitlab/index.ts';
import { closestMatches } from '../../lib/edit-distance.ts';
import { CodedError, isCodedError } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import type { IDataSource } from './data-source.entity.ts';
import type { ConnectionSummary, FieldErrors, SourceField } from './source.types.ts';
import type { SourceClients } from './source-clients.ts';
import { hostOf } from './source-view.ts';

/* What the sources service decides about input and Test Connection results, as plain functions. */

/** Which form field a classified failure belongs to. */
export const FIELD_BY_CODE: Record<string, SourceField> = {
  GITLAB_URL_INVALID: 'url',
  GITLAB_HOST_REFUSED: 'url',
  GITLAB_UNREACHABLE: 'url',
  GITLAB_TLS: 'url',
  GITLAB_REDIRECTED: 'url',
  GITLAB_NOT_FOUND: 'url',
  GITLAB_BAD_RESPONSE: 'url',
  GITLAB_BAD_REQUEST: 'url',
  GITLAB_SERVER_ERROR: 'url',
  GITLAB_RATE_LIMITED: 'url',
  GITLAB_BAD_TOKEN: 'token',
  GITLAB_TOKEN_EXPIRED: 'token',
  GITLAB_TOKEN_REVOKED: 'token',
  GITLAB_MISSING_SCOPE: 'token',
  GITLAB_FORBIDDEN: 'token',
  SECRET_UNREADABLE: 'token',
  GITLAB_TOO_OLD: 'url',
  JIRA_URL_INVALID: 'jiraUrl',
};

/** Failures that, after `https://` was guessed, most likely mean the server speaks plain http. */
export const NOT_HTTPS = new Set(['GITLAB_TLS', 'GITLAB_UNREACHABLE']);

/** One GitLab, however it was typed: the scheme aside, the same host and path is the same instance. */
export function sameInstance(a: string, b: string): boolean {
  const strip = (url: string) => url.replace(/^https?:\/\//i, '').toLowerCase();
  return strip(a) === strip(b);
}

export function schemeNotes(checked: { schemeAdded: boolean; baseUrl: string }): string[] {
  return checked.schemeAdded
    ? [`The URL had no http:// or https:// in front, so I used ${checked.baseUrl}.`]
    : [];
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function duplicateName(name: string): string {
  return `A data source called \`${name}\` already exists: choose another name, or edit that one.`;
}

export function recordSuccess(row: IDataSource, report: ConnectionReport, now: Date): void {
  row.status = 'ok';
  row.lastErrorCode = null;
  row.lastError = null;
  row.lastTestedAt = now;
  row.tokenScopes = report.scopes ?? [];
  row.tokenExpiresAt = report.expiresAt;
  row.tokenUsername = report.user.username;
  if (report.version) {
    row.gitlabVersion = report.version.slice(0, 255);
    row.gitlabVersionCheckedAt = now;
  }
}

export function summarize(report: ConnectionReport): ConnectionSummary {
  return {
    username: report.user.username,
    name: report.user.name,
    gitlabUserId: report.user.id,
    scopes: report.scopes,
    expiresAt: report.expiresAt,
    daysToExpiry: report.daysToExpiry,
    warnings: report.warnings,
  };
}

/** The source someone named or clicked is not there: say which there are, and the nearest name. */
export function sourceNotFound(ref: { id: string } | { name: string }, all: readonly string[]): CodedError {
  const names = all.map((name) => `\`${name}\``);
  const what =
    'name' in ref ? `called \`${ref.name.slice(0, 40)}\`` : 'behind that button any more (it was removed)';
  const near = 'name' in ref ? closestMatches(ref.name, all) : [];
  return new CodedError(
    'SOURCE_NOT_FOUND',
    near.length > 0
      ? `There is no data source ${what}. Did you mean \`${near[0]}\`? Sources: ${names.join(', ')}.`
      : names.length > 0
        ? `There is no data source ${what}. Sources: ${names.join(', ')}.`
        : `There is no data source ${what}, and none is set up yet: add one with \`/pulse source add\`.`,
  );
}

/** Test Connection on what was typed; a failure becomes the message under the field to fix. */
export async function testTypedConnection(
  deps: { clients: SourceClients; logger: Logger; now: () => Date },
  baseUrl: string,
  token: string,
  schemeAdded: boolean,
): Promise<{ ok: true; report: ConnectionReport } | { ok: false; errors: FieldErrors }> {
  try {
    const client = deps.clients.forCredentials(baseUrl, token);
    return { ok: true, report: await testConnection(client, { now: deps.now() }) };
  } catch (error) {
    if (!isCodedError(error)) throw error;
    // A failed test of what someone typed is their mistake to fix, not ours: no stack.
    deps.logger.info({ host: hostOf(baseUrl), code: error.code }, 'connection test failed');
    if (schemeAdded && NOT_HTTPS.has(error.code)) {
      // `gitlab.internal:8080` on a plain-http server: a certificate message would send them astray.
      return {
        ok: false,
        errors: {
          url: 'The URL had no http:// or https:// in front, so I tried https:// — and the server did not answer over HTTPS. If this GitLab is served over plain http, type the URL with http:// in front; otherwise check the address.',
        },
      };
    }
    return { ok: false, errors: { [FIELD_BY_CODE[error.code] ?? 'url']: error.userMessage } };
  }
}
