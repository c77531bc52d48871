import { InitialSchema } from './20261125-0001-initial-schema.ts';
import { WorkspaceInstallation } from './20261125-0002-workspace-installation.ts';
import { SyncClaimsAndDigestPosting } from './20261125-0003-sync-claims-and-digest-posting.ts';
import { TypedReviewFacts } from './20261202-0001-typed-review-facts.ts';
import { SyncRunHeartbeat } from './20261202-0101-sync-run-heartbeat.ts';
import { SlackRequestSeen } from './20261202-0301-slack-request-seen.ts';
import { SourceGitlabVersion } from './20261202-0401-source-gitlab-version.ts';

/**
 * Every migration, in order. Listed explicitly so the app runs them straight from TypeScript
 * sources (Node's type stripping) without a glob or a build step. Add new ones at the end.
 */
export const migrationsList = [
  { name: '20261125-0001-initial-schema', class: InitialSchema },
  { name: '20261125-0002-workspace-installation', class: WorkspaceInstallation },
  { name: '20261125-0003-sync-claims-and-digest-posting', class: SyncClaimsAndDigestPosting },
  { name: '20261202-0001-typed-review-facts', class: TypedReviewFacts },
  { name: '20261202-0101-sync-run-heartbeat', class: SyncRunHeartbeat },
  { name: '20261202-0301-slack-request-seen', class: SlackRequestSeen },
  { name: '20261202-0401-source-gitlab-version', class: SourceGitlabVersion },
];
