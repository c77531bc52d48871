import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createOrm, migrate } from '../src/db/orm.ts';
import { entities } from '../src/modules/entities.ts';
import {
  createFakeGitLab,
  type FakeGitLab,
  type RateLimitOptions,
} from '../test/support/fake-gitlab/index.ts';
import { writeBenchmarkSection } from './benchmarks-file.ts';
import { byEndpoint, naiveFloorMs, runNaive } from './naive-sync.ts';
import type { ChildInput, ChildMessage, StepFigures } from './sync-child.ts';
import { graphqlPages, type RunFigures, restLowerBound, syncSection } from './sync-report.ts';
import { BENCH_TOKEN, type BenchScenario, buildBenchScenario } from './sync-scenario.ts';
import { countsByKind, differences, type StoredFact, storedTruth, truthOf } from './sync-truth.ts';

/**
 * `npm run bench sync` (bench/run.ts) → this file: the first and the incremental sync of 50
 * teammates × 30 days and of 200 × 90, served by the fake GitLab with 20 ms per request and
 * GitLab.com's rate limit announced and enforced, against a naive @gitbeaker/rest fetch of the same
 * data in the same run; written to BENCHMARKS.md ("Sync"). The app's sync runs in a child process
 * (bench/sync-child.ts) with the flags of `npm start`, so its peak RSS is its own.
 */
const LATENCY_MS = 20;
const END = new Date('2024-06-28T23:00:00Z');
/** GitLab.com's limit for authenticated API requests (GITLAB.md, "Rate limits"). */
const GITLAB_COM_LIMIT: RateLimitOptions = { limit: 2_000, windowSeconds: 60 };
/** `BENCH_SYNC_SIZES=50x30` runs one size (while working on the sync); BENCHMARKS.md carries both. */
const SIZES = (process.env.BENCH_SYNC_SIZES ?? '50x30,200x90').split(',').map((size) => {
  const [teammates, days] = size.split('x').map(Number);
  return { teammates: teammates!, days: days! };
});

interface ChildRun {
  mapping: number;
  first: StepFigures & { requests: Record<string, number>; total: number; rateLimited: number };
  incremental: StepFigures & { requests: Record<string, number>; total: number; rateLimited: number };
}

