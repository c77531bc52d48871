import type { Orm } from '../src/db/orm.ts';

/**
 * A busy team seeded straight into PostgreSQL with `generate_series`: every kind of activity,
 * weighted like a real team (commits, comments and pipelines dominate), with pipelines that fail,
 * review times and Jira keys, spread evenly over `days` up to `anchor`. The digest benchmark seeds
 * a year of it (1,000,000 rows); the Slack limits test seeds two weeks at the same density.
 */
export interface BusyTeam {
  team: string;
  zone: string;
  teammates: number;
  activities: number;
  days: number;
  anchor: Date;
}

const SOURCE_ID = '00000000-0000-4000-8000-000000000001';

export async function seedBusyTeam(
  orm: Orm,
  options: BusyTeam,
): Promise<{ slackUserIds: string[]; sourceId: string; seedMs: number }> {
  const {
    team: TEAM,
    zone: ZONE,
    teammates: TEAMMATES,
    activities: ACTIVITIES,
    days: DAYS,
    anchor: ANCHOR,
  } = options;
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
  return {
    slackUserIds: users.map((row) => row.slack_user_id),
    sourceId: SOURCE_ID,
    seedMs: performance.now() - started,
  };
}
