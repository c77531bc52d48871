import type { EntityManager } from '@mikro-orm/postgresql';
import type { Orm } from '../../db/orm.ts';
import { type GitLabClient, type GraphqlFeatures, MAX_QUERY_COMPLEXITY } from '../../gitlab/index.ts';
import type { Logger } from '../../lib/logger.ts';
import type { StoredActivity } from '../activity/activity.repository.ts';
import { IssuableLookups } from './issuable-lookups.ts';
import { ProjectCommits } from './project-commits.ts';
import { ProjectDirectory } from './project-directory.ts';
import type { SyncRequest } from './sync.types.ts';
import type { CursorMap } from './sync-cursor.repository.ts';
import type { IdentityRow } from './sync-teammates.ts';

/**
 * What every step of one source's run reads: the client, where to store, the cursors and the
 * run's window. Built once per run by SyncService; steps never build their own.
 */
export interface SyncRunContext {
  client: GitLabClient;
  /** A transaction on a fresh EntityManager: each page's rows and cursors are stored together. */
  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T>;
  /** An EntityManager for the run's small reads and writes outside page transactions. */
  em: EntityManager;
  workspaceId: string;
  dataSourceId: string;
  host: string;
  baseUrl: string;
  projects: ProjectDirectory;
  /** Merge request facts and review requests, issue creation times: asked once per run, batched. */
  issuables: IssuableLookups;
  /** One commit listing per project and window, shared by every teammate's pushes. */
  commits: ProjectCommits;
  cursors: CursorMap;
  /** When this run started: where cursors rest after a complete read. */
  runStartedAt: Date;
  /** First sync (no cursor): read from here. */
  firstSyncFrom: Date;
  /** Re-read from here regardless of the cursors. */
  since: Date | undefined;
  signal: AbortSignal | undefined;
  /** Teammates of the source worked on at once (they share one client and its pacer). */
  concurrency: number;
  /** What the source's GitLab version has in its GraphQL schema (graphqlFeaturesFor). */
  features: GraphqlFeatures;
  /**
   * How GraphQL lists are packed into requests: at most `maxLists` lists and at most `budget` of
   * GitLab's query complexity (250 for a token). Lowered in place when GitLab refuses a batch as
   * too complex or times out, so the rest of the run keeps a size that works.
   */
  batch: { maxLists: number; budget: number };
  /** Every stored activity passes here: the run's counts are made from it. */
  onStored(teammateId: string, stored: StoredActivity[]): void;
  /** One teammate is done (or failed): progress for whoever watches the run. */
  teammateDone(identity: IdentityRow): Promise<void>;
}

/** How long an ask for MR or issue facts waits for other teammates' asks (one query for all). */
const ISSUABLE_GATHER_MS = 10;

/** The context every step of one run reads (the run sets `onStored` and `teammateDone`). */
export function buildRunContext(input: {
  orm: Orm;
  source: { id: string };
  request: SyncRequest;
  client: GitLabClient;
  em: EntityManager;
  cursors: CursorMap;
  runStartedAt: Date;
  firstSyncFrom: Date;
  /** The earliest point any teammate's events are read from in this run. */
  windowStart: Date;
  concurrency: number;
  graphqlBatchSize: number;
  features: GraphqlFeatures;
}): SyncRunContext {
  const { orm, client } = input;
  const projects = new ProjectDirectory(client, input.cursors);
  return {
    client,
    transaction: (work) => orm.em.fork().transactional((tx) => work(tx as EntityManager)),
    em: input.em,
    workspaceId: input.request.workspaceId,
    dataSourceId: input.source.id,
    host: client.host,
    baseUrl: client.baseUrl,
    projects,
    // Teammates' pages arrive a few milliseconds apart: waiting that long lets them share queries.
    issuables: new IssuableLookups(client, projects, {
      gatherMs: ISSUABLE_GATHER_MS,
      // An hour early: the openings in the window's first minutes are told apart without asking.
      issuesCreatedAfter: new Date(input.windowStart.getTime() - 3_600_000),
    }),
    commits: new ProjectCommits(client, { since: input.windowStart, until: input.runStartedAt }),
    cursors: input.cursors,
    runStartedAt: input.runStartedAt,
    firstSyncFrom: input.firstSyncFrom,
    since: input.request.since,
    signal: input.request.signal,
    concurrency: input.concurrency,
    features: input.features,
    batch: { maxLists: input.graphqlBatchSize, budget: MAX_QUERY_COMPLEXITY },
    onStored: () => undefined,
    teammateDone: async () => undefined,
  };
}

/** Each teammate done: progress for whoever watches the run (a failing watcher never fails it). */
export function progressReporter(
  source: { id: string; name: string },
  request: SyncRequest,
  total: number,
  logger: Logger,
): (identity: IdentityRow) => Promise<void> {
  let done = 0;
  return async (identity) => {
    done += 1;
    await Promise.resolve(
      request.onProgress?.({
        dataSourceId: source.id,
        dataSourceName: source.name,
        teammatesDone: done,
        teammatesTotal: total,
        lastSlackUserId: identity.slack_user_id,
      }),
    ).catch((error: unknown) => logger.warn({ err: error }, 'sync progress callback failed'));
  };
}
