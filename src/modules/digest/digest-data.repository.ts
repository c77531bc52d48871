import type { EntityManager } from '@mikro-orm/postgresql';
import { KIND_TOTALS_COLUMNS, type KindTotals } from '../activity/kind-totals.ts';
import type { DigestHighlight, DigestPerson } from './digest.types.ts';
import type { ReviewAction } from './review-time.ts';

/** Highlights kept per person; the rest are counted. */
export const HIGHLIGHTS_PER_PERSON = 5;
export const COMMITS_PER_PERSON = 3;
export const JIRA_KEYS_PER_PERSON = 8;

export interface TeammateRow {
  id: string;
  slackUserId: string;
  displayName: string | null;
}

export interface KindTotalsRow extends KindTotals {
  teammateId: string;
}

type Window = { start: Date; end: Date };

/** A PostgreSQL array literal (a JS array parameter would be expanded into a list of parameters). */
function pgTextArray(values: string[]): string {
  return `{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

const _toDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/**
 * The digest's reads: a handful of set-based queries over one window (counts and sums in SQL,
 * the few rows that are listed fetched with a per-person limit), whatever the table holds.
 */
export class DigestDataRepository {
  /** Teammates mapped to at least one source; `only` narrows to Slack user ids (empty: everyone). */
  async teammates(em: EntityManager, workspaceId: string, only: string[]): Promise<TeammateRow[]> {
    const rows = await em
      .getConnection()
      .execute<Array<{ id: string; slack_user_id: string; display_name: string | null }>>(
        `select t.id, t.slack_user_id, t.display_name
         from teammate t
        where t.workspace_id = ?
          and exists (select 1 from external_identity ei where ei.teammate_id = t.id)
          and (cardinality(?::text[]) = 0 or t.slack_user_id = any(?::text[]))
        order by lower(coalesce(t.display_name, t.slack_user_id)), t.slack_user_id`,
        [workspaceId, pgTextArray(only), pgTextArray(only)],
      );
    return rows.map((row) => ({ id: row.id, slackUserId: row.slack_user_id, displayName: row.display_name }));
  }

  async totalsByKind(em: EntityManager, workspaceId: string, window: Window): Promise<KindTotalsRow[]> {
    const rows = await em.getConnection().execute<Array<KindTotals & { teammate_id: string }>>(
      `select teammate_id, kind, ${KIND_TOTALS_COLUMNS}
         from activity
        where workspace_id = ? and occurred_at >= ? and occurred_at < ?
        group by teammate_id, kind`,
      [workspaceId, window.start, window.end],
    );
    return rows.map((row) => ({
      teammateId: row.teammate_id,
      kind: row.kind,
      n: row.n,
      added: row.added,
      removed: row.removed,
      spent: row.spent,
      passed: row.passed,
      failed: row.failed,
    }));
  }

  /** Approvals and MR comments, each with the MR it belongs to (its URL without the `#note_…` anchor). */
  async reviewActions(
    em: EntityManager,
    workspaceId: string,
    window: Window,
  ): Promise<Map<string, ReviewAction[]>> {
    const rows = await em.getConnection().execute<
      Array<{
        teammate_id: string;
        kind: 'mr_approved' | 'mr_commented';
        pickup: number | null;
        effort: number | null;
        target: string;
      }>
    >(
      `select teammate_id, kind, duration_seconds as effort,
              pickup_seconds as pickup,
              coalesce(nullif(split_part(url, '#', 1), ''), coalesce(project, '') || ' ' || title) as target
         from activity
        where workspace_id = ? and occurred_at >= ? and occurred_at < ?
          and kind in ('mr_approved', 'mr_commented')`,
      [workspaceId, window.start, window.end],
    );
    const byTeammate = new Map<string, ReviewAction[]>();
    for (const row of rows) {
      const action: ReviewAction = {
        kind: row.kind,
        pickupSeconds: row.pickup,
        effortSeconds: row.effort,
        target: row.target,
      };
      const list = byTeammate.get(row.teammate_id);
      if (list) list.push(action);
      else byTeammate.set(row.teammate_id, [action]);
    }
    return byTeammate;
  }

  /** MRs merged and opened, issues closed and opened: the first few per person, and how many in all. */
  async highlights(
    em: EntityManager,
    workspaceId: string,
    window: Window,
  ): Promise<Map<string, { items: DigestHighlight[]; total: number }>> {
    const rows = await em.getConnection().execute<
      Array<{
        teammate_id: string;
        kind: DigestHighlight['kind'];
        title: string;
        url: string | null;
        project: string | null;
        total: number;
      }>
    >(
      `select teammate_id, kind, title, url, project, total
         from (select teammate_id, kind, title, url, project, occurred_at, id,
                      row_number() over (partition by teammate_id
                        order by array_position(array['mr_merged', 'mr_opened', 'issue_closed', 'issue_opened'], kind),
                                 occurred_at, id) as rank,
                      (count(*) over (partition by teammate_id))::int as total
                 from activity
                where workspace_id = ? and occurred_at >= ? and occurred_at < ?
                  and kind in ('mr_merged', 'mr_opened', 'issue_closed', 'issue_opened')) ranked
        where rank <= ?
        order by teammate_id, rank`,
      [workspaceId, window.start, window.end, HIGHLIGHTS_PER_PERSON],
    );
    const byTeammate = new Map<string, { items: DigestHighlight[]; total: number }>();
    for (const row of rows) {
      const entry = byTeammate.get(row.teammate_id) ?? { items: [], total: row.total };
      entry.items.push({ kind: row.kind, title: row.title, url: row.url, project: row.project });
      byTeammate.set(row.teammate_id, entry);
    }
    return byTeammate;
  }

  /** Per person, the branches whose latest pipeline in the window failed. */
  async failedPipelines(
    em: EntityManager,
    workspaceId: string,
    window: Window,
  ): Promise<Map<string, DigestPerson['failedPipelines']>> {
    const rows = await em
      .getConnection()
      .execute<
        Array<{ teammate_id: string; project: string | null; ref: string | null; url: string | null }>
      >(
        // `ref` is GitLab's own field of the pipeline, kept raw in the payload.
        `select teammate_id, project, ref, url from (
         select distinct on (teammate_id, project, payload->>'ref') teammate_id, project,
                payload->>'ref' as ref, url, pipeline_status
           from activity
          where workspace_id = ? and kind = 'pipeline_run' and occurred_at >= ? and occurred_at < ?
          order by teammate_id, project, payload->>'ref', occurred_at desc, id desc) latest
        where pipeline_status = 'failed'
        order by teammate_id, project, ref`,
        [workspaceId, window.start, window.end],
      );
    const byTeammate = new Map<string, DigestPerson['failedPipelines']>();
    for (const row of rows) {
      const list = byTeammate.get(row.teammate_id) ?? [];
      list.push({ project: row.project, ref: row.ref, url: row.url });
      byTeammate.set(row.teammate_id, list);
    }
    return byTeammate;
  }

  /** Per person, the latest few commits and how many there were. */
  async commits(
    em: EntityManager,
    workspaceId: string,
    window: Window,
  ): Promise<Map<string, { items: DigestPerson['commits']; total: number }>> {
    const rows = await em
      .getConnection()
      .execute<Array<{ teammate_id: string; title: string; url: string | null; total: number }>>(
        `select teammate_id, title, url, total
         from (select teammate_id, title, url,
                      row_number() over (partition by teammate_id order by occurred_at desc, id desc) as rank,
                      (count(*) over (partition by teammate_id))::int as total
                 from activity
                where workspace_id = ? and occurred_at >= ? and occurred_at < ? and kind = 'commit_pushed') ranked
        where rank <= ?
        order by teammate_id, rank`,
        [workspaceId, window.start, window.end, COMMITS_PER_PERSON],
      );
    const byTeammate = new Map<string, { items: DigestPerson['commits']; total: number }>();
    for (const row of rows) {
      const entry = byTeammate.get(row.teammate_id) ?? { items: [], total: row.total };
      entry.items.push({ title: row.title, url: row.url });
      byTeammate.set(row.teammate_id, entry);
    }
    return byTeammate;
  }

  /** Distinct Jira keys per person, with the Jira URL of the source that saw them. */
  async jiraKeys(
    em: EntityManager,
    workspaceId: string,
    window: Window,
  ): Promise<Map<string, Array<{ key: string; jiraUrl: string | null }>>> {
    const rows = await em
      .getConnection()
      .execute<Array<{ teammate_id: string; key: string; jira_url: string | null }>>(
        `select a.teammate_id, k.key, min(ds.jira_url) as jira_url
         from activity a
         cross join lateral unnest(a.jira_keys) as k(key)
         join data_source ds on ds.id = a.data_source_id
        where a.workspace_id = ? and a.occurred_at >= ? and a.occurred_at < ?
          and cardinality(a.jira_keys) > 0
        group by a.teammate_id, k.key
        order by a.teammate_id, k.key`,
        [workspaceId, window.start, window.end],
      );
    const byTeammate = new Map<string, Array<{ key: string; jiraUrl: string | null }>>();
    for (const row of rows) {
      const list = byTeammate.get(row.teammate_id) ?? [];
      if (list.length < JIRA_KEYS_PER_PERSON) list.push({ key: row.key, jiraUrl: row.jira_url });
      byTeammate.set(row.teammate_id, list);
    }
    return byTeammate;
  }
}
