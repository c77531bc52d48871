import { fetchNaive } from './naive-sync.ts';
import { buildBenchScenario } from './sync-scenario.ts';

/**
 * The naive @gitbeaker/rest fetch in a process of its own (forked by bench/naive-sync.ts), against
 * the fake GitLab the bench serves: the scenario is built again here (seeded, the same), only for
 * its usernames, projects and window.
 */
const input = JSON.parse(process.argv[2] ?? '{}') as {
  url: string;
  teammates: number;
  days: number;
  end: string;
  listingsOnly: boolean;
};
const bench = buildBenchScenario({ teammates: input.teammates, days: input.days, end: new Date(input.end) });
fetchNaive(bench, input.url, { listingsOnly: input.listingsOnly }).then(
  (result) => process.send!(result, () => process.exit(0)),
  (error: unknown) =>
    process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () =>
      process.exit(1),
    ),
);
