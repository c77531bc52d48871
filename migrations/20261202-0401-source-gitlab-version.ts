import { Migration } from '@mikro-orm/migrations';

/**
 * The GitLab version a source last reported (`GET /api/v4/version`), refreshed at Test Connection
 * and at the start of each sync: the GraphQL queries are built from what that version's schema
 * has (Pipeline.source only from 16.8, …), so an older self-managed GitLab is never sent a field
 * it would refuse the whole query for.
 */
export class SourceGitlabVersion extends Migration {
  override name = '20261202-0401-source-gitlab-version';

  override up(): void {
    this.addSql(`
alter table "data_source" add column "gitlab_version" varchar(255) null;
alter table "data_source" add column "gitlab_version_checked_at" timestamptz null;
`);
  }
}
