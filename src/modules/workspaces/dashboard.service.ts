import type { Orm } from '../../db/orm.ts';
import type { ActivityAnswer, ActivityQueryService } from '../activity/activity-query.service.ts';
import { thisWeek } from '../activity/activity-range.ts';
import { DigestSchedule } from '../digest/digest-schedule.entity.ts';
import type { SourceView } from '../sources/source.types.ts';
import type { SourcesService } from '../sources/sources.service.ts';
import { SyncRun } from '../sync/sync-run.entity.ts';
import type { TeammatesService, TeammateView } from '../teammates/teammates.service.ts';

export interface DigestScheduleView {
  channelId: string;
  localTime: string;
  timezone: string;
  weekdays: number[];
  enabled: boolean;
  lastError: string | null;
}

export interface LastSyncView {
  sourceName: string | null;
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

export interface Dashboard {
  sources: SourceView[];
  mine: ActivityAnswer;
  teammates: TeammateView[];
  digests: DigestScheduleView[];
  lastSync: LastSyncView | null;
}

/** Everything the App Home shows to one person, read in one go. */
export class DashboardService {
  readonly #orm: Orm;
  readonly #sources: SourcesService;
  readonly #teammates: TeammatesService;
  readonly #activity: ActivityQueryService;

  constructor(options: {
    orm: Orm;
    sources: SourcesService;
    teammates: TeammatesService;
    activity: ActivityQueryService;
  }) {
    this.#orm = options.orm;
    this.#sources = options.sources;
    this.#teammates = options.teammates;
    this.#activity = options.activity;
  }

  async forUser(input: {
    teamId: string;
    slackUserId: string;
    timeZone: string;
    now: Date;
  }): Promise<Dashboard> {
    const em = this.#orm.em.fork();
    const [sources, teammates, mine, schedules, runs] = await Promise.all([
      this.#sources.list(input.teamId),
      this.#teammates.list(input.teamId),
      this.#activity.query({
        teamId: input.teamId,
        slackUserId: input.slackUserId,
        window: thisWeek(input.now, input.timeZone),
        itemLimit: 0,
      }),
      em.find(DigestSchedule, { workspace: input.teamId }, { orderBy: { channelId: 'asc' } }),
      em
        .fork()
        .find(
          SyncRun,
          { workspace: input.teamId },
          { orderBy: { startedAt: 'desc' }, limit: 1, populate: ['dataSource'] },
        ),
    ]);
    const last = runs[0];
    return {
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
      lastSync: last
        ? {
            sourceName: last.dataSource?.name ?? null,
            status: last.status,
            startedAt: last.startedAt,
            finishedAt: last.finishedAt ?? null,
            error: last.error ?? null,
          }
        : null,
    };
  }
}
