import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createOrm, migrate } from '../src/db/orm.ts';
import { createLogger } from '../src/lib/logger.ts';
import { ActivityQueryService } from '../src/modules/activity/activity-query.service.ts';
import { parseActivityRange } from '../src/modules/activity/activity-range.ts';
import { DigestBuilder } from '../src/modules/digest/digest-builder.service.ts';
import { entities } from '../src/modules/entities.ts';
import { presentDigest } from '../src/slack/ui/digest.ui.ts';
import { writeBenchmarkSection } from './benchmarks-file.ts';

/**
 * Digest benchmark: 200 teammates and 1,000,000 stored activities over a year in the embedded
 * PostgreSQL (loopback only). Times one digest (queries + Block Kit) and a 30-day `/pulse activity`
 * for one person, through the real services; medians and p95 go to BENCHMARKS.md under "Digest".
 */
const TEAMMATES = 200;
const ACTIVITIES = 1_000_000;
const DAYS = 365;
const WARMUP = 3;
const RUNS = 40;
const TEAM = 'TBENCH';
const ZONE = 'Europe/Berlin';
/** The data ends here; digests and queries are asked for days inside it. */
const ANCHOR = new Date('2026-03-13T12:00:00Z');

const logger = createLogger({ level: 'silent' });

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

async function time(label: string, runs: number, work: (run: number) => Promise<unknown>) {
  for (let run = 0; run < WARMUP; run += 1) await work(run);
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work(run + WARMUP);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const result = {
    label,
    runs,
    median: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: samples.at(-1)!,
  };
  process.stdout.write(
    `${label}: median ${result.median.toFixed(1)} ms, p95 ${result.p95.toFixed(1)} ms, max ${result.max.toFixed(1)} ms (${runs} runs)\n`,
  );
  return result;
}

