import type { Orm } from '../../db/orm.ts';

/** One person's week at a glance: what they shipped and a daily activity count for the sparkline. */
export interface PersonWeek {
  slackUserId: string;
  merged: Array<{ title: string; url: string | null }>;
  mergedCount: number;
  commits: number;
  reviews: number;
  /** Activities per local day, oldest first, `days` long (ending today). */
  daily: number[];
}

/** A review someone was asked for and has not given yet, on an MR still open as far as we know. */
export interface WaitingReview {
  reviewerSlackUserId: string;
  title: string;
  url: string | null;
  requestedAt: Date;
}

/** The latest pipeline of a project and branch, when it failed. */
export interface FailingPipeline {
  slackUserId: string;
  project: string | null;
  ref: string | null;
  title: string;
  url: string | null;
  at: Date;
}

export interface TeamWeek {
  people: PersonWeek[];
  waiting: WaitingReview[];
  failing: FailingPipeline[];
}

export interface TeamWeekReader {
  /**
   * The team's week (window start to end) and each person's last `days` local days, in `timeZone`.
   * Lists are capped: the App Home shows a glance, `/pulse activity` the detail.
   */
  read(input: { teamId: string; start: Date; end: Date; days: number; timeZone: string }): Promise<TeamWeek>;
}

const MERGED_PER_PERSON = 3;
const WAITING_LIMIT = 10;
const FAILING_LIMIT = 10;

export function teamWeekReader(orm: Orm): TeamWeekReader {
  return {
    async read({ teamId, start, end, days, timeZone }) {
      const sql = orm.em.fork().getConnection();
      const sparkStart = new Date(end.getTime() - days * 86_400_000);
      const [people, daily, waiting, failing] = await Promise.all([
        sql.execute<
          Array<{
            slack_user_id: string;
            merged_count: number;
            commits: number;
            reviews: number;
            merged: Array<{ title: string; url: string | null }> | null;
          }>
        >(
          `select t.slack_user_id,
                  count(*) filter (where a.kind = 'mr_merged')::int as merged_count,
                  count(*) filter (where a.kind = 'commit_pushed')::int as commits,
                  count(distinct a.merge_request_ref) filter (where a.is_review)::int as reviews,
                  (array_agg(json_build_object('title', a.title, 'url', a.url) order by a.occurred_at desc)
                     filter (where a.kind = 'mr_merged'))[1:${MERGED_PER_PERSON}] as merged
             from activity a join teammate t on t.id = a.teammate_id
            where a.workspace_id = ? and a.occurred_at >= ? and a.occurred_at < ?
            group by t.slack_user_id
            order by count(*) desc, t.slack_user_id`,
          [teamId, start, end],
        ),
        sql.execute<Array<{ slack_user_id: string; day: string; n: number }>>(
          `select t.slack_user_id, to_char(a.occurred_at at time zone ?::text, 'YYYY-MM-DD') as day, count(*)::int as n
             from activity a join teammate t on t.id = a.teammate_id
            where a.workspace_id = ? and a.occurred_at >= ? and a.occurred_at < ?
            group by 1, 2`,
          [timeZone, teamId, sparkStart, end],
        ),
        sql.execute<
          Array<{ slack_user_id: string; title: string; url: string | null; requested_at: string | Date }>
        >(
          `select t.slack_user_id, r.title, r.url, r.occurred_at as requested_at
             from activity r join teammate t on t.id = r.teammate_id
            where r.workspace_id = ? and r.kind = 'mr_review_requested' and r.occurred_at < ?
              and r.occurred_at >= ?::timestamptz - interval '30 days'
              and not exists (select 1 from activity v
                               where v.workspace_id = r.workspace_id and v.teammate_id = r.teammate_id
                                 and v.is_review and v.merge_request_ref = r.merge_request_ref)
              and not exists (select 1 from activity m
                               where m.workspace_id = r.workspace_id and m.merge_request_ref = r.merge_request_ref
                                 and m.kind in ('mr_merged', 'mr_closed'))
            order by r.occurred_at
            limit ${WAITING_LIMIT}`,
          [teamId, end, end],
        ),
        sql.execute<
          Array<{
            slack_user_id: string;
            project: string | null;
            ref: string | null;
            title: string;
            url: string | null;
            occurred_at: string | Date;
          }>
        >(
          // The branch's latest pipeline in the window (`ref` is GitLab's own field, kept raw).
          `select slack_user_id, project, ref, title, url, occurred_at from (
             select distinct on (a.project, a.payload->>'ref') t.slack_user_id, a.project,
                    a.payload->>'ref' as ref, a.title, a.url, a.occurred_at, a.pipeline_status
               from activity a join teammate t on t.id = a.teammate_id
              where a.workspace_id = ? and a.kind = 'pipeline_run' and a.occurred_at >= ? and a.occurred_at < ?
              order by a.project, a.payload->>'ref', a.occurred_at desc) latest
            where pipeline_status = 'failed'
            order by occurred_at desc
            limit ${FAILING_LIMIT}`,
          [teamId, start, end],
        ),
      ]);
      const dayKeys = Array.from({ length: days }, (_, index) =>
        // Noon of each day, so a daylight-saving change never moves it to the neighbouring date.
        localDay(new Date(end.getTime() - (days - index) * 86_400_000 + 12 * 3_600_000), timeZone),
      );
      const dailyByPerson = new Map<string, Map<string, number>>();
      for (const row of daily) {
        const map = dailyByPerson.get(row.slack_user_id) ?? new Map<string, number>();
        map.set(row.day, row.n);
        dailyByPerson.set(row.slack_user_id, map);
      }
      return {
        people: people.map((row) => ({
          slackUserId: row.slack_user_id,
          merged: row.merged ?? [],
          mergedCount: row.merged_count,
          commits: row.commits,
          reviews: row.reviews,
          daily: dayKeys.map((day) => dailyByPerson.get(row.slack_user_id)?.get(day) ?? 0),
        })),
        waiting: waiting.map((row) => ({
          reviewerSlackUserId: row.slack_user_id,
          title: row.title,
          url: row.url,
          requestedAt: new Date(row.requested_at),
        })),
        failing: failing.map((row) => ({
          slackUserId: row.slack_user_id,
          project: row.project,
          ref: row.ref,
          title: row.title,
          url: row.url,
          at: new Date(row.occurred_at),
        })),
      };
    },
  };
}

/** `YYYY-MM-DD` of an instant in a zone. */
function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}
