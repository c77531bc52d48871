import type { ActivityAnswer, ActivityQueryService } from '../activity/activity-query.service.ts';
import { thisWeek } from '../activity/activity-range.ts';
import type { TeamWeek, TeamWeekReader } from '../activity/team-week.repository.ts';
import type { DigestService } from '../digest/digest.service.ts';
import type { SourceView } from '../sources/source.types.ts';
import type { SourcesService } from '../sources/sources.service.ts';
import type { LastSyncView, SyncRunsReader } from '../sync/sync-run.repository.ts';
import type { TeammateView } from '../teammates/teammate.types.ts';
import type { TeammatesService } from '../teammates/teammates.service.ts';

export type { LastSyncView };

export interface DigestScheduleView {
  channelId: string;
  localTime: string;
  timezone: string;
  weekdays: number[];
  enabled: boolean;
  lastError: string | null;
}

/** Days in each person's activity sparkline on the App Home. */
export const SPARK_DAYS = 14;

export interface Dashboard {
  /** The team's week: who shipped what, who waits for review, failing pipelines. */
  team: TeamWeek;
  sources: SourceView[];
  mine: ActivityAnswer;
  teammates: TeammateView[];
  digests: DigestScheduleView[];
  lastSync: LastSyncView | null;
}

/**
 * Everything the App Home shows to one person, read in one go. The top of the modules: it only
 * composes the other modules' services and read models, it owns no table.
 */
export class DashboardService {
  readonly #sources: SourcesService;
  readonly #teammates: TeammatesService;
  readonly #activity: ActivityQueryService;
  readonly #digests: Pick<DigestService, 'schedules'>;
  readonly #runs: SyncRunsReader;
  readonly #teamWeek: TeamWeekReader;

  constructor(options: {
    sources: SourcesService;
    teammates: TeammatesService;
    activity: ActivityQueryService;
    digests: Pick<DigestService, 'schedules'>;
    runs: SyncRunsReader;
    teamWeek: TeamWeekReader;
  }) {
    this.#sources = options.sources;
    this.#teammates = options.teammates;
    this.#activity = options.activity;
    this.#digests = options.digests;
    this.#runs = options.runs;
    this.#teamWeek = options.teamWeek;
  }

  async forUser(input: {
    teamId: string;
    slackUserId: string;
    timeZone: string;
    now: Date;
  }): Promise<Dashboard> {
    const week = thisWeek(input.now, input.timeZone);
    const [team, sources, teammates, mine, schedules, lastSync] = await Promise.all([
      this.#teamWeek.read({
        teamId: input.teamId,
        start: week.start,
        end: week.end,
        days: SPARK_DAYS,
        timeZone: input.timeZone,
      }),
      this.#sources.list(input.teamId),
      this.#teammates.list(input.teamId),
      this.#activity.query({
        teamId: input.teamId,
        slackUserId: input.slackUserId,
        window: week,
        itemLimit: 0,
      }),
      this.#digests.schedules(input.teamId),
      this.#runs.latest(input.teamId),
    ]);
    return {
      team,
      sources,
      mine,
      teammates,
      digests: schedules.map((schedule) => ({
        channelId: schedule.channelId,
        localTime: schedule.localTime,
        timezone: schedule.timezone,
        weekdays: schedule.weekdays,
        enabled: schedule.enabled,
        lastError: schedule.lastError ?? null,
      })),
      lastSync,
    };
  }
}
