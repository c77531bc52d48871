import { randomUUID } from 'node:crypto';
import type { Orm } from '../../src/db/orm.ts';
import type { ActivityKind } from '../../src/modules/activity/activity-kinds.ts';

/**
 * Factories for domain rows, written with plain SQL so a test states exactly what is stored.
 * Every builder takes overrides and returns what it inserted.
 */
export interface Rows {
  workspace(overrides?: Partial<WorkspaceRow>): Promise<WorkspaceRow>;
  source(workspaceId: string, overrides?: Partial<SourceRow>): Promise<SourceRow>;
  /** A teammate mapped to `username` on `sourceId`. */
  teammate(
    workspaceId: string,
    sourceId: string,
    overrides?: Partial<TeammateRow> & { username?: string },
  ): Promise<TeammateRow>;
  activity(row: ActivityInput): Promise<void>;
  schedule(workspaceId: string, overrides?: Partial<ScheduleRow>): Promise<ScheduleRow>;
  syncRun(input: { workspaceId: string; sourceId: string; finishedAt: Date; status?: string }): Promise<void>;
}

export interface WorkspaceRow {
  id: string;
  defaultTimezone: string;
  adminUserIds: string[];
}

export interface SourceRow {
  id: string;
  name: string;
  baseUrl: string;
  jiraUrl: string | null;
  createdBy: string;
  lastSyncAt: Date | null;
  nextSyncAfter: Date | null;
  status: 'untested' | 'ok' | 'failing';
}

export interface TeammateRow {
  id: string;
  slackUserId: string;
  displayName: string | null;
  timezone: string | null;
}

export interface ActivityInput {
  workspaceId: string;
  teammateId: string;
  sourceId: string;
  kind: ActivityKind;
  occurredAt: Date;
  title?: string;
  url?: string | null;
  project?: string | null;
  linesAdded?: number | null;
  linesRemoved?: number | null;
  durationSeconds?: number | null;
  timeSpentSeconds?: number | null;
  jiraKeys?: string[];
  mergeRequestRef?: string | null;
  isReview?: boolean;
  pickupSeconds?: number | null;
  /** A pipeline's status as the sync stores it (lower case). */
  pipelineStatus?: string | null;
  payload?: Record<string, unknown>;
}

export interface ScheduleRow {
  id: string;
  channelId: string;
  localTime: string;
  timezone: string;
  weekdays: number[];
  createdBy: string;
  updatedAt: Date;
}

/** A PostgreSQL array literal: MikroORM expands a JS array parameter into a list of parameters. */
export function pgArray(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

let counter = 0;
const next = () => {
  counter += 1;
  return counter;
};

export function rows(orm: Orm): Rows {
  const sql = (query: string, params: unknown[]) => orm.em.fork().getConnection().execute(query, params);
  return {
    async workspace(overrides = {}) {
      const row: WorkspaceRow = {
        id: `T${String(next()).padStart(6, '0')}`,
        defaultTimezone: 'UTC',
        adminUserIds: ['U0ADMIN'],
        ...overrides,
      };
      await sql('insert into workspace (id, default_timezone, admin_user_ids) values (?, ?, ?::text[])', [
        row.id,
        row.defaultTimezone,
        pgArray(row.adminUserIds),
      ]);
      return row;
    },
    async source(workspaceId, overrides = {}) {
      const n = next();
      const row: SourceRow = {
        id: randomUUID(),
        name: `gitlab-${n}`,
        baseUrl: 'https://gitlab.example.com',
        jiraUrl: null,
        createdBy: 'U0ADMIN',
        lastSyncAt: null,
        nextSyncAfter: null,
        status: 'ok',
        ...overrides,
      };
      await sql(
        `insert into data_source (id, workspace_id, name, name_key, base_url, token_sealed, jira_url, status,
           created_by, last_sync_at, next_sync_after)
         values (?, ?, ?, ?, ?, 'sealed-placeholder', ?, ?, ?, ?, ?)`,
        [
          row.id,
          workspaceId,
          row.name,
          row.name.toLowerCase(),
          row.baseUrl,
          row.jiraUrl,
          row.status,
          row.createdBy,
          row.lastSyncAt,
          row.nextSyncAfter,
        ],
      );
      return row;
    },
    async teammate(workspaceId, sourceId, overrides = {}) {
      const n = next();
      const { username, ...rest } = overrides;
      const row: TeammateRow = {
        id: randomUUID(),
        slackUserId: `U${String(n).padStart(8, '0')}`,
        displayName: `Person ${n}`,
        timezone: null,
        ...rest,
      };
      await sql(
        'insert into teammate (id, workspace_id, slack_user_id, display_name, timezone) values (?, ?, ?, ?, ?)',
        [row.id, workspaceId, row.slackUserId, row.displayName, row.timezone],
      );
      const name = username ?? `person${n}`;
      await sql(
        `insert into external_identity (id, teammate_id, data_source_id, username, username_key, external_user_id)
         values (?, ?, ?, ?, ?, ?)`,
        [randomUUID(), row.id, sourceId, name, name.toLowerCase(), 1000 + n],
      );
      return row;
    },
    async activity(input) {
      const n = next();
      await sql(
        `insert into activity (workspace_id, teammate_id, data_source_id, kind, natural_key, occurred_at, title, url,
           project, lines_added, lines_removed, duration_seconds, time_spent_seconds, jira_keys,
           merge_request_ref, is_review, pickup_seconds, pipeline_status, payload)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text[], ?, ?, ?, ?, ?::jsonb)`,
        [
          input.workspaceId,
          input.teammateId,
          input.sourceId,
          input.kind,
          `test:${input.kind}:${n}`,
          input.occurredAt,
          input.title ?? `${input.kind} ${n}`,
          input.url ?? null,
          input.project ?? 'group/project',
          input.linesAdded ?? null,
          input.linesRemoved ?? null,
          input.durationSeconds ?? null,
          input.timeSpentSeconds ?? null,
          pgArray(input.jiraKeys ?? []),
          input.mergeRequestRef ?? null,
          input.isReview ?? false,
          input.pickupSeconds ?? null,
          input.pipelineStatus ?? null,
          JSON.stringify(input.payload ?? {}),
        ],
      );
    },
    async schedule(workspaceId, overrides = {}) {
      const row: ScheduleRow = {
        id: randomUUID(),
        channelId: `C${String(next()).padStart(8, '0')}`,
        localTime: '09:00',
        timezone: 'UTC',
        weekdays: [1, 2, 3, 4, 5],
        createdBy: 'U0ADMIN',
        updatedAt: new Date('2020-01-01T00:00:00Z'),
        ...overrides,
      };
      await sql(
        `insert into digest_schedule (id, workspace_id, channel_id, local_time, timezone, weekdays, created_by,
           created_at, updated_at)
         values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)`,
        [
          row.id,
          workspaceId,
          row.channelId,
          row.localTime,
          row.timezone,
          JSON.stringify(row.weekdays),
          row.createdBy,
          row.updatedAt,
          row.updatedAt,
        ],
      );
      return row;
    },
    async syncRun(input) {
      await sql(
        `insert into sync_run (id, workspace_id, data_source_id, trigger, status, started_at, finished_at)
         values (?, ?, ?, 'cron', ?, ?, ?)`,
        [
          randomUUID(),
          input.workspaceId,
          input.sourceId,
          input.status ?? 'succeeded',
          new Date(input.finishedAt.getTime() - 60_000),
          input.finishedAt,
        ],
      );
    },
  };
}
