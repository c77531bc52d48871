import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Gitlab } from '@gitbeaker/rest';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createOrm, migrate } from '../src/db/orm.ts';
import { createGitLabDispatcher } from '../src/gitlab/index.ts';
import { createLogger } from '../src/lib/logger.ts';
import { SecretBox } from '../src/lib/secret-box.ts';
import { entities } from '../src/modules/entities.ts';
import { DataSourceRepository } from '../src/modules/sources/data-source.repository.ts';
import { SourceClients } from '../src/modules/sources/source-clients.ts';
import { SyncService } from '../src/modules/sync/sync.service.ts';
import { TeammatesService } from '../src/modules/teammates/teammates.service.ts';
import { createFakeGitLab, type FakeGitLab } from '../test/support/fake-gitlab/index.ts';
import { writeBenchmarkSection } from './benchmarks-file.ts';
import { BENCH_TOKEN, buildBenchScenario } from './sync-scenario.ts';
import { countsByKind, differences, type StoredFact, storedTruth, truthOf } from './sync-truth.ts';

/**
 * `npm run bench` (bench/run.ts) → this file: the sync of 50 teammates × 30 days served by the fake
 * GitLab with 20 ms per request, against a naive @gitbeaker/rest fetch of the same data, both
 * written to BENCHMARKS.md ("Sync").
 */
const TEAMMATES = 50;
const DAYS = 30;
const LATENCY_MS = 20;
const NAIVE_CONCURRENCY = 8;
const END = new Date('2024-06-28T23:00:00Z');

const bench = buildBenchScenario({ teammates: TEAMMATES, days: DAYS, end: END });
const teammateDays = TEAMMATES * DAYS;
/** The sync's first-run window (SyncService's default of 30 days before `now`). */
const WINDOW_START = new Date(END.getTime() - 30 * 86_400_000);
const PAGE = 100;

/**
 * The fewest REST pages that hold the scenario's data (issue 17): each teammate's events at 100 a
 * page (one page even when empty), and each project's commits of the window at 100 a page. GraphQL
 * is counted as the run asks it (another change works on those lists).
 */
function restLowerBound(): { events: number; commits: number } {
  const within = (at: string) => Date.parse(at) >= WINDOW_START.getTime() && Date.parse(at) <= END.getTime();
  let events = 0;
  for (const username of bench.usernames) {
    const mine = (bench.scenario.events ?? []).filter(
      (event) => event.author === username && within(event.created_at),
    );
    events += Math.max(1, Math.ceil(mine.length / PAGE));
  }
  const perProject = new Map<number, number>();
  for (const commit of bench.scenario.commits ?? []) {
    if (within(commit.committed_date))
      perProject.set(commit.project_id, (perProject.get(commit.project_id) ?? 0) + 1);
  }
  const commits = [...perProject.values()].reduce((sum, count) => sum + Math.ceil(count / PAGE), 0);
  return { events, commits };
}

function byEndpoint(fake: FakeGitLab): Record<string, number> {
  const counts = fake.countsByEndpoint();
  // GraphQL requests are told apart by what they asked for.
  return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
}

function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

