import type { SourceView } from '../../modules/sources/source.types.ts';
import { backoffUntil } from '../../modules/sources/source-backoff.ts';
import { escapeMrkdwn } from './blocks.ts';
import { formatIn, formatWhen, plural, slackDate } from './format.ts';

/** GitLab no longer takes the token (or it cannot be read): only a new one helps. */
const TOKEN_CODES: ReadonlySet<string> = new Set([
  'GITLAB_BAD_TOKEN',
  'GITLAB_TOKEN_EXPIRED',
  'GITLAB_TOKEN_REVOKED',
  'GITLAB_MISSING_SCOPE',
  'SECRET_UNREADABLE',
]);
/** The token works, but its user may not see what the sync reads. */
const ACCESS_CODES: ReadonlySet<string> = new Set(['GITLAB_FORBIDDEN', 'GITLAB_NOT_FOUND']);
/** The address is wrong or the server cannot be reached from ActivityPulse. */
const ADDRESS_CODES: ReadonlySet<string> = new Set([
  'GITLAB_URL_INVALID',
  'GITLAB_HOST_REFUSED',
  'GITLAB_UNREACHABLE',
  'GITLAB_TLS',
  'GITLAB_REDIRECTED',
]);

export interface HealthOptions {
  now: Date;
  /** The reader's zone, for the fallback of Slack's date formatting. */
  timeZone: string;
  /** Admins are told to edit the source; others whom to ask. */
  canManage: boolean;
}

/** Under a failing source: why it fails, when it is tried again, and what to do about it. */
export function failingSourceLines(source: SourceView, options: HealthOptions): string[] {
  const lines = [`:x: Failing: ${escapeMrkdwn(source.lastError ?? 'unknown error')}`];
  const retryAt = backoffUntil(source, options.now);
  if (retryAt) {
    lines.push(
      `:hourglass_flowing_sand: Paused after ${plural(source.failureCount, 'failed sync')} in a row: next try ${nextTry(retryAt, options)}.`,
    );
  }
  lines.push(`*What to do:* ${advice(source, options.canManage)}`);
  return lines;
}

/** `today at 14:05 (in 2 hours)`, rendered by Slack in the reader's zone. */
export function nextTry(at: Date, options: { now: Date; timeZone: string }): string {
  return `${slackDate(at, `${formatWhen(at, options.timeZone)} ${options.timeZone}`)} (${formatIn(at, options.now)})`;
}

function advice(source: SourceView, canManage: boolean): string {
  const name = escapeMrkdwn(source.name);
  const edit = `\`/pulse source edit ${name}\``;
  const code = source.lastErrorCode ?? '';
  if (TOKEN_CODES.has(code)) {
    return canManage
      ? `create a new GitLab personal access token with the \`read_api\` scope and paste it with Edit (or ${edit}). It is tested before it is saved, and the next scheduled sync runs without waiting.`
      : `ask a workspace admin to give \`${name}\` a new GitLab token with ${edit}.`;
  }
  if (ACCESS_CODES.has(code)) {
    return canManage
      ? `make sure the token's GitLab user can see the projects (at least Reporter), or paste a token of a user who can with Edit (or ${edit}).`
      : `ask a workspace admin to check what the token of \`${name}\` can see on GitLab.`;
  }
  if (ADDRESS_CODES.has(code)) {
    return canManage
      ? `check the GitLab URL with Edit (or ${edit}) and that the server is reachable from ActivityPulse; saving tests the connection.`
      : `ask a workspace admin to check the GitLab URL of \`${name}\` (${edit}).`;
  }
  // Test connection uses the stored token, so it is offered to admins only.
  return canManage
    ? `this is often temporary and is retried on its own; Test connection, or \`/pulse fetch ${name}\`, tries now. If it keeps failing, check the source with Edit (or ${edit}).`
    : `this is often temporary and is retried on its own; \`/pulse fetch ${name}\` tries now.`;
}
