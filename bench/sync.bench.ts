import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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
import { SyncService } from '../src/modules/sync/sync.service.ts';
import { createFakeGitLab, type FakeGitLab } from '../test/support/fake-gitlab/index.ts';
import { BENCH_TOKEN, buildBenchScenario } from './sync-scenario.ts';

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
    for (const username of bench.usernames) {
      const teammateId = crypto.randomUUID();
      await em.execute('insert into teammate (id, workspace_id, slack_user_id) values (?, ?, ?)', [
        teammateId,
        'TBENCH',
        `U${username.toUpperCase()}`,
      ]);
      await em.execute(
        'insert into external_identity (id, teammate_id, data_source_id, username, username_key) values (?, ?, ?, ?, ?)',
        [crypto.randomUUID(), teammateId, source.id, username, username],
      );
    }
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

Run status: ${ours.status}, ${ours.failures} teammate failures. The naive fetch gets no per-person attribution for commits
(git author ≠ GitLab user), no single time-log entries (REST has per-issue totals only) and ${naive.failed} failed requests.

Incremental re-sync with nothing new: **${ours.incremental.total} requests for ${TEAMMATES} teammates
(${(ours.incremental.total / TEAMMATES).toFixed(2)} per teammate)**, ${seconds(ours.incremental.wallMs)}, ${ours.incremental.stored} teammates with changes, status ${ours.incremental.status}.
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

const file = path.resolve(import.meta.dirname, '..', 'BENCHMARKS.md');
const existing = await readFile(file, 'utf8').catch(() => '# Benchmarks\n\nProduced by `npm run bench`.\n');
const pattern = /## Sync\n[\s\S]*?(?=\n## |$)/;
const updated = pattern.test(existing)
  ? existing.replace(pattern, section)
  : `${existing.trimEnd()}\n\n${section}`;
await writeFile(file, updated);
process.stdout.write(`${section}\n`);
