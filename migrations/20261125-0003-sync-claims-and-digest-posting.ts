import { Migration } from '@mikro-orm/migrations';

/**
 * Claims that let several replicas share scheduled work:
 * - `data_source.sync_claimed_at/by`: the scheduled sync claims a source (`FOR UPDATE SKIP LOCKED`)
 *   before syncing it, so each source is synced once per tick however many replicas run the cron;
 * - `digest_delivery.post_started_at`: set just before `chat.postMessage`, so a claim whose owner
 *   died before posting can be retried, while one that died mid-post is never posted twice.
 */
export class SyncClaimsAndDigestPosting extends Migration {
  override name = '20261125-0003-sync-claims-and-digest-posting';

  override up(): void {
    this.addSql(`
alter table "data_source" add column "sync_claimed_at" timestamptz null;
alter table "data_source" add column "sync_claimed_by" varchar(255) null;
alter table "digest_delivery" add column "post_started_at" timestamptz null;
`);
  }
}
