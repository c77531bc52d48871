import { randomUUID } from 'node:crypto';
import type { Orm } from '../../db/orm.ts';
import { ensureWorkspace } from '../workspaces/workspace.repository.ts';
import type { DigestContent, PublishResult } from './digest.types.ts';
import type { DigestBuilder } from './digest-builder.service.ts';
import type { DigestDeliveries } from './digest-delivery.service.ts';
import type { DeliveryOutcome, DeliverySchedule } from './digest-delivery.types.ts';
import {
  disableSchedule,
  listSchedules,
  type ScheduleRow,
  upsertSchedule,
} from './digest-schedule.repository.ts';
import { deliveryScheduleOf, weekdaysOf } from './digest-schedule.row.ts';
import { localDateOf, WEEKDAYS } from './digest-time.ts';

export interface DigestScheduleView extends DeliverySchedule {
  localTime: string;
  weekdays: number[];
  enabled: boolean;
  lastError: string | null;
}

/** Where a digest goes and how it is read, with a schedule or (none set) the workspace's defaults. */
export interface DigestTarget {
  teamId: string;
  channelId: string;
  /** Zone used when the channel has no schedule. */
  fallbackTimeZone: string;
}

export type SendOutcome =
  | { status: 'posted'; ts: string; countsAsToday: boolean; replyError?: string }
  | { status: 'failed'; error: string }
  | { status: 'already-claimed' };

function toView(row: ScheduleRow): DigestScheduleView {
  return {
    ...deliveryScheduleOf(row),
    localTime: row.local_time,
    weekdays: weekdaysOf(row),
    enabled: row.enabled,
    lastError: row.last_error,
  };
}

/** `/pulse digest …`: schedules per channel, and digests built or posted on request. */
export class DigestService {
  readonly #orm: Orm;
  readonly #builder: DigestBuilder;
  readonly #deliveries: DigestDeliveries;

  constructor(options: { orm: Orm; builder: DigestBuilder; deliveries: DigestDeliveries }) {
    this.#orm = options.orm;
    this.#builder = options.builder;
    this.#deliveries = options.deliveries;
  }

  /**
   * The zone a new schedule gets when none is typed: the workspace's own default when an admin
   * changed it from UTC, else the requesting user's Slack zone, else UTC.
   */
  async defaultTimeZone(teamId: string, userTimeZone: string | undefined): Promise<string> {
    const workspace = await ensureWorkspace(this.#orm.em.fork(), teamId);
    if (workspace.defaultTimezone && workspace.defaultTimezone !== 'UTC') return workspace.defaultTimezone;
    return userTimeZone ?? 'UTC';
  }

  /**
   * Sets (or changes) a channel's digest, on weekdays unless the schedule already has other days.
   * The change time is the schedule's "effective from": a time already passed today waits for
   * tomorrow, and a day already posted is never posted again.
   */
  async set(input: {
    teamId: string;
    channelId: string;
    localTime: string;
    timeZone: string;
    userId: string;
    now: Date;
  }): Promise<{ created: boolean; schedule: DigestScheduleView }> {
    const em = this.#orm.em.fork();
    await ensureWorkspace(em, input.teamId);
    const row = await upsertSchedule(em, {
      id: randomUUID(),
      teamId: input.teamId,
      channelId: input.channelId,
      localTime: input.localTime,
      timeZone: input.timeZone,
      weekdays: WEEKDAYS,
      userId: input.userId,
      now: input.now,
    });
    return { created: row.created, schedule: toView(row) };
  }

  /** Stops a channel's digest; false when it had none running. Past deliveries are kept. */
  async off(input: { teamId: string; channelId: string; now: Date }): Promise<boolean> {
    return disableSchedule(this.#orm.em.fork(), input);
  }

  async schedules(teamId: string): Promise<DigestScheduleView[]> {
    const rows = await listSchedules(this.#orm.em.fork(), teamId);
    return rows.map(toView);
  }

  async scheduleFor(teamId: string, channelId: string): Promise<DigestScheduleView | undefined> {
    return (await this.schedules(teamId)).find(
      (schedule) => schedule.channelId === channelId && schedule.enabled,
    );
  }

  /** Today's digest for a channel, exactly as it would be posted now. */
  async preview(target: DigestTarget, now: Date): Promise<DigestContent> {
    const schedule = await this.scheduleFor(target.teamId, target.channelId);
    return this.#build(target, schedule, now);
  }

  /**
   * Posts today's digest now. With a schedule, it claims today's delivery when it is still free, so
   * the scheduled post does not repeat it; a digest already posted today is posted again only
   * because someone asked.
   */
  async sendNow(target: DigestTarget & { userId: string }, now: Date): Promise<SendOutcome> {
    const schedule = await this.scheduleFor(target.teamId, target.channelId);
    const zone = schedule?.timezone ?? target.fallbackTimeZone;
    const claim = schedule
      ? await this.#deliveries.claim(schedule, localDateOf(now, zone), `command:${target.userId}`)
      : undefined;
    const content = await this.#build(target, schedule, now);
    if (schedule && claim) {
      const outcome: DeliveryOutcome = await this.#deliveries.post(claim, schedule, content, {
        notifyAdmin: false,
      });
      if (outcome.status === 'posted') {
        return {
          status: 'posted',
          ts: outcome.ts,
          countsAsToday: true,
          ...(outcome.replyError ? { replyError: outcome.replyError } : {}),
        };
      }
      return outcome.status === 'failed'
        ? { status: 'failed', error: outcome.error }
        : { status: 'already-claimed' };
    }
    const result: PublishResult = await this.#deliveries.publisher.publish(
      { workspaceId: target.teamId, channelId: target.channelId },
      content,
    );
    if (!result.ok) return { status: 'failed', error: result.error };
    return {
      status: 'posted',
      ts: result.ts,
      countsAsToday: false,
      ...(result.replyError ? { replyError: result.replyError } : {}),
    };
  }

  #build(target: DigestTarget, schedule: DigestScheduleView | undefined, now: Date): Promise<DigestContent> {
    const timeZone = schedule?.timezone ?? target.fallbackTimeZone;
    return this.#builder.build({
      workspaceId: target.teamId,
      timeZone,
      localDate: localDateOf(now, timeZone),
      includedUserIds: schedule?.includedUserIds ?? [],
      refresh: true,
    });
  }
}
