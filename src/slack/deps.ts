import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';

/**
 * What listeners receive from the composition root. Listeners parse input, call one service and
 * render with a pure builder; they never touch the database or GitLab directly.
 * Services are added here as modules grow.
 */
export interface SlackDeps {
  logger: Logger;
  metrics: Metrics;
  now: () => Date;
}
