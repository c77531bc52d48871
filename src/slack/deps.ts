import type { BackgroundTasks } from '../lib/background-tasks.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { ActivityQueryService } from '../modules/activity/activity-query.service.ts';
import type { DashboardService } from '../modules/dashboard/dashboard.service.ts';
import type { DigestService } from '../modules/digest/digest.service.ts';
import type { SourcesService } from '../modules/sources/sources.service.ts';
import type { SyncEngine } from '../modules/sync/sync.types.ts';
import type { MappingSuggestionsService } from '../modules/teammates/mapping-suggestions.service.ts';
import type { TeammatesService } from '../modules/teammates/teammates.service.ts';
import type { WorkspacesService } from '../modules/workspaces/workspaces.service.ts';
import type { SlackUserDirectory } from './slack-user-directory.ts';

/**
 * Services the listeners call. Each module adds its service here and the composition root
 * (src/main.ts) builds it. Listeners never touch the database or GitLab directly.
 */
export interface SlackServices {
  installations: {
    forget(teamId: string): Promise<void>;
    /** Clears the uninstall mark; true when the workspace was marked uninstalled. */
    markInstalled(teamId: string): Promise<boolean>;
  };
  workspaces: WorkspacesService;
  sources: SourcesService;
  teammates: TeammatesService;
  /** The mapping form's GitLab user look-up, and suggested mappings. */
  mappings: MappingSuggestionsService;
  activity: ActivityQueryService;
  dashboard: DashboardService;
  /** `/pulse digest …`: schedules, previews and sends. */
  digests: DigestService;
  /** `/pulse fetch` and the Fetch now buttons. */
  sync: SyncEngine;
}

/** What listeners receive from the composition root. */
export interface SlackDeps {
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  /** Work that continues after ack (replies through response_url, syncs). */
  background: BackgroundTasks;
  services: SlackServices;
  /** users.info / users.list answers, cached per workspace (Tier 4 / Tier 2 limits). */
  users: SlackUserDirectory;
  /**
   * How long a view submission may wait for slow work (Test Connection) before answering Slack,
   * which allows 3 s; past it the modal shows "Testing…" and is updated when the test ends. An
   * options request (GitLab user search) gets the same budget, then asks the admin to type more.
   */
  ackBudgetMs?: number;
}
