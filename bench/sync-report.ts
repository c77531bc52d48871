import os from 'node:os';
import type { RateLimitOptions } from '../test/support/fake-gitlab/index.ts';
import { NAIVE_CONCURRENCY, type NaiveFigures, naiveFloorMs } from './naive-sync.ts';
import type { StepFigures } from './sync-child.ts';
import type { BenchScenario } from './sync-scenario.ts';

const PAGE = 100;

type Step = StepFigures & { requests: Record<string, number>; total: number; rateLimited: number };

export interface RunFigures {
  teammates: number;
  days: number;
  bench: BenchScenario;
  ours: { mapping: number; first: Step; incremental: Step };
  naive: NaiveFigures;
  bound: { events: number; commits: number };
  graphql: number;
  pages: { pipelines: number; timelogs: number; mergeRequestLists: number };
  checked: Record<string, number>;
}

/**
 * The fewest REST pages that hold the scenario's data (issue 17): each teammate's events at 100 a
 * page (one page even when empty), and each project's commits of the window at 100 a page. GraphQL
 * is counted as the run asks it.
 */
export function restLowerBound(
  bench: BenchScenario,
  start: Date,
  end: Date,
): { events: number; commits: number } {
  const within = (at: string) => Date.parse(at) >= start.getTime() && Date.parse(at) <= end.getTime();
  const perUser = new Map<string, number>();
  for (const event of bench.scenario.events ?? []) {
    if (event.author && within(event.created_at))
      perUser.set(event.author, (perUser.get(event.author) ?? 0) + 1);
  }
  const events = bench.usernames.reduce(
    (sum, username) => sum + Math.max(1, Math.ceil((perUser.get(username) ?? 0) / PAGE)),
    0,
  );
  const perProject = new Map<number, number>();
  for (const commit of bench.scenario.commits ?? []) {
    if (within(commit.committed_date))
      perProject.set(commit.project_id, (perProject.get(commit.project_id) ?? 0) + 1);
  }
  const commits = [...perProject.values()].reduce((sum, count) => sum + Math.ceil(count / PAGE), 0);
  return { events, commits };
}

/**
 * The list pages the scenario's GraphQL data needs at 100 nodes: each project's pipelines of the
 * window, each teammate's time logs, merge requests awaiting their review and their own merge
 * requests updated in the window (the MR and issue look-ups not counted). A query can carry many
 * pages, so this is not a bound on requests; it shows the GraphQL requests the run sent are fewer
 * than its pages, so counting them as sent keeps the lower bound the stricter one.
 */
