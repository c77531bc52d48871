import { Migration } from '@mikro-orm/migrations';

/** What an OAuth installation needs besides the sealed bot token. */
export class WorkspaceInstallation extends Migration {
  override name = '20261125-0002-workspace-installation';

  override up(): void {
    this.addSql(`
alter table "workspace" add column "bot_id" varchar(255) null;
alter table "workspace" add column "bot_scopes" text[] not null default '{}';
alter table "workspace" add column "installed_by" varchar(255) null;
alter table "workspace" add column "app_id" varchar(255) null;
`);
  }
}