async function seed(
  orm: Awaited<ReturnType<typeof createOrm>>,
): Promise<{ slackUserIds: string[]; seedMs: number }> {
  const sql = orm.em.fork().getConnection();
  const started = performance.now();
  await sql.execute("insert into workspace (id, name, default_timezone) values (?, 'Bench', ?)", [
    TEAM,
    ZONE,
  ]);
  await sql.execute(
    `insert into data_source (id, workspace_id, name, name_key, base_url, token_sealed, jira_url, status, created_by, last_sync_at)
     values ('00000000-0000-4000-8000-000000000001', ?, 'gitlab', 'gitlab', 'https://gitlab.example.com', 'unused',
             'https://jira.example.com', 'ok', 'UADMIN', ?)`,
    [TEAM, ANCHOR],
  );
  await sql.execute(
    `insert into teammate (id, workspace_id, slack_user_id, display_name, timezone)
     select ('10000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, ?, 'U' || lpad(n::text, 8, '0'),
            'Teammate ' || n, ?
       from generate_series(1, ?) n`,
    [TEAM, ZONE, TEAMMATES],
  );
  await sql.execute(
    `insert into external_identity (id, teammate_id, data_source_id, username, username_key, external_user_id)
     select gen_random_uuid(), t.id, '00000000-0000-4000-8000-000000000001', 'user' || t.slack_user_id,
            'user' || lower(t.slack_user_id), row_number() over ()
       from teammate t where t.workspace_id = ?`,
    [TEAM],
  );
  // Kinds weighted like a real team: commits, comments and pipelines dominate.
  await sql.execute(
    `with kinds(k) as (select array['commit_pushed','commit_pushed','commit_pushed','commit_pushed','commit_pushed',
                                    'commit_pushed','mr_commented','mr_commented','mr_commented','pipeline_run',
                                    'pipeline_run','pipeline_run','mr_opened','mr_merged','mr_approved','mr_approved',
                                    'issue_opened','issue_closed','issue_commented','time_logged']),
          people as (select row_number() over (order by id) - 1 as n, id from teammate where workspace_id = ?)
     insert into activity (workspace_id, teammate_id, data_source_id, kind, natural_key, occurred_at, title, url, project,
                           lines_added, lines_removed, duration_seconds, time_spent_seconds, jira_keys,
                           pipeline_status, pickup_seconds, payload)
     select ?, p.id, '00000000-0000-4000-8000-000000000001', k.k[1 + h.ki], 'bench:' || g,
            ?::timestamptz - (g::double precision / ? * ?) * interval '1 day',
            'Change number ' || g || ' of the bench project',
            'https://gitlab.example.com/group/app-' || (g % 40) || '/-/merge_requests/' || (g % 5000) ||
              case when h.ki between 6 and 8 then '#note_' || g else '' end,
            'group/app-' || (g % 40),
            case when h.ki < 6 then (g % 300) end,
            case when h.ki < 6 then (g % 90) end,
            case when h.ki in (6, 14) and g % 3 = 0 then 300 + g % 3600
                 when h.ki between 9 and 11 then 60 + g % 900 end,
            case when h.ki = 19 then 900 + (g % 8) * 900 end,
            case when g % 4 = 0 then array['APP-' || (g % 900)] else '{}' end,
            case when h.ki between 9 and 11 then case when g % 9 = 0 then 'failed' else 'success' end end,
            case when h.ki in (6, 14) and g % 3 = 0 then 600 + g % 20000 end,
            case when h.ki between 9 and 11 then jsonb_build_object('status', case when g % 9 = 0 then 'failed' else 'success' end)
                 else '{}'::jsonb end
       from generate_series(1, ?) g
       cross join lateral (select (hashint4(g) & 2147483647) % 20 as ki) h
       cross join kinds k
       join people p on p.n = g % ?`,
    [TEAM, TEAM, ANCHOR, ACTIVITIES, DAYS, ACTIVITIES, TEAMMATES],
  );
  await sql.execute('analyze');
  const users = await sql.execute<Array<{ slack_user_id: string }>>(
    'select slack_user_id from teammate where workspace_id = ? order by slack_user_id',
    [TEAM],
  );
  return { slackUserIds: users.map((row) => row.slack_user_id), seedMs: performance.now() - started };
}

