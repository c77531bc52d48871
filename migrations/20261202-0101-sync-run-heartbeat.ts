import { Migration } from '@mikro-orm/migrations';

/**
 * A lease on running syncs: `sync_run.heartbeat_at` is renewed while the run works, so a run left
 * `running` by a process that died (or lost the database) can be told from a live one and marked
 * `interrupted` by whoever sees it next. Its source resumes from its cursors on the next run.
 */
export class SyncRunHeartbeat extends Migration {
  override name = '20261202-0101-sync-run-heartbeat';

  override up(): void {
    this.addSql(`
alter table "sync_run" add column "heartbeat_at" timestamptz null;
alter table "sync_run" drop constraint "sync_run_status_check";
alter table "sync_run" add constraint "sync_run_status_check"
  check ("status" in ('running', 'succeeded', 'partial', 'failed', 'skipped', 'interrupted'));
`);
  }
}
