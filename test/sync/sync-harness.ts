import { randomUUID } from 'node:crypto';
import type { Orm } from '../../src/db/orm.ts';
import { createGitLabDispatcher } from '../../src/gitlab/index.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { SecretBox } from '../../src/lib/secret-box.ts';
import { DataSourceRepository } from '../../src/modules/sources/data-source.repository.ts';
import { SyncService, type SyncServiceOptions } from '../../src/modules/sync/sync.service.ts';

/**
 * Domain rows and a SyncService wired as in production (guarded dispatcher allowing only the
 * loopback fake GitLab), on a real PostgreSQL.
 */
export const SYNC_NOW = new Date('2024-05-10T12:00:00Z');

export interface SyncHarness {
  orm: Orm;
  repository: DataSourceRepository;
  workspaceId: string;
  addSource(input: {
    baseUrl: string;
    token: string;
    name?: string;
    jiraUrl?: string | null;
  }): Promise<string>;
  /** A teammate mapped to `username` on the source, GitLab user id not yet resolved. */
  addTeammate(
    sourceId: string,
    username: string,
    slackUserId?: string,
  ): Promise<{ teammateId: string; slackUserId: string }>;
  service(overrides?: Partial<SyncServiceOptions>): SyncService;
  sql<T>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

let counter = 0;

export async function createSyncHarness(orm: Orm): Promise<SyncHarness> {
  const repository = new DataSourceRepository(new SecretBox(Buffer.alloc(32, 9)));
  const dispatcher = createGitLabDispatcher({ allowedHosts: ['127.0.0.1'] });
  const logger = createLogger({ level: 'silent' });
  const sql = <T>(query: string, params: unknown[] = []) => orm.em.fork().execute<T[]>(query, params);
  counter += 1;
  const workspaceId = `TSYNC${String(counter).padStart(4, '0')}${randomUUID().slice(0, 4)}`;
  await sql("insert into workspace (id, default_timezone, admin_user_ids) values (?, 'UTC', '{}')", [
    workspaceId,
  ]);
  return {
    orm,
    repository,
    workspaceId,
    async addSource(input) {
      const em = orm.em.fork();
      const source = repository.create(em, {
        workspaceId,
        name: input.name ?? `gitlab-${randomUUID().slice(0, 6)}`,
        baseUrl: input.baseUrl,
        token: input.token,
        jiraUrl: input.jiraUrl ?? null,
        createdBy: 'U0ADMIN',
      });
      await em.flush();
      return source.id;
    },
    async addTeammate(sourceId, username, slackUserId) {
      const teammateId = randomUUID();
      const slack = slackUserId ?? `U${username.toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
      await sql(
        `insert into teammate (id, workspace_id, slack_user_id, display_name) values (?, ?, ?, ?)
         on conflict (workspace_id, slack_user_id) do nothing`,
        [teammateId, workspaceId, slack, username],
      );
      const [row] = await sql<{ id: string }>(
        'select id from teammate where workspace_id = ? and slack_user_id = ?',
        [workspaceId, slack],
      );
      await sql(
        `insert into external_identity (id, teammate_id, data_source_id, username, username_key)
         values (?, ?, ?, ?, ?)`,
        [randomUUID(), row!.id, sourceId, username, username.toLowerCase()],
      );
      return { teammateId: row!.id, slackUserId: slack };
    },
    service(overrides = {}) {
      return new SyncService({
        orm,
        sources: repository,
        dispatcher,
        logger,
        now: () => SYNC_NOW,
        // Retries without real waiting: the policy still decides, the clock does not hold tests up.
        sleep: async () => undefined,
        retry: { baseDelayMs: 1, maxDelayMs: 5 },
        ...overrides,
      });
    },
    sql,
    async close() {
      await dispatcher.close();
    },
  };
}

export interface StoredRow {
  slack_user_id: string;
  kind: string;
  natural_key: string;
  occurred_at: Date;
  title: string;
  url: string | null;
  project: string | null;
  lines_added: number | null;
  lines_removed: number | null;
  duration_seconds: number | null;
  time_spent_seconds: number | null;
  jira_keys: string[];
  pickup_seconds: number | null;
  payload: Record<string, unknown>;
  updated_at: Date;
}

export function storedActivities(harness: SyncHarness): Promise<StoredRow[]> {
  return harness.sql<StoredRow>(
    `select t.slack_user_id, a.kind, a.natural_key, a.occurred_at, a.title, a.url, a.project, a.lines_added,
       a.lines_removed, a.duration_seconds, a.time_spent_seconds, a.jira_keys, a.pickup_seconds, a.payload,
       a.updated_at
     from activity a join teammate t on t.id = a.teammate_id
     where a.workspace_id = ? order by t.slack_user_id, a.kind, a.natural_key`,
    [harness.workspaceId],
  );
}
