import type { ConnectionReport } from '../../gitlab/index.ts';
import type { IDataSource } from './data-source.entity.ts';
import type { ConnectionSummary, SourceField } from './source.types.ts';

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
