import type { Orm } from '../../db/orm.ts';
import type { Logger } from '../../lib/logger.ts';
import type { SyncEngine } from '../sync/sync.types.ts';
import { type SourceFreshness, sourceFreshness } from '../sync/sync-run.repository.ts';
import type { DigestContent, DigestPerson, DigestTotals } from './digest.types.ts';
import { DigestDataRepository, type KindTotalsRow } from './digest-data.repository.ts';
import { digestWindowFor } from './digest-time.ts';
import { median, summarizeReviews } from './review-time.ts';

/** How long a digest waits for a freshness sync before it goes out saying data may be stale. */
export const FRESHNESS_BUDGET_MS = 60_000;

export interface DigestRequest {
  workspaceId: string;
  timeZone: string;
  /** The digest's date (`YYYY-MM-DD` in `timeZone`); it covers the previous working day. */
  localDate: string;
  /** Slack user ids to include; empty: every mapped teammate. */
  includedUserIds: string[];
  /** Sync stale sources first (scheduled and sent digests); off for callers that must not wait. */
  refresh?: boolean;
  signal?: AbortSignal;
}

export function emptyTotals(): DigestTotals {
  return {
    mrOpened: 0,
    mrMerged: 0,
    reviews: 0,
    approvals: 0,
    pickupSeconds: null,
    reviewEffortSeconds: 0,
    commits: 0,
    linesAdded: 0,
    linesRemoved: 0,
    issuesOpened: 0,
    issuesClosed: 0,
    comments: 0,
    timeLoggedSeconds: 0,
    pipelinesPassed: 0,
    pipelinesFailed: 0,
    activities: 0,
  };
}

function addKind(totals: DigestTotals, row: KindTotalsRow): void {
  totals.activities += row.n;
  switch (row.kind) {
    case 'mr_opened':
      totals.mrOpened += row.n;
      break;
    case 'mr_merged':
      totals.mrMerged += row.n;
      break;
    case 'commit_pushed':
      totals.commits += row.n;
      totals.linesAdded += row.added;
      totals.linesRemoved += row.removed;
      break;
    case 'issue_opened':
      totals.issuesOpened += row.n;
      break;
    case 'issue_closed':
      totals.issuesClosed += row.n;
      break;
    case 'mr_commented':
    case 'issue_commented':
      totals.comments += row.n;
      break;
    case 'time_logged':
      totals.timeLoggedSeconds += row.spent;
      break;
    case 'pipeline_run':
      totals.pipelinesPassed += row.passed;
      totals.pipelinesFailed += row.failed;
      break;
    default:
      break;
  }
}

/**
 * Builds a digest from stored activities. Freshness: a source whose last sync ended before the
 * window did is synced first through the engine (bounded by FRESHNESS_BUDGET_MS); whatever is
 * still stale then is named in the digest instead of being passed off as complete.
 */
export class DigestBuilder {
  readonly #orm: Orm;
  readonly #engine: SyncEngine | undefined;
  readonly #logger: Logger;
  readonly #budgetMs: number;
  readonly #data = new DigestDataRepository();

  constructor(options: { orm: Orm; engine?: SyncEngine; logger: Logger; freshnessBudgetMs?: number }) {
    this.#orm = options.orm;
    this.#engine = options.engine;
    this.#logger = options.logger;
    this.#budgetMs = options.freshnessBudgetMs ?? FRESHNESS_BUDGET_MS;
  }

