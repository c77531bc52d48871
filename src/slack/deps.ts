import type { BackgroundTasks } from '../lib/background-tasks.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';

/**
 * Services the listeners call. Each module adds its service here and the composition root
 * (src/main.ts) builds it. Listeners never touch the database or GitLab directly.
 */
export interface SlackServices {
  installations: { forget(teamId: string): Promise<void> };
}

/** What listeners receive from the composition root. */
export interface SlackDeps {
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
  /** Work that continues after ack (replies through response_url, syncs). */
  background: BackgroundTasks;
  services: SlackServices;
}
