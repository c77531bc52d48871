import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** Prometheus metrics, one registry per process (built by the composition root, served on /metrics). */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    gitlabRequests: new Counter({
      name: 'activitypulse_gitlab_requests_total',
      help: 'Requests sent to GitLab, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    syncRuns: new Counter({
      name: 'activitypulse_sync_runs_total',
      help: 'Sync runs, by trigger and status',
      labelNames: ['trigger', 'status'] as const,
      registers: [registry],
    }),
    syncDuration: new Histogram({
      name: 'activitypulse_sync_duration_seconds',
      help: 'Duration of one data source sync',
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
      registers: [registry],
    }),
    activitiesStored: new Counter({
      name: 'activitypulse_activities_stored_total',
      help: 'Activities inserted or updated, by kind',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    digestsPosted: new Counter({
      name: 'activitypulse_digests_total',
      help: 'Digest deliveries, by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    slackCommands: new Counter({
      name: 'activitypulse_slack_commands_total',
      help: '/pulse commands received, by subcommand',
      labelNames: ['subcommand'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