  async build(request: DigestRequest): Promise<DigestContent> {
    const window = digestWindowFor(request.localDate, request.timeZone);
    const em = this.#orm.em.fork();
    let stale = staleOf(await sourceFreshness(em, request.workspaceId), window.end);
    if (stale.length > 0 && request.refresh && this.#engine) {
      await this.#refresh(request, stale);
      stale = staleOf(await sourceFreshness(em, request.workspaceId), window.end);
    }
    const [teammates, kinds, reviews, highlights, jira, failing, commits] = await Promise.all([
      this.#data.teammates(em, request.workspaceId, request.includedUserIds),
      this.#data.totalsByKind(em, request.workspaceId, window),
      this.#data.reviewActions(em, request.workspaceId, window),
      this.#data.highlights(em, request.workspaceId, window),
      this.#data.jiraKeys(em, request.workspaceId, window),
      this.#data.failedPipelines(em, request.workspaceId, window),
      this.#data.commits(em, request.workspaceId, window),
    ]);
    const kindsByTeammate = new Map<string, KindTotalsRow[]>();
    for (const row of kinds) {
      const list = kindsByTeammate.get(row.teammateId) ?? [];
      list.push(row);
      kindsByTeammate.set(row.teammateId, list);
    }
    const team = { ...emptyTotals(), people: teammates.length, activePeople: 0 };
    const teamPickups: number[] = [];
    const people: DigestPerson[] = [];
    const quiet: DigestContent['quiet'] = [];
    for (const teammate of teammates) {
      const totals = emptyTotals();
      for (const row of kindsByTeammate.get(teammate.id) ?? []) addKind(totals, row);
      const review = summarizeReviews(reviews.get(teammate.id) ?? []);
      totals.reviews = review.reviews;
      totals.approvals = review.approvals;
      totals.pickupSeconds = median(review.pickups);
      totals.reviewEffortSeconds = review.effortSeconds;
      teamPickups.push(...review.pickups);
      if (totals.activities === 0) {
        quiet.push({ slackUserId: teammate.slackUserId, displayName: teammate.displayName });
        continue;
      }
      addTotals(team, totals);
      team.activePeople += 1;
      const listed = highlights.get(teammate.id);
      people.push({
        slackUserId: teammate.slackUserId,
        displayName: teammate.displayName,
        totals,
        highlights: listed?.items ?? [],
        moreHighlights: listed ? listed.total - listed.items.length : 0,
        failedPipelines: failing.get(teammate.id) ?? [],
        commits: commits.get(teammate.id)?.items ?? [],
        moreCommits: (() => {
          const entry = commits.get(teammate.id);
          return entry ? entry.total - entry.items.length : 0;
        })(),
        jira: (jira.get(teammate.id) ?? []).map(({ key, jiraUrl }) => ({
          key,
          url: jiraUrl ? `${jiraUrl.replace(/\/+$/, '')}/browse/${encodeURIComponent(key)}` : null,
        })),
      });
    }
    team.pickupSeconds = median(teamPickups);
    return {
      workspaceId: request.workspaceId,
      window,
      team,
      people,
      quiet,
      staleSources: stale.map(({ name, lastSyncAt }) => ({ name, lastSyncAt })),
    };
  }

  /** Syncs stale sources with the `digest` trigger; a source locked by a running sync is waited for. */
  async #refresh(request: DigestRequest, stale: SourceFreshness[]): Promise<void> {
    const engine = this.#engine!;
    const budget = AbortSignal.timeout(this.#budgetMs);
    const signal = request.signal ? AbortSignal.any([budget, request.signal]) : budget;
    const work = Promise.allSettled(
      stale.map(async (source) => {
        const { sources } = await engine.sync({
          workspaceId: request.workspaceId,
          dataSourceId: source.id,
          trigger: 'digest',
          signal,
        });
        if (sources.some((result) => result.skippedReason === 'locked')) {
          while (!signal.aborted && (await engine.isRunning(request.workspaceId, source.id))) {
            await new Promise((resolve) => setTimeout(resolve, 1000));
          }
        }
      }),
    );
    const aborted = new Promise<undefined>((resolve) => {
      if (signal.aborted) resolve(undefined);
      signal.addEventListener('abort', () => resolve(undefined), { once: true });
    });
    // The engine is asked to stop at the budget; the digest does not wait for it to agree.
    const settled = await Promise.race([work, aborted]);
    for (const outcome of settled ?? []) {
      if (outcome.status === 'rejected') {
        this.#logger.warn({ err: outcome.reason, workspaceId: request.workspaceId }, 'freshness sync failed');
      }
    }
    if (!settled) this.#logger.warn({ workspaceId: request.workspaceId }, 'freshness sync ran out of time');
  }
}

function addTotals(into: DigestTotals, from: DigestTotals): void {
  into.mrOpened += from.mrOpened;
  into.mrMerged += from.mrMerged;
  into.reviews += from.reviews;
  into.approvals += from.approvals;
  into.reviewEffortSeconds += from.reviewEffortSeconds;
  into.commits += from.commits;
  into.linesAdded += from.linesAdded;
  into.linesRemoved += from.linesRemoved;
  into.issuesOpened += from.issuesOpened;
  into.issuesClosed += from.issuesClosed;
  into.comments += from.comments;
  into.timeLoggedSeconds += from.timeLoggedSeconds;
  into.pipelinesPassed += from.pipelinesPassed;
  into.pipelinesFailed += from.pipelinesFailed;
  into.activities += from.activities;
}

function staleOf(sources: SourceFreshness[], windowEnd: Date): SourceFreshness[] {
  return sources.filter((source) => !source.lastSyncAt || source.lastSyncAt.getTime() < windowEnd.getTime());
}
