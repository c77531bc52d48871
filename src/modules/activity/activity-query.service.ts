import type { Orm } from '../../db/orm.ts';
import { DataSource } from '../sources/data-source.entity.ts';
import { ExternalIdentity } from '../teammates/external-identity.entity.ts';
import { Teammate } from '../teammates/teammate.entity.ts';
import { Activity } from './activity.entity.ts';
import { kindTotalsOf, reviewedMergeRequestCount } from './activity.repository.ts';
import { ACTIVITY_KINDS, type ActivityKind } from './activity-kinds.ts';
import type { ActivityWindow } from './activity-range.ts';
import type { GroupableActivity } from './work-items.ts';

/** One stored activity as `/pulse activity` reads it: what grouping needs, and its source. */
export interface ActivityItem extends GroupableActivity {
  sourceName: string;
}

export interface ActivitySummary {
  counts: Record<ActivityKind, number>;
  total: number;
  linesAdded: number;
  linesRemoved: number;
  timeLoggedSeconds: number;
  pipelinesPassed: number;
  pipelinesFailed: number;
  /** Distinct merge requests the person approved or commented on. */
  mrsReviewed: number;
}

export type ActivityAnswer =
  | { status: 'unmapped'; slackUserId: string }
  | { status: 'unknown-source'; slackUserId: string; source: string; sources: string[] }
  | {
      status: 'ok';
      slackUserId: string;
      window: ActivityWindow;
      summary: ActivitySummary;
      /** Newest first, at most `itemLimit` (the summary counts everything). */
      items: ActivityItem[];
      sources: string[];
    };

/** Enough for a busy month of one person; beyond it the answer says older activity is not shown. */
const ITEM_LIMIT = 1000;

/** `/pulse activity` and the App Home: answers from stored activities only, never from GitLab. */
export class ActivityQueryService {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  /** `source` narrows to a source type (`gitlab`) or a data source name. */
  async query(input: {
    teamId: string;
    slackUserId: string;
    window: ActivityWindow;
    source?: string;
    itemLimit?: number;
  }): Promise<ActivityAnswer> {
    const em = this.#orm.em.fork();
    const teammate = await em.findOne(Teammate, { workspace: input.teamId, slackUserId: input.slackUserId });
    const identities = teammate
      ? await em.find(ExternalIdentity, { teammate: teammate.id }, { populate: ['dataSource'] })
      : [];
    if (!teammate || identities.length === 0) return { status: 'unmapped', slackUserId: input.slackUserId };

    let sourceIds: string[] | undefined;
    if (input.source) {
      const wanted = input.source.toLowerCase();
      const all = await em.find(DataSource, { workspace: input.teamId });
      const matching = all.filter((source) => source.type === wanted || source.nameKey === wanted);
      if (matching.length === 0) {
        return {
          status: 'unknown-source',
          slackUserId: input.slackUserId,
          source: input.source,
          sources: all.map((source) => source.name),
        };
      }
      sourceIds = matching.map((source) => source.id);
    }
    const where = {
      workspace: input.teamId,
      teammate: teammate.id,
      occurredAt: { $gte: input.window.start, $lt: input.window.end },
      ...(sourceIds ? { dataSource: { $in: sourceIds } } : {}),
    };
    const limit = input.itemLimit ?? ITEM_LIMIT;
    const [rows, summary] = await Promise.all([
      limit <= 0
        ? []
        : em.find(Activity, where, {
            orderBy: { occurredAt: 'desc', id: 'desc' },
            limit,
            populate: ['dataSource'],
          }),
      this.#summarize(input.teamId, teammate.id, input.window, sourceIds),
    ]);
    return {
      status: 'ok',
      slackUserId: input.slackUserId,
      window: input.window,
      summary,
      items: rows.map((row) => ({
        kind: row.kind,
        occurredAt: row.occurredAt,
        title: row.title,
        url: row.url ?? null,
        project: row.project ?? null,
        sourceName: row.dataSource.name,
        linesAdded: row.linesAdded ?? null,
        linesRemoved: row.linesRemoved ?? null,
        durationSeconds: row.durationSeconds ?? null,
        timeSpentSeconds: row.timeSpentSeconds ?? null,
        status: row.pipelineStatus ?? null,
        // Refs and comment bodies are what `payload` is for (activity-draft.ts): read for display only.
        branch: payloadText(row.payload, 'sourceBranch') ?? payloadText(row.payload, 'ref'),
        snippet: payloadText(row.payload, 'body'),
        review: row.isReview,
        jira: (row.jiraKeys ?? []).map((key) => ({
          key,
          url: row.dataSource.jiraUrl ? `${row.dataSource.jiraUrl}/browse/${encodeURIComponent(key)}` : null,
        })),
      })),
      sources: [...new Set(identities.map((identity) => identity.dataSource.name))],
    };
  }

  /** Counts and sums over the whole window in SQL, however many rows it holds. */
  async #summarize(
    teamId: string,
    teammateId: string,
    window: ActivityWindow,
    sourceIds: string[] | undefined,
  ): Promise<ActivitySummary> {
    const em = this.#orm.em.fork();
    const scope = { teamId, teammateId, start: window.start, end: window.end, sourceIds };
    const rows = await kindTotalsOf(em, scope);
    const counts = Object.fromEntries(ACTIVITY_KINDS.map((kind) => [kind, 0])) as Record<
      ActivityKind,
      number
    >;
    const summary: ActivitySummary = {
      counts,
      total: 0,
      linesAdded: 0,
      linesRemoved: 0,
      timeLoggedSeconds: 0,
      pipelinesPassed: 0,
      pipelinesFailed: 0,
      mrsReviewed: 0,
    };
    summary.mrsReviewed = await reviewedMergeRequestCount(em, scope);
    for (const row of rows) {
      counts[row.kind] = row.n;
      summary.total += row.n;
      if (row.kind === 'commit_pushed') {
        summary.linesAdded += row.added;
        summary.linesRemoved += row.removed;
      }
      if (row.kind === 'time_logged') summary.timeLoggedSeconds += row.spent;
      if (row.kind === 'pipeline_run') {
        summary.pipelinesPassed += row.passed;
        summary.pipelinesFailed += row.failed;
      }
    }
    return summary;
  }
}

function payloadText(payload: Record<string, unknown> | null | undefined, key: string): string | null {
  const value = payload?.[key];
  return typeof value === 'string' && value !== '' ? value : null;
}