async function runOurs() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'activitypulse-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir, database: 'activitypulse_bench' });
  const orm = await createOrm(postgres.url, entities);
  await migrate(orm);
  const fake = await createFakeGitLab(structuredClone(bench.scenario), { latencyMs: LATENCY_MS });
  const dispatcher = createGitLabDispatcher({ allowedHosts: ['127.0.0.1'] });
  try {
    const repository = new DataSourceRepository(new SecretBox(Buffer.alloc(32, 3)));
    const em = orm.em.fork();
    await em.execute(
      "insert into workspace (id, default_timezone, admin_user_ids) values ('TBENCH', 'UTC', '{}')",
    );
    const source = repository.create(em, {
      workspaceId: 'TBENCH',
      name: 'bench',
      baseUrl: fake.url,
      token: BENCH_TOKEN,
      jiraUrl: null,
      createdBy: 'U0',
    });
    await em.flush();
    // Teammates are mapped as /pulse map does (TeammatesService.map): the GitLab user id is looked up
    // and stored then, so the sync never asks for it. Those look-ups are mapping's, not the sync's.
    const clients = new SourceClients({ dispatcher, repository, logger: createLogger({ level: 'warn' }) });
    const teammates = new TeammatesService({
      orm,
      repository,
      clients,
      logger: createLogger({ level: 'warn' }),
    });
    for (const username of bench.usernames) {
      await teammates.map({
        teamId: 'TBENCH',
        person: { slackUserId: `U${username.toUpperCase()}` },
        username,
        sourceName: 'bench',
      });
    }
    const mappingRequests = fake.requests.length;
    fake.requests.length = 0;
    const service = new SyncService({
      orm,
      sources: repository,
      dispatcher,
      logger: createLogger({ level: 'warn' }),
      now: () => END,
    });

    const started = performance.now();
    const first = await service.sync({ workspaceId: 'TBENCH', dataSourceId: source.id, trigger: 'cron' });
    const wallMs = performance.now() - started;
    const result = first.sources[0]!;
    const stored = Object.values(result.counts).reduce(
      (sum, kinds) => sum + Object.values(kinds).reduce((inner, count) => inner + (count ?? 0), 0),
      0,
    );
    const firstRequests = byEndpoint(fake);
    const firstTotal = fake.requests.length;
    const rss = peakRssMb();
    const [{ count: rows } = { count: 0 }] = await em.execute<Array<{ count: number }>>(
      'select count(*)::int as count from activity',
    );
    const facts = await em.execute<StoredFact[]>(
      `select lower(substr(t.slack_user_id, 2)) as username, a.kind,
         regexp_replace(a.natural_key, '^gitlab:[^:]+:[0-9]+:', '') as key,
         a.lines_added as "linesAdded", a.lines_removed as "linesRemoved",
         a.time_spent_seconds as "timeSpent", a.duration_seconds as duration
       from activity a join teammate t on t.id = a.teammate_id`,
    );

    fake.requests.length = 0;
    const incrementalStarted = performance.now();
    const second = await service.sync({ workspaceId: 'TBENCH', dataSourceId: source.id, trigger: 'cron' });
    const incrementalMs = performance.now() - incrementalStarted;
    return {
      status: result.status,
      failures: result.failures.length,
      wallMs,
      firstTotal,
      firstRequests,
      stored,
      rows,
      rss,
      facts,
      mappingRequests,
      incremental: {
        status: second.sources[0]!.status,
        total: fake.requests.length,
        requests: byEndpoint(fake),
        stored: Object.keys(second.sources[0]!.counts).length,
        wallMs: incrementalMs,
      },
    };
  } finally {
    await dispatcher.close();
    await fake.close();
    await orm.close(true);
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * What a user would write with @gitbeaker/rest to get the same data: list MRs, issues, commits and
 * pipelines per project, then one request per MR (notes, approvals, reviewers), per issue (notes,
 * time stats — REST has no single time entries), per commit (stats) and per pipeline (duration).
 * Only fetching is measured: nothing is mapped or stored. Eight requests at a time.
 */
async function runNaive() {
  const fake = await createFakeGitLab(structuredClone(bench.scenario), { latencyMs: LATENCY_MS });
  const api = new Gitlab({ host: fake.url, token: BENCH_TOKEN });
  const since = bench.start.toISOString();
  const tasks: Array<() => Promise<unknown>> = [];
  const pool = async () => {
    while (tasks.length > 0) await tasks.shift()!();
  };
  const runAll = () => Promise.all(Array.from({ length: NAIVE_CONCURRENCY }, pool));
  let fetched = 0;
  const count = (items: unknown) => {
    fetched += Array.isArray(items) ? items.length : 1;
    return items;
  };
  const started = performance.now();
  try {
    for (const username of bench.usernames) tasks.push(async () => count(await api.Users.all({ username })));
    for (const projectPath of bench.projectPaths) {
      tasks.push(async () => {
        const mrs = await api.MergeRequests.all({
          projectId: projectPath,
          updatedAfter: since,
          perPage: 100,
        });
        count(mrs);
        for (const mr of mrs) {
          tasks.push(async () =>
            count(await api.MergeRequestNotes.all(projectPath, mr.iid, { perPage: 100 })),
          );
          tasks.push(async () =>
            count(
              await api.MergeRequestApprovals.showConfiguration(projectPath, { mergerequestIId: mr.iid }),
            ),
          );
          tasks.push(async () => count(await api.MergeRequests.showReviewers(projectPath, mr.iid)));
        }
      });
      tasks.push(async () => {
        const commits = await api.Commits.all(projectPath, { since, all: true, perPage: 100 });
        count(commits);
        for (const commit of commits) {
          tasks.push(async () => count(await api.Commits.show(projectPath, commit.id, { stats: true })));
        }
      });
      tasks.push(async () => {
        const pipelines = await api.Pipelines.all(projectPath, { updatedAfter: since, perPage: 100 });
        count(pipelines);
        for (const pipeline of pipelines) {
          tasks.push(async () => count(await api.Pipelines.show(projectPath, pipeline.id)));
        }
      });
    }
    tasks.push(async () => {
      const issues = await api.Issues.all({ scope: 'all', updatedAfter: since, perPage: 100 });
      count(issues);
      for (const issue of issues) {
        tasks.push(async () =>
          count(await api.IssueNotes.all(issue.project_id, issue.iid, { perPage: 100 })),
        );
        tasks.push(async () => count(await api.Issues.showTimeStats(issue.project_id, issue.iid)));
      }
    });
    // Tasks add tasks: run until nothing is left.
    while (tasks.length > 0) await runAll();
    return {
      wallMs: performance.now() - started,
      total: fake.requests.length,
      requests: byEndpoint(fake),
      fetched,
      failed: fake.requests.filter((request) => request.status >= 400).length,
    };
  } finally {
    await fake.close();
  }
}

function table(requests: Record<string, number>, total: number): string {
  return Object.entries(requests)
    .map(([endpoint, n]) => `| \`${endpoint}\` | ${n} | ${(n / teammateDays).toFixed(3)} |`)
    .concat([`| **total** | **${total}** | **${(total / teammateDays).toFixed(3)}** |`])
    .join('\n');
}

const ours = await runOurs();

// Correctness before any figure: every teammate's activities equal the scenario's truth.
const truth = truthOf(bench.scenario, { start: WINDOW_START, end: END });
const wrong = differences(truth, storedTruth(ours.facts));
if (wrong.length > 0 || ours.status !== 'succeeded') {
  process.stderr.write(
    `Sync bench FAILED the correctness check (status ${ours.status}):\n${wrong.join('\n')}\n`,
  );
  process.exit(1);
}
// A second run over the same data must find nothing to store.
if (ours.incremental.status !== 'succeeded' || ours.incremental.stored !== 0) {
  process.stderr.write(
    `Sync bench FAILED: the re-sync with nothing new stored for ${ours.incremental.stored} teammates (status ${ours.incremental.status})\n`,
  );
  process.exit(1);
}
const truthCounts = countsByKind(truth);
const checked = Object.entries(truthCounts)
  .sort((a, b) => b[1] - a[1])
  .map(([kind, n]) => `${n} ${kind}`)
  .join(', ');
const graphql = ours.firstRequests['POST /api/graphql'] ?? 0;
const bound = restLowerBound();
const lowerBound = bound.events + bound.commits + graphql;
const ratio = ours.firstTotal / lowerBound;
const rest = ours.firstTotal - graphql;
const restRatio = rest / (bound.events + bound.commits);
process.stdout.write(
  `correctness: OK (${checked}); lower bound ${lowerBound} (events ${bound.events} + commits ${bound.commits} + GraphQL ${graphql}); requests ${ours.firstTotal}; ratio ${ratio.toFixed(2)}\n`,
);

const naive = await runNaive();
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const machine = `${os.availableParallelism()} CPUs (${cpu}), ${Math.round(os.totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const section = `## Sync

Scenario (\`bench/sync-scenario.ts\`, seeded): ${TEAMMATES} teammates × ${DAYS} days (workdays active) on 10 projects —
${bench.scenario.events?.length} events, ${bench.scenario.commits?.length} commits with stats, ${bench.scenario.mergeRequests?.length} MRs with reviews,
comments and approvals, ${bench.scenario.issues?.length} issues, ${bench.scenario.timelogs?.length} time logs, ${bench.scenario.pipelines?.length} pipelines — served by the fake GitLab
(\`test/support/fake-gitlab\`) on 127.0.0.1 with ${LATENCY_MS} ms added to every response. PostgreSQL: embedded, in a temp dir.
Machine: ${machine}. Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.

| | ActivityPulse sync (first run) | naive @gitbeaker/rest |
|---|---|---|
| API requests | ${ours.firstTotal} | ${naive.total} |
| requests per teammate-day | ${(ours.firstTotal / teammateDays).toFixed(3)} | ${(naive.total / teammateDays).toFixed(3)} |
| wall time | ${seconds(ours.wallMs)} (4 teammates at a time) | ${seconds(naive.wallMs)} (${NAIVE_CONCURRENCY} requests at a time, fetch only, nothing stored) |
| activities stored | ${ours.stored} (${ours.rows} rows; ${Math.round(ours.stored / (ours.wallMs / 1000))}/s) | — |
| peak RSS of the bench process | ${ours.rss} MB (includes the in-process fake GitLab) | — |

**Correctness** (checked before any ratio is printed; the bench fails otherwise): every teammate's stored
activities equal the scenario's truth, key by key, with lines ± of each commit, seconds of each time log and
duration of each pipeline — ${checked}.

**Lower bound** (pages the data needs): ${bound.events} events pages (each teammate's events at ${PAGE} a page) +
${bound.commits} commit pages (each project's commits of the window at ${PAGE} a page) + ${graphql} GraphQL requests
(counted as the run asks them) = **${lowerBound}**. First sync: ${ours.firstTotal} requests, **ratio ${ratio.toFixed(2)}**
(REST alone: ${rest} for ${bound.events + bound.commits} pages, ${restRatio.toFixed(2)}; above the bound:
${
  Object.entries(ours.firstRequests)
    .filter(
      ([endpoint]) =>
        !['GET /users/:id/events', 'GET /projects/:id/repository/commits', 'POST /api/graphql'].includes(
          endpoint,
        ),
    )
    .map(([endpoint, n]) => `${n} \`${endpoint}\``)
    .join(', ') || 'nothing'
}, and ${(ours.firstRequests['GET /users/:id/events'] ?? 0) - bound.events} events and ${(ours.firstRequests['GET /projects/:id/repository/commits'] ?? 0) - bound.commits} commit requests over their pages).
Teammates are mapped first as \`/pulse map\` does (TeammatesService.map looks each GitLab user id up once,
${ours.mappingRequests} requests, and stores it), so the sync never asks \`GET /users\`; those look-ups are not counted above.

Run status: ${ours.status}, ${ours.failures} teammate failures. The naive fetch gets no per-person attribution for commits
(git author ≠ GitLab user), no single time-log entries (REST has per-issue totals only) and ${naive.failed} failed requests.

Incremental re-sync with nothing new: **${ours.incremental.total} requests for ${TEAMMATES} teammates
(${(ours.incremental.total / TEAMMATES).toFixed(2)} per teammate)**, ${seconds(ours.incremental.wallMs)}, ${ours.incremental.stored} teammates with changes, status ${ours.incremental.status}:
${ours.incremental.requests['GET /users/:id/events'] ?? 0} events requests (${((ours.incremental.requests['GET /users/:id/events'] ?? 0) / TEAMMATES).toFixed(2)} per teammate) and
${ours.incremental.requests['POST /api/graphql'] ?? 0} GraphQL requests (time logs, review requests, own MRs and pipelines are lists per teammate, packed by GitLab's query complexity).
A naive re-fetch repeats its whole first run.

ActivityPulse first run, requests by endpoint:

| endpoint | requests | per teammate-day |
|---|---|---|
${table(ours.firstRequests, ours.firstTotal)}

Incremental re-sync, requests by endpoint:

| endpoint | requests | per teammate-day |
|---|---|---|
${table(ours.incremental.requests, ours.incremental.total)}

Naive @gitbeaker/rest, requests by endpoint:

| endpoint | requests | per teammate-day |
|---|---|---|
${table(naive.requests, naive.total)}
`;

await writeBenchmarkSection('Sync', section);
process.stdout.write(`${section}\n`);