export function graphqlPages(
  bench: BenchScenario,
  start: Date,
  end: Date,
): { pipelines: number; timelogs: number; mergeRequestLists: number } {
  const within = (at: string) => Date.parse(at) >= start.getTime() && Date.parse(at) <= end.getTime();
  const pages = (counts: Map<string | number, number>) =>
    [...counts.values()].reduce((sum, count) => sum + Math.ceil(count / PAGE), 0);
  const add = (counts: Map<string | number, number>, key: string | number) =>
    counts.set(key, (counts.get(key) ?? 0) + 1);
  const scenario = bench.scenario;
  const pipelines = new Map<number, number>();
  for (const pipeline of scenario.pipelines ?? [])
    if (within(pipeline.updated_at)) add(pipelines, pipeline.project_id);
  const timelogs = new Map<string, number>();
  for (const log of scenario.timelogs ?? []) if (within(log.spent_at)) add(timelogs, log.username);
  const mergeRequestLists = new Map<string, number>();
  for (const mr of scenario.mergeRequests ?? []) {
    if (Date.parse(mr.updated_at) < start.getTime()) continue;
    add(mergeRequestLists, `author ${mr.author}`);
    for (const reviewer of mr.reviewers ?? []) add(mergeRequestLists, `reviewer ${reviewer.username}`);
  }
  return {
    pipelines: pages(pipelines),
    timelogs: pages(timelogs),
    mergeRequestLists: pages(mergeRequestLists),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mib = (value: number) => `${Math.round(value)} MiB`;

function table(requests: Record<string, number>, total: number, teammateDays: number): string {
  return [
    '| endpoint | requests | per teammate-day |',
    '|---|---|---|',
    ...Object.entries(requests).map(
      ([endpoint, n]) => `| \`${endpoint}\` | ${n} | ${(n / teammateDays).toFixed(3)} |`,
    ),
    `| **total** | **${total}** | **${(total / teammateDays).toFixed(3)}** |`,
  ].join('\n');
}

function sizeSection(run: RunFigures, latencyMs: number, limit: RateLimitOptions): string {
  const { bench, ours, naive, bound, graphql, pages } = run;
  const graphqlPageCount = pages.pipelines + pages.timelogs + pages.mergeRequestLists;
  const { first, incremental } = ours;
  const scenario = bench.scenario;
  const teammateDays = run.teammates * run.days;
  const lowerBound = bound.events + bound.commits + graphql;
  let stored = 0;
  for (const kinds of Object.values(first.counts)) for (const n of Object.values(kinds)) stored += n ?? 0;
  const checked = Object.entries(run.checked)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n} ${kind}`)
    .join(', ');
  const above = Object.entries(first.requests)
    .filter(
      ([endpoint]) =>
        !['GET /users/:id/events', 'GET /projects/:id/repository/commits', 'POST /api/graphql'].includes(
          endpoint,
        ),
    )
    .map(([endpoint, n]) => `${n} \`${endpoint}\``)
    .join(', ');
  const events = incremental.requests['GET /users/:id/events'] ?? 0;
  const floorMs = naiveFloorMs(naive, latencyMs);
  const naiveMs = naive.measured ? naive.wallMs : floorMs;
  const naiveTime = naive.measured
    ? `${seconds(naive.wallMs)} measured (${NAIVE_CONCURRENCY} at a time, fetch only, nothing stored; its floor ${seconds(floorMs)})`
    : `at least ${seconds(floorMs)}: its ${naive.total} requests × ${latencyMs} ms ÷ ${NAIVE_CONCURRENCY} at a time (listings sent, per-item requests counted, not sent)`;
  return `### ${run.teammates} teammates × ${run.days} days

${scenario.projects?.length} projects; ${scenario.events?.length} events, ${scenario.commits?.length} commits with stats, ${scenario.mergeRequests?.length} MRs with reviews,
comments and approvals, ${scenario.issues?.length} issues, ${scenario.timelogs?.length} time logs, ${scenario.pipelines?.length} pipelines. First sync window: ${run.days} days.

| | ActivityPulse sync (first run) | naive @gitbeaker/rest |
|---|---|---|
| API requests | ${first.total} | ${naive.total} |
| requests per teammate-day | ${(first.total / teammateDays).toFixed(3)} | ${(naive.total / teammateDays).toFixed(3)} |
| wall time | **${seconds(first.wallMs)}** (4 teammates at a time) | ${naiveTime} — **${(naiveMs / first.wallMs).toFixed(1)}× ours**${naive.measured ? ` (its floor: ${(floorMs / first.wallMs).toFixed(1)}× ours)` : ''} |
| 429 answers | ${first.rateLimited} (limit enforced; ${first.retries} retries) | ${naive.rateLimited} (limit lifted) |
| activities stored | ${stored} (${Math.round(stored / (first.wallMs / 1000))}/s) | — |
| peak RSS of the sync's process during the sync (VmHWM) | **${mib(first.peakRssMiB)}** (${mib(first.startRssMiB)} when it started; at most ${mib(first.heapUsedMiB)} of V8 heap in use, ${mib(first.heapTotalMiB)} reserved, ${mib(first.externalMiB)} outside it) | — |

Against the limit our sync met (${limit.limit} requests per ${limit.windowSeconds ?? 60} s), the naive fetch's ${naive.total} requests alone would take at least
${(((naive.total / limit.limit) * (limit.windowSeconds ?? 60)) / 60).toFixed(1)} min; the ratio above is against the naive fetch with the limit lifted.

**Correctness** (checked before any ratio; the bench fails otherwise): every teammate's stored activities equal the
scenario's truth, key by key, with lines ± of each commit, seconds of each time log and duration of each
pipeline — ${checked}. Run status: ${first.status}, ${first.failures.length} teammate failures.

**Lower bound**: ${bound.events} events pages + ${bound.commits} commit pages + ${graphql} GraphQL requests = **${lowerBound}**;
first sync ${first.total} requests, **ratio ${(first.total / lowerBound).toFixed(2)}** (above the bound: ${above || 'nothing'}; ${(first.requests['GET /users/:id/events'] ?? 0) - bound.events} events and ${(first.requests['GET /projects/:id/repository/commits'] ?? 0) - bound.commits} commit requests over their pages).
GraphQL: the ${graphql} requests sent carry lists whose data alone needs ${graphqlPageCount} pages at 100 nodes (${pages.pipelines} of pipelines, project by project;
${pages.timelogs} of time logs and ${pages.mergeRequestLists} of merge request lists, teammate by teammate; MR and issue look-ups not counted)${graphql <= graphqlPageCount ? ', so counting GraphQL as sent keeps the bound the stricter one' : ''}.
Mapping the ${run.teammates} teammates first (as \`/pulse map\` does) took ${ours.mapping} requests, not counted above.

**Incremental** re-sync with nothing new: **${incremental.total} requests (${(incremental.total / run.teammates).toFixed(2)} per teammate)**,
${seconds(incremental.wallMs)}, peak RSS ${mib(incremental.peakRssMiB)}, ${Object.keys(incremental.counts).length} teammates with changes, status ${incremental.status},
${events} events requests (${(events / run.teammates).toFixed(2)} per teammate), ${incremental.rateLimited} × 429.

<details><summary>Requests by endpoint</summary>

ActivityPulse first run:

${table(first.requests, first.total, teammateDays)}

Incremental re-sync:

${table(incremental.requests, incremental.total, teammateDays)}

Naive @gitbeaker/rest:

${table(naive.requests, naive.total, teammateDays)}

</details>
`;
}

export function syncSection(
  runs: RunFigures[],
  options: { latencyMs: number; limit: RateLimitOptions },
): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${os.availableParallelism()} CPUs (${cpu}), ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
  return `## Sync

\`npm run bench sync\` (bench/sync.bench.ts), ${new Date().toISOString().slice(0, 10)}. Scenarios from \`bench/sync-scenario.ts\` (seeded; workdays active,
about five people to a project), served by the fake GitLab (\`test/support/fake-gitlab\`) on 127.0.0.1 with ${options.latencyMs} ms added to
every response. For ActivityPulse's sync the fake announces and enforces GitLab.com's limit, ${options.limit.limit} requests per
${options.limit.windowSeconds ?? 60} s (\`RateLimit-*\` headers on every answer, 429 with \`Retry-After\` past it); the naive fetch meets the same
fake with the limit lifted (under it, its thousands of requests would mostly wait), in a process of its own (\`bench/naive-child.ts\`). The sync runs in a child process
(\`bench/sync-child.ts\`: the app's SyncService, ORM and client, \`MALLOC_ARENA_MAX=2\`, \`--optimize-for-size --max-semi-space-size=4\` as \`npm start\`), so its peak RSS
is its own, without the fake GitLab or the bench. PostgreSQL: embedded, in a temp dir. Machine: ${machine}.

${runs.map((run) => sizeSection(run, options.latencyMs, options.limit)).join('\n')}`;
}