/** Weekday dates in March 2026 (inside the data), so each run asks for a different window. */
function digestDates(): string[] {
  const dates: string[] = [];
  for (let day = 2; day <= 13; day += 1) {
    const date = new Date(Date.UTC(2026, 2, day));
    if (date.getUTCDay() !== 0 && date.getUTCDay() !== 6) dates.push(date.toISOString().slice(0, 10));
  }
  return dates;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'activitypulse-bench-'));
  const postgres = await startEmbeddedPostgres({ dataDir, database: 'activitypulse_bench' });
  const orm = await createOrm(postgres.url, entities);
  try {
    await migrate(orm);
    process.stdout.write(
      `seeding ${TEAMMATES} teammates and ${ACTIVITIES.toLocaleString('en-US')} activities…\n`,
    );
    const { slackUserIds, seedMs } = await seed(orm);
    process.stdout.write(`seeded in ${(seedMs / 1000).toFixed(1)} s\n`);

    const builder = new DigestBuilder({ orm, logger });
    const dates = digestDates();
    let rows = 0;
    const digest = await time('digest (queries + Block Kit)', RUNS, async (run) => {
      const content = await builder.build({
        workspaceId: TEAM,
        timeZone: ZONE,
        localDate: dates[run % dates.length]!,
        includedUserIds: [],
      });
      rows = content.team.activities;
      return presentDigest(content);
    });
    const activity = new ActivityQueryService(orm);
    const window = parseActivityRange('30d', { now: ANCHOR, timeZone: ZONE });
    if (!window.ok) throw new Error(window.message);
    let items = 0;
    const query = await time('/pulse activity, one person, 30 days', RUNS, async (run) => {
      const answer = await activity.query({
        teamId: TEAM,
        slackUserId: slackUserIds[(run * 37) % slackUserIds.length]!,
        window: window.window,
      });
      if (answer.status === 'ok') items = answer.summary.total;
    });

    // The same read in plain SQL, to tell database time from object mapping in the service.
    const teammateIds = await orm.em
      .fork()
      .getConnection()
      .execute<Array<{ id: string }>>(
        'select id from teammate where workspace_id = ? order by slack_user_id',
        [TEAM],
      );
    const rawSql = await time(
      '30-day read for one person in SQL alone (rows + summary)',
      RUNS,
      async (run) => {
        const connection = orm.em.fork().getConnection();
        const params = [
          TEAM,
          teammateIds[(run * 37) % teammateIds.length]!.id,
          window.window.start,
          window.window.end,
        ];
        await connection.execute(
          `select * from activity where workspace_id = ? and teammate_id = ? and occurred_at >= ? and occurred_at < ?
          order by occurred_at, id limit 500`,
          params,
        );
        await connection.execute(
          `select kind, count(*) from activity where workspace_id = ? and teammate_id = ? and occurred_at >= ? and occurred_at < ?
          group by kind`,
          params,
        );
      },
    );

    const [version] = await orm.em
      .fork()
      .getConnection()
      .execute<Array<{ server_version: string }>>('show server_version');
    const cpus = os.cpus();
    const machine = [
      `- CPU: ${cpus[0]?.model.trim() ?? 'unknown'}, ${os.availableParallelism()} logical CPUs (nproc)`,
      `- Memory: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
      `- Node ${process.versions.node}, PostgreSQL ${version?.server_version ?? 'unknown'} (embedded, default settings, loopback)`,
      `- ${os.type()} ${os.release()} ${os.arch()}`,
    ];
    const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
    const section = [
      '## Digest',
      '',
      `\`npm run bench digest\` (bench/digest.bench.ts), ${new Date().toISOString().slice(0, 10)}. Data: ${TEAMMATES} teammates,`,
      `${ACTIVITIES.toLocaleString('en-US')} activities over ${DAYS} days (about ${Math.round(ACTIVITIES / DAYS).toLocaleString('en-US')} a day), every kind,`,
      `with pipelines, review times and Jira keys; seeded with \`generate_series\` in ${(seedMs / 1000).toFixed(0)} s. ${WARMUP} warm-up runs, then ${RUNS} timed runs each.`,
      '',
      '| what | median | p95 | max |',
      '|---|---|---|---|',
      `| one digest for ${TEAMMATES} people: SQL reads + Block Kit (a weekday, ~${rows.toLocaleString('en-US')} activities in the window; Mondays cover 3 days) | ${fmt(digest.median)} | ${fmt(digest.p95)} | ${fmt(digest.max)} |`,
      `| \`/pulse activity @user 30d\` through ActivityQueryService (~${items.toLocaleString('en-US')} activities) | ${fmt(query.median)} | ${fmt(query.p95)} | ${fmt(query.max)} |`,
      `| the same 30-day read in SQL alone (rows, limit 500, and the per-kind summary) | ${fmt(rawSql.median)} | ${fmt(rawSql.p95)} | ${fmt(rawSql.max)} |`,
      '',
      'Machine:',
      '',
      ...machine,
      '',
      'No new index was needed: `EXPLAIN ANALYZE` on this data shows the digest reading its window through',
      '`activity_workspace_occurred_idx` (a few ms a query) and the person query through `activity_teammate_occurred_idx`.',
      "Most of `/pulse activity`'s time is mapping up to 500 rows to entities, not the database (compare the last row).",
      '',
    ].join('\n');
    await writeBenchmarkSection('Digest', section);
    process.stdout.write('BENCHMARKS.md updated (## Digest)\n');
  } finally {
    await orm.close(true);
    await postgres.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();
