import { Migration } from '@mikro-orm/migrations';

/**
 * Slack requests already acted on, so a retried event (same `event_id`, `X-Slack-Retry-Num`) or a
 * replayed signed request (same signature and timestamp, valid for Slack's 5 minutes) is
 * acknowledged but not acted on again — by whichever replica receives it. Rows older than the
 * signature window are useless and are purged by the app.
 */
export class SlackRequestSeen extends Migration {
  override name = '20261202-0301-slack-request-seen';

  override up(): void {
    this.addSql(`
create table "slack_request_seen" (
  "key" varchar(255) not null primary key,
  "team_id" varchar(32) null,
  "seen_at" timestamptz not null default now()
);
create index "slack_request_seen_seen_at_index" on "slack_request_seen" ("seen_at");
`);
  }
}
