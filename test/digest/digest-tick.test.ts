import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOrm, type Orm } from '../../src/db/orm.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { DigestBuilder } from '../../src/modules/digest/digest-builder.service.ts';
import { DigestDeliveries } from '../../src/modules/digest/digest-delivery.service.ts';
import { runDigestTick } from '../../src/modules/digest/digest-tick.job.ts';
import { entities } from '../../src/modules/entities.ts';
import { slackDigestPublisher } from '../../src/slack/digest-publisher.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { type Rows, rows } from '../support/domain-rows.ts';
import { BOT_TOKEN, FakeSlack, SLACK_API_URL } from '../support/slack.ts';

describe('the digest tick', () => {
  let db: TestDatabase;
  let orm: Orm;
  let make: Rows;
  let slack: FakeSlack;
  let clock: Date;
  const logger = createLogger({ level: 'silent' });
  const client = new WebClient(BOT_TOKEN, { slackApiUrl: SLACK_API_URL, retryConfig: { retries: 0 } });

  const runner = (options: { orm?: Orm; replicaId?: string } = {}) => {
    const useOrm = options.orm ?? orm;
    const builder = new DigestBuilder({ orm: useOrm, logger });
    const deliveries = new DigestDeliveries({
      orm: useOrm,
      builder,
      publisher: slackDigestPublisher(async () => client, { replyGapMs: 0 }),
      logger,
      replicaId: options.replicaId ?? 'replica-a',
      now: () => clock,
    });
    return () => runDigestTick({ orm: useOrm, deliveries, logger, now: () => clock });
  };
  const at = (iso: string) => {
    clock = new Date(iso);
  };
  const postsTo = (channel: string) =>
    slack
      .callsTo('chat.postMessage')
      .filter((call) => call.body['channel'] === channel && !call.body['thread_ts']);
  const delivery = async (scheduleId: string) => {
    const [row] = await orm.em.fork().getConnection().execute<
      Array<{
        local_date: string;
        status: string;
        attempts: number;
        error: string | null;
        message_ts: string | null;
      }>
    >(
      'select local_date, status, attempts, error, message_ts from digest_delivery where schedule_id = ? order by local_date desc',
      [scheduleId],
    );
    return row;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await db.orm();
    make = rows(orm);
  });
  afterAll(async () => db.drop());
  beforeEach(async () => {
    slack = new FakeSlack();
    await orm.em.fork().getConnection().execute('delete from workspace');
  });
  afterEach(() => slack.close());

  async function newYorkTeam() {
    const workspace = await make.workspace();
    const source = await make.source(workspace.id, { lastSyncAt: new Date('2030-01-01T00:00:00Z') });
    const alice = await make.teammate(workspace.id, source.id, { displayName: 'Alice' });
    const schedule = await make.schedule(workspace.id, { timezone: 'America/New_York', localTime: '09:00' });
    return { workspace, source, alice, schedule };
  }

  it('posts at 09:00 New York time on both sides of the spring and autumn DST changes', async () => {
    const { schedule } = await newYorkTeam();
    const tick = runner();
    const expectations: Array<[string, number]> = [
      ['2026-03-06T13:59:00Z', 0], // Friday 08:59 EST
      ['2026-03-06T14:00:00Z', 1], // Friday 09:00 EST
      ['2026-03-06T14:01:00Z', 1],
      ['2026-03-07T14:00:00Z', 1], // Saturday: no digest
      ['2026-03-09T12:59:00Z', 1], // Monday 08:59 EDT
      ['2026-03-09T13:00:00Z', 2], // Monday 09:00 EDT, an hour earlier in UTC
      ['2026-03-09T14:00:00Z', 2],
      ['2026-10-30T12:59:00Z', 2], // Friday 08:59 EDT
      ['2026-10-30T13:00:00Z', 3],
      ['2026-11-02T13:59:00Z', 3], // Monday 08:59 EST after the autumn change
      ['2026-11-02T14:00:00Z', 4],
    ];
    for (const [instant, posted] of expectations) {
      at(instant);
      await tick();
      expect(postsTo(schedule.channelId), instant).toHaveLength(posted);
    }
    const headers = postsTo(schedule.channelId).map((call) => JSON.stringify(call.body['blocks']));
    expect(headers[0]).toContain('GitLab digest · Thu 5 Mar 2026');
    expect(headers[1]).toContain('GitLab digest · Fri 6 – Sun 8 Mar 2026');
    expect(headers[3]).toContain('GitLab digest · Fri 30 Oct – Sun 1 Nov 2026');
  });

  it('covers Friday to Sunday on Monday, by local midnights', async () => {
    const { workspace, source, alice, schedule } = await newYorkTeam();
    const commit = (iso: string, linesAdded: number) =>
      make.activity({
        workspaceId: workspace.id,
        teammateId: alice.id,
        sourceId: source.id,
        kind: 'commit_pushed',
        occurredAt: new Date(iso),
        linesAdded,
        linesRemoved: 0,
      });
    await commit('2026-03-06T04:59:00Z', 1000); // Thu 23:59 EST: Thursday's
    await commit('2026-03-06T05:00:00Z', 1); // Fri 00:00 EST
    await commit('2026-03-07T18:00:00Z', 10); // Saturday
    await commit('2026-03-09T03:59:00Z', 100); // Sun 23:59 EDT
    await commit('2026-03-09T04:00:00Z', 5000); // Mon 00:00 EDT: next digest's
    at('2026-03-09T13:00:00Z');
    await runner()();
    const [post] = postsTo(schedule.channelId);
    const blocks = JSON.stringify(post!.body['blocks']);
    expect(blocks).toContain('*Alice* — 3 commits (+111 / −0)');
  });

  it('posts exactly one digest when two replicas race on the same minute, again and again', async () => {
    const { schedule } = await newYorkTeam();
    const otherOrm = await createOrm(db.url, entities);
    try {
      const first = runner({ replicaId: 'a' });
      const second = runner({ orm: otherOrm, replicaId: 'b' });
      at('2026-03-10T13:00:00Z');
      const outcomes = await Promise.all([first(), second(), first(), second()]);
      expect(outcomes.flat().filter((outcome) => outcome.status === 'posted')).toHaveLength(1);
      at('2026-03-10T13:01:00Z');
      await Promise.all([first(), second()]);
      expect(postsTo(schedule.channelId)).toHaveLength(1);
      expect(await delivery(schedule.id)).toMatchObject({
        local_date: '2026-03-10',
        status: 'posted',
        attempts: 1,
      });
    } finally {
      await otherOrm.close(true);
    }
  });

  it('records "not in channel", tells the admin once to invite the bot, and retries a bounded number of times', async () => {
    const { schedule } = await newYorkTeam();
    slack.on('chat.postMessage', (body) =>
      body['channel'] === schedule.channelId ? { ok: false, error: 'not_in_channel' } : undefined,
    );
    const tick = runner();
    at('2026-03-10T13:00:00Z');
    const [first] = await tick();
    expect(first).toMatchObject({
      status: 'failed',
      error: 'not_in_channel',
      attempt: 1,
      willRetry: true,
      adminNotified: true,
    });
    expect(await delivery(schedule.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: 'not_in_channel',
    });
    const dms = slack.callsTo('chat.postMessage').filter((call) => call.body['channel'] === 'U0ADMIN');
    expect(dms).toHaveLength(1);
    expect(String(dms[0]!.body['text'])).toContain(`Invite @ActivityPulse to <#${schedule.channelId}>`);
    expect(String(dms[0]!.body['text'])).toContain('try again in about 10 minutes');
    const [lastError] = await orm.em
      .fork()
      .getConnection()
      .execute<Array<{ last_error: string }>>('select last_error from digest_schedule where id = ?', [
        schedule.id,
      ]);
    expect(lastError?.last_error).toBe('not_in_channel (2026-03-10)');

    at('2026-03-10T13:09:00Z');
    expect(await tick()).toEqual([]);
    at('2026-03-10T13:10:00Z');
    expect(await tick()).toMatchObject([
      { status: 'failed', attempt: 2, willRetry: true, adminNotified: false },
    ]);
    at('2026-03-10T13:40:00Z');
    expect(await tick()).toMatchObject([{ status: 'failed', attempt: 3, willRetry: false }]);
    at('2026-03-10T15:00:00Z');
    expect(await tick()).toEqual([]);
    expect(await delivery(schedule.id)).toMatchObject({ status: 'failed', attempts: 3 });
    expect(
      slack.callsTo('chat.postMessage').filter((call) => call.body['channel'] === 'U0ADMIN'),
    ).toHaveLength(1);
  });

  it('posts on a retry once the bot has been invited', async () => {
    const { schedule } = await newYorkTeam();
    slack.on('chat.postMessage', (body) =>
      body['channel'] === schedule.channelId ? { ok: false, error: 'is_archived' } : undefined,
    );
    const tick = runner();
    at('2026-03-10T13:00:00Z');
    await tick();
    slack.on('chat.postMessage', () => undefined);
    at('2026-03-10T13:10:00Z');
    expect(await tick()).toMatchObject([{ status: 'posted' }]);
    expect(await delivery(schedule.id)).toMatchObject({ status: 'posted', attempts: 2 });
    const dm = slack.callsTo('chat.postMessage').find((call) => call.body['channel'] === 'U0ADMIN');
    expect(String(dm?.body['text'])).toContain('is archived');
  });

  it('posts a 200-person digest as one message and thread replies, each within Slack’s limits', async () => {
    const { workspace, source, alice, schedule } = await newYorkTeam();
    const people = [alice];
    for (let index = 2; index <= 200; index += 1) {
      people.push(
        await make.teammate(workspace.id, source.id, {
          displayName: `Teammate ${String(index).padStart(3, '0')}`,
        }),
      );
    }
    for (const [index, person] of people.entries()) {
      if (index % 5 === 4) continue; // some are quiet
      await make.activity({
        workspaceId: workspace.id,
        teammateId: person.id,
        sourceId: source.id,
        kind: 'mr_merged',
        occurredAt: new Date('2026-03-09T15:00:00Z'),
        title: `A merge request with a fairly long title, number ${index}`,
        url: `https://gitlab.example.com/group/app/-/merge_requests/${index}`,
        jiraKeys: [`APP-${index}`],
      });
    }
    at('2026-03-10T13:00:00Z');
    expect(await runner()()).toMatchObject([{ status: 'posted' }]);
    const calls = slack
      .callsTo('chat.postMessage')
      .filter((call) => call.body['channel'] === schedule.channelId);
    const [main, ...replies] = calls;
    expect(replies.length).toBeGreaterThan(0);
    const mainTs = (await delivery(schedule.id))?.message_ts;
    expect(mainTs).toBeTruthy();
    for (const reply of replies) expect(reply.body['thread_ts']).toBe(mainTs);
    const seen = new Set<string>();
    for (const call of calls) {
      const blocks = call.body['blocks'] as Array<{ type: string; text?: { text: string } }>;
      expect(blocks.length).toBeLessThanOrEqual(50);
      expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(12_000);
      for (const block of blocks) {
        if (block.type === 'section') expect(block.text!.text.length).toBeLessThanOrEqual(3000);
        for (const name of JSON.stringify(block).match(/Teammate \d{3}|Alice/g) ?? []) seen.add(name);
      }
    }
    expect(main!.body['thread_ts']).toBeUndefined();
    expect(seen.size).toBe(200);
  });

  it('takes over a claim abandoned before posting, but never re-posts one that died while posting', async () => {
    const { workspace, schedule } = await newYorkTeam();
    const other = await make.schedule(workspace.id, { timezone: 'America/New_York', localTime: '09:00' });
    const sql = orm.em.fork().getConnection();
    await sql.execute(
      `insert into digest_delivery (id, schedule_id, local_date, status, attempts, claimed_by, claimed_at, post_started_at)
       values (gen_random_uuid(), ?, '2026-03-10', 'claimed', 1, 'dead-replica:1', '2026-03-10T13:00:00Z', null),
              (gen_random_uuid(), ?, '2026-03-10', 'claimed', 1, 'dead-replica:2', '2026-03-10T13:00:00Z', '2026-03-10T13:00:05Z')`,
      [schedule.id, other.id],
    );
    const tick = runner();
    at('2026-03-10T13:10:00Z');
    expect(await tick()).toEqual([]);
    at('2026-03-10T13:16:00Z');
    expect(await tick()).toMatchObject([{ status: 'posted' }]);
    expect(postsTo(schedule.channelId)).toHaveLength(1);
    expect(postsTo(other.channelId)).toHaveLength(0);
  });
});
