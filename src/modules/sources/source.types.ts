import type { ConnectionWarning } from '../../gitlab/index.ts';
import type { DATA_SOURCE_STATUSES } from './data-source.entity.ts';

export type { ConnectionWarning, ConnectionWarningCode } from '../../gitlab/index.ts';

/** A data source as callers see it: everything but the token. */
export interface SourceView {
  id: string;
  name: string;
  type: 'gitlab';
  baseUrl: string;
  host: string;
  jiraUrl: string | null;
  status: (typeof DATA_SOURCE_STATUSES)[number];
  lastErrorCode: string | null;
  lastError: string | null;
  lastTestedAt: Date | null;
  lastSyncAt: Date | null;
  /** Scheduled syncs that failed in a row; 0 after one that got through. */
  failureCount: number;
  /** A failing source is not synced on schedule before this (back-off, scheduled-sync.job.ts). */
  nextSyncAfter: Date | null;
  tokenScopes: string[];
  tokenExpiresAt: Date | null;
  tokenUsername: string | null;
  createdBy: string;
}

/** What a successful Test Connection learned about the token. */
export interface ConnectionSummary {
  username: string;
  name: string;
  gitlabUserId: number;
  /** null when GitLab cannot tell (not a personal access token, or an old GitLab). */
  scopes: string[] | null;
  expiresAt: Date | null;
  daysToExpiry: number | null;
  /** Decide by `code` (e.g. `TOKEN_EXPIRES_SOON`); `message` is for people. */
  warnings: ConnectionWarning[];
}

/** The fields of the source form; each error is reported on its own field. */
export type SourceField = 'name' | 'url' | 'token' | 'jiraUrl';
export type FieldErrors = Partial<Record<SourceField, string>>;

export interface SourceInput {
  name: string;
  url: string;
  /** Empty on edit keeps the stored token. */
  token: string;
  jiraUrl: string;
}

export type SaveOutcome =
  | {
      ok: true;
      source: SourceView;
      connection: ConnectionSummary;
      created: boolean;
      /** What was done to the input that the person should know (`https://` added). */
      notes: string[];
    }
  | { ok: false; errors: FieldErrors }
  /** The GitLab URL is already a source: one source per GitLab, so offer to update that one. */
  | { ok: false; duplicateOf: SourceView };

export type TestOutcome =
  | { ok: true; source: SourceView; connection: ConnectionSummary }
  | { ok: false; source: SourceView; code: string; message: string };