/** Runs bench/sync-child.ts, counting the fake GitLab's requests step by step. */
function runChild(input: ChildInput, fake: FakeGitLab): Promise<ChildRun> {
  const child = fork(path.join(import.meta.dirname, 'sync-child.ts'), [JSON.stringify(input)], {
    execArgv: [
      '--optimize-for-size',
      '--max-semi-space-size=4',
      ...(process.env.BENCH_CHILD_FLAGS?.split(' ').filter(Boolean) ?? []),
    ],
    // As `npm start` runs it (package.json): glibc's malloc held to two arenas.
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const run: Partial<ChildRun> = {};
  return new Promise((resolve, reject) => {
    child.on('message', (message: ChildMessage) => {
      if (message.step === 'error') return reject(new Error(`sync child failed: ${message.message}`));
      if (process.env.BENCH_DUMP && message.step !== 'mapped')
        writeFileSync(`${process.env.BENCH_DUMP}-${message.step}.json`, JSON.stringify(fake.requests));
      if (message.step === 'mapped') run.mapping = fake.requests.length;
      else
        run[message.step] = {
          ...message,
          requests: byEndpoint(fake),
          total: fake.requests.length,
          rateLimited: fake.requests.filter((request) => request.status === 429).length,
        };
      fake.requests.length = 0;
      child.send('go');
    });
    child.on('exit', (code) => {
      if (code === 0 && run.first && run.incremental && run.mapping !== undefined) resolve(run as ChildRun);
      else reject(new Error(`sync child exited with ${code}`));
    });
  });
}

async function storedFacts(databaseUrl: string): Promise<StoredFact[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<StoredFact>(
      `select lower(substr(t.slack_user_id, 2)) as username, a.kind,
         regexp_replace(a.natural_key, '^gitlab:[^:]+:[0-9]+:', '') as key,
         a.lines_added as "linesAdded", a.lines_removed as "linesRemoved",
         a.time_spent_seconds as "timeSpent", a.duration_seconds as duration
       from activity a join teammate t on t.id = a.teammate_id`,
    );
    return rows;
  } finally {
    await client.end();
  }
}

async function measure(size: { teammates: number; days: number }): Promise<RunFigures> {
  const bench: BenchScenario = buildBenchScenario({ ...size, end: END });
  const windowStart = new Date(END.getTime() - size.days * 86_400_000);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'activitypulse-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir, database: 'activitypulse_bench' });
  const fake = await createFakeGitLab(structuredClone(bench.scenario), {
    latencyMs: LATENCY_MS,
    rateLimit: GITLAB_COM_LIMIT,
  });
  try {
    const orm = await createOrm(postgres.url, entities);
    await migrate(orm);
    await orm.close(true);
    const ours = await runChild(
      {
        databaseUrl: postgres.url,
        gitlabUrl: fake.url,
        token: BENCH_TOKEN,
        usernames: bench.usernames,
        end: END.toISOString(),
        firstSyncDays: size.days,
      },
      fake,
    );
    // Correctness before any figure: every teammate's activities equal the scenario's truth.
    const truth = truthOf(bench.scenario, { start: windowStart, end: END });
    const wrong = differences(truth, storedTruth(await storedFacts(postgres.url)));
    const changed = Object.keys(ours.incremental.counts).length;
    if (wrong.length > 0 || ours.first.status !== 'succeeded' || ours.first.rateLimited > 0) {
      throw new Error(
        `${size.teammates} × ${size.days}: FAILED the correctness check (status ${ours.first.status}, ${ours.first.rateLimited} × 429, ${ours.first.failures.join('; ')}):\n${wrong.join('\n')}`,
      );
    }
    if (ours.incremental.status !== 'succeeded' || changed !== 0 || ours.incremental.rateLimited > 0) {
      throw new Error(
        `${size.teammates} × ${size.days}: FAILED: the re-sync with nothing new stored for ${changed} teammates (status ${ours.incremental.status})`,
      );
    }
    const bound = restLowerBound(bench, windowStart, END);
    const graphql = ours.first.requests['POST /api/graphql'] ?? 0;
    const lowerBound = bound.events + bound.commits + graphql;
    process.stdout.write(
      `${size.teammates} × ${size.days}: correctness OK; ${ours.first.total} requests, lower bound ${lowerBound}, ratio ${(ours.first.total / lowerBound).toFixed(2)}; ${(ours.first.wallMs / 1000).toFixed(1)} s; peak RSS ${ours.first.peakRssMiB.toFixed(0)} MiB; ${ours.first.rateLimited} × 429; incremental ${ours.incremental.total} requests\n`,
    );
    // The naive fetch meets the same fake GitLab with the limit lifted: under 2,000 a minute its
    // thousands of requests would take minutes of waiting, which is not what is compared here.
    await fake.close();
    const unlimited = await createFakeGitLab(structuredClone(bench.scenario), { latencyMs: LATENCY_MS });
    // The naive fetch is run whole (200 × 90: 80,000 requests, several minutes); `BENCH_NAIVE=listings`
    // sends its listings only and counts its per-item requests (a quick run while working).
    const whole = process.env.BENCH_NAIVE !== 'listings';
    const naive = await runNaive({ ...size, end: END }, unlimited, { listingsOnly: !whole }).finally(() =>
      unlimited.close(),
    );
    const naiveMs = whole ? naive.wallMs : naiveFloorMs(naive, LATENCY_MS);
    process.stdout.write(
      `${size.teammates} × ${size.days}: naive ${naive.total} requests, ${(naiveMs / 1000).toFixed(1)} s${whole ? '' : ' (floor)'}; wall-time ratio ${(naiveMs / ours.first.wallMs).toFixed(1)}\n`,
    );
    const pages = graphqlPages(bench, windowStart, END);
    return { ...size, bench, ours, naive, bound, graphql, pages, checked: countsByKind(truth) };
  } finally {
    await fake.close().catch(() => undefined);
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const runs: RunFigures[] = [];
for (const size of SIZES) runs.push(await measure(size));
const section = syncSection(runs, { latencyMs: LATENCY_MS, limit: GITLAB_COM_LIMIT });
await writeBenchmarkSection('Sync', section);
process.stdout.write(`${section}\n`);
