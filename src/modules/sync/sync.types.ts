import type { ActivityKind } from '../activity/activity-kinds.ts';

/**
 * The contract between the sync engine and its callers (`/pulse fetch`, buttons, the cron job,
 * digest freshness). The engine lives in `sync.service.ts`.
 */
export type SyncTrigger = 'cron' | 'command' | 'button' | 'digest';

export interface SyncRequest {
  workspaceId: string;
  /** One source, or every source of the workspace when omitted. */
  dataSourceId?: string;
  trigger: SyncTrigger;
  /** Slack user id of whoever asked, for the run record. */
  requestedBy?: string;
  /** Read from here instead of the cursor (first sync default: 30 days back). */
  since?: Date;
  /** Called as teammates complete, for progress messages. */
  onProgress?: (progress: SyncProgress) => void | Promise<void>;
  /** Stop early (shutdown): what was stored stays, cursors say where to resume. */
  signal?: AbortSignal;
}

export interface SyncProgress {
  dataSourceId: string;
  dataSourceName: string;
  teammatesDone: number;
  teammatesTotal: number;
  /** Slack user id of the teammate that just finished, if any. */
  lastSlackUserId?: string;
}

export interface TeammateFailure {
  slackUserId: string;
  code: string;
  message: string;
}

export interface SyncSourceResult {
  syncRunId: string | undefined;
  dataSourceId: string;
  dataSourceName: string;
  status: 'succeeded' | 'partial' | 'failed' | 'skipped';
  /** Why a source was not synced: another sync holds its lock, or it is backing off after failures. */
  skippedReason?: 'locked' | 'backoff';
  /** Activities stored (inserted or updated), by Slack user id then kind. */
  counts: Record<string, Partial<Record<ActivityKind, number>>>;
  apiCalls: number;
  retries: number;
  durationMs: number;
  failures: TeammateFailure[];
  /** What could not be collected, said rather than invented (e.g. time logs unavailable). */
  notes: string[];
  errorCode?: string;
  error?: string;
}

export interface SyncResult {
  sources: SyncSourceResult[];
}

export interface SyncEngine {
  sync(request: SyncRequest): Promise<SyncResult>;
  /** True while a sync of the source (or of any source of the workspace) holds its lock. */
  isRunning(workspaceId: string, dataSourceId?: string): Promise<boolean>;
}
