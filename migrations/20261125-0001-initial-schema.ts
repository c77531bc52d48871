import { Migration } from '@mikro-orm/migrations';

/** The whole domain of ARCHITECTURE.md: workspaces, sources, teammates, activity, sync, digests. */
export class InitialSchema extends Migration {
  override name = '20261125-0001-initial-schema';

  override up(): void {
    this.addSql(`
create table "workspace" (
  "id" varchar(32) primary key,
  "name" varchar(255) null,
  "bot_token_sealed" text null,
  "bot_user_id" varchar(255) null,
  "default_timezone" varchar(255) not null default 'UTC',
  "admin_user_ids" text[] not null default '{}',
  "installed_at" timestamptz null,
  "uninstalled_at" timestamptz null,
  "created_at" timestamptz not null default now(),
  "updated_at" timestamptz not null default now()
);

create table "data_source" (
  "id" uuid primary key,
  "workspace_id" varchar(32) not null references "workspace" ("id") on delete cascade,
  "type" text not null default 'gitlab' check ("type" in ('gitlab')),
  "name" varchar(255) not null,
  "name_key" varchar(255) not null,
  "base_url" text not null,
  "token_sealed" text not null,
  "jira_url" text null,
  "token_scopes" text[] not null default '{}',
  "token_expires_at" timestamptz null,
  "token_username" varchar(255) null,
  "status" text not null default 'untested' check ("status" in ('untested', 'ok', 'failing')),
  "last_error_code" varchar(255) null,
  "last_error" text null,
  "last_tested_at" timestamptz null,
  "last_sync_at" timestamptz null,
  "failure_count" int not null default 0,
  "next_sync_after" timestamptz null,
  "token_problem_notified_at" timestamptz null,
  "created_by" varchar(255) not null,
  "created_at" timestamptz not null default now(),
  "updated_at" timestamptz not null default now(),
  constraint "data_source_workspace_name_unique" unique ("workspace_id", "name_key")
);

create table "teammate" (
  "id" uuid primary key,
  "workspace_id" varchar(32) not null references "workspace" ("id") on delete cascade,
  "slack_user_id" varchar(255) not null,
  "display_name" varchar(255) null,
  "timezone" varchar(255) null,
  "created_at" timestamptz not null default now(),
  "updated_at" timestamptz not null default now(),
  constraint "teammate_workspace_user_unique" unique ("workspace_id", "slack_user_id")
);

create table "external_identity" (
  "id" uuid primary key,
  "teammate_id" uuid not null references "teammate" ("id") on delete cascade,
  "data_source_id" uuid not null references "data_source" ("id") on delete cascade,
  "username" varchar(255) not null,
  "username_key" varchar(255) not null,
  "external_user_id" bigint null,
  "created_at" timestamptz not null default now(),
  "updated_at" timestamptz not null default now(),
  constraint "external_identity_teammate_source_unique" unique ("teammate_id", "data_source_id"),
  constraint "external_identity_source_username_unique" unique ("data_source_id", "username_key")
);
create index "external_identity_source_idx" on "external_identity" ("data_source_id");

create table "activity" (
  "id" bigserial primary key,
  "workspace_id" varchar(32) not null references "workspace" ("id") on delete cascade,
  "teammate_id" uuid not null references "teammate" ("id") on delete cascade,
  "data_source_id" uuid not null references "data_source" ("id") on delete cascade,
  "source_type" varchar(255) not null default 'gitlab',
  "kind" text not null check ("kind" in ('mr_opened', 'mr_merged', 'mr_closed', 'mr_review_requested',
    'mr_approved', 'mr_commented', 'commit_pushed', 'issue_opened', 'issue_closed', 'issue_commented',
    'time_logged', 'pipeline_run')),
  "natural_key" text not null,
  "occurred_at" timestamptz not null,
  "title" text not null,
  "url" text null,
  "project" text null,
  "lines_added" int null,
  "lines_removed" int null,
  "duration_seconds" int null,
  "time_spent_seconds" int null,
  "jira_keys" text[] not null default '{}',
  "payload" jsonb not null default '{}',
  "created_at" timestamptz not null default now(),
  "updated_at" timestamptz not null default now(),
  constraint "activity_workspace_natural_key_unique" unique ("workspace_id", "natural_key")
);
create index "activity_teammate_occurred_idx" on "activity" ("teammate_id", "occurred_at");
create index "activity_source_occurred_idx" on "activity" ("data_source_id", "occurred_at");
create index "activity_workspace_occurred_idx" on "activity" ("workspace_id", "occurred_at");

create table "sync_cursor" (
  "id" uuid primary key,
  "data_source_id" uuid not null references "data_source" ("id") on delete cascade,
  "scope" varchar(255) not null,
  "resource" varchar(255) not null,
  "position" timestamptz null,
  "token" text null,
  "updated_at" timestamptz not null default now(),
  constraint "sync_cursor_source_scope_resource_unique" unique ("data_source_id", "scope", "resource")
);

create table "sync_run" (
  "id" uuid primary key,
  "workspace_id" varchar(32) not null references "workspace" ("id") on delete cascade,
  "data_source_id" uuid null references "data_source" ("id") on delete cascade,
  "trigger" text not null check ("trigger" in ('cron', 'command', 'button', 'digest')),
  "requested_by" varchar(255) null,
  "status" text not null default 'running' check ("status" in ('running', 'succeeded', 'partial', 'failed', 'skipped')),
  "started_at" timestamptz not null default now(),
  "finished_at" timestamptz null,
  "window_start" timestamptz null,
  "window_end" timestamptz null,
  "counts" jsonb not null default '{}',
  "failures" jsonb not null default '[]',
  "notes" text[] not null default '{}',
  "api_calls" int not null default 0,
  "retries" int not null default 0,
  "duration_ms" int null,
  "error_code" varchar(255) null,
  "error" text null
);
create index "sync_run_source_started_idx" on "sync_run" ("data_source_id", "started_at");

create table "digest_schedule" (
  "id" uuid primary key,
  "workspace_id" varchar(32) not null references "workspace" ("id") on delete cascade,
  "channel_id" varchar(255) not null,
  "local_time" varchar(5) not null,
  "timezone" varchar(255) not null,
  "weekdays" jsonb not null default '[1,2,3,4,5]',
  "included_user_ids" text[] not null default '{}',
  "enabled" boolean not null default true,
  "created_by" varchar(255) not null,
  "last_error" text null,
  "created_at" timestamptz not null default now(),
  "updated_at" timestamptz not null default now(),
  constraint "digest_schedule_workspace_channel_unique" unique ("workspace_id", "channel_id")
);

create table "digest_delivery" (
  "id" uuid primary key,
  "schedule_id" uuid not null references "digest_schedule" ("id") on delete cascade,
  "local_date" varchar(10) not null,
  "status" text not null default 'claimed' check ("status" in ('claimed', 'posted', 'failed')),
  "attempts" int not null default 0,
  "claimed_by" varchar(255) null,
  "claimed_at" timestamptz not null default now(),
  "posted_at" timestamptz null,
  "message_ts" varchar(255) null,
  "error" text null,
  "admin_notified_at" timestamptz null,
  constraint "digest_delivery_schedule_date_unique" unique ("schedule_id", "local_date")
);
`);
  }
}
