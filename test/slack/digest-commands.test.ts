import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Orm } from '../../src/db/orm.ts';
import { type Rows, rows } from '../support/domain-rows.ts';
import { sendCommand } from '../support/slack.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TEAM = 'T0TEST';
const CHANNEL = 'C0TEAM';
const ADMIN = 'U0ADMIN';
const MEMBER = 'U0MEMBER';

describe('/pulse digest commands through signed requests', () => {
  let t: TestApp;
  let orm: Orm;
  let make: Rows;
  let clock = new Date('2026-03-10T14:00:00Z'); // Tuesday

  const command = (text: string, userId = ADMIN) => sendCommand(t.baseUrl, { text, userId, teamId: TEAM });
  /** The first reply sent through response_url after the ack. */
  const reply = async (text: string, userId = ADMIN) => {
    const { ack, respondId } = await command(text, userId);
    const first = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    return { ack, text: String(first.body['text']), respondId };
  };
  const ackText = async (text: string) => {
    const { ack } = await command(text);
    return String(ack?.['text']);
  };
  const schedule = async (channelId = CHANNEL) => {
    const found = await orm.em.fork().getConnection().execute<
      Array<{
        local_time: string;
        timezone: string;
        weekdays: number[];
        enabled: boolean;
        created_by: string;
      }>
    >(
      'select local_time, timezone, weekdays, enabled, created_by from digest_schedule where workspace_id = ? and channel_id = ?',
      [TEAM, channelId],
    );
    return found[0];
  };

  beforeAll(async () => {
    t = await startTestApp({ now: () => clock });
    orm = await t.db.orm();
    make = rows(orm);
    await orm.em
      .fork()
      .getConnection()
      .execute('insert into workspace (id) values (?) on conflict do nothing', [TEAM]);
    t.slack.addUser({ id: ADMIN, name: 'Admin', is_admin: true, tz: 'Europe/Berlin' });
    t.slack.addUser({ id: MEMBER, name: 'Member', tz: 'Asia/Tokyo' });
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    t.slack.on('chat.postMessage', () => undefined);
    clock = new Date('2026-03-10T14:00:00Z');
  });

  it('sets a weekday digest at a local time in a named zone, and changes it', async () => {
    const set = await reply(`digest set <#${CHANNEL}|team> 9:00 america/new_york`);
    expect(set.text).toContain(`Daily digest set for <#${CHANNEL}>: weekdays at 09:00 America/New_York.`);
    expect(set.text).toContain('Monday’s covers Friday to Sunday');
    expect(await schedule()).toEqual({
      local_time: '09:00',
      timezone: 'America/New_York',
      weekdays: [1, 2, 3, 4, 5],
      enabled: true,
      created_by: ADMIN,
    });
    const changed = await reply(`digest set <#${CHANNEL}> 17:30 Europe/Paris`);
    expect(changed.text).toContain('Daily digest changed');
    expect(await schedule()).toMatchObject({ local_time: '17:30', timezone: 'Europe/Paris' });
  });

  it('uses the requester’s Slack time zone when none is typed, and says so', async () => {
    const set = await reply('digest set <#C0BERLIN|berlin> 08:15');
    expect(set.text).toContain('weekdays at 08:15 Europe/Berlin (your Slack time zone');
    expect(await schedule('C0BERLIN')).toMatchObject({ timezone: 'Europe/Berlin' });
  });

  it('warns at once when the bot is not in the channel', async () => {
    t.slack.on('conversations.info', (body) => ({
      ok: true,
      channel: { id: body['channel'], is_member: false },
    }));
    try {
      const set = await reply('digest set <#C0OUTSIDE> 10:00 UTC');
      expect(set.text).toContain('I’m not in <#C0OUTSIDE> yet: invite @ActivityPulse there');
    } finally {
      t.slack.on('conversations.info', () => undefined);
    }
  });

  it('answers bad input with what to fix, and stores nothing', async () => {
    expect(await ackText('digest set')).toContain('Name the channel first');
    expect(await ackText('digest set 09:00 UTC')).toContain('Name the channel first');
    expect(await ackText('digest set #nowhere 09:00')).toContain('I can’t find the channel `#nowhere`');
    expect(await ackText('digest set <#C0BAD> 9am')).toContain(
      '`9am` is not a time I can read: use 24-hour HH:MM',
    );
    expect(await ackText('digest set <#C0BAD> 24:00')).toContain('`24:00` is not a time I can read');
    expect(await ackText('digest set <#C0BAD>')).toContain('Give the time');
    expect(await ackText('digest set <#C0BAD> 09:00 Mars/Olympus')).toContain(
      'I don’t know the time zone `Mars/Olympus`: use an IANA name such as `America/New_York`',
    );
    expect(await ackText('digest set <#C0BAD> 09:00 UTC extra')).toContain('Too many words');
    expect(await ackText('digest off')).toContain('Name the channel first');
    expect(await schedule('C0BAD')).toBeUndefined();
  });

  it('lets only admins set, stop or send a digest; anyone may preview', async () => {
    for (const text of [
      `digest set <#C0MEMBER> 09:00`,
      'digest off <#C0MEMBER>',
      'digest send <#C0MEMBER>',
    ]) {
      const answer = await reply(text, MEMBER);
      expect(answer.text).toContain('Only workspace admins and owners');
    }
    expect(await schedule('C0MEMBER')).toBeUndefined();
    const { ack } = await command('digest preview <#C0MEMBER>', MEMBER);
    expect(String(ack?.['text'])).toContain('*Preview* of today’s digest');
  });

  it('turns a digest off, and says so when there was none', async () => {
    await reply('digest set <#C0OFF> 09:00 UTC');
    expect((await reply('digest off <#C0OFF|off>')).text).toBe('Stopped the daily digest in <#C0OFF>.');
    expect(await schedule('C0OFF')).toMatchObject({ enabled: false });
    expect((await reply('digest off <#C0OFF>')).text).toContain('<#C0OFF> has no digest running');
  });

  it('previews exactly what `send` then posts, and send counts as today’s digest', async () => {
    const source = await make.source(TEAM, { lastSyncAt: new Date('2026-03-10T13:45:00Z') });
    const ada = await make.teammate(TEAM, source.id, { displayName: 'Ada' });
    await make.teammate(TEAM, source.id, { displayName: 'Quiet Quentin' });
    await make.activity({
      workspaceId: TEAM,
      teammateId: ada.id,
      sourceId: source.id,
      kind: 'mr_merged',
      occurredAt: new Date('2026-03-09T15:00:00Z'),
      title: 'Ship the digest',
      url: 'https://gitlab.example.com/g/app/-/merge_requests/1',
    });
    clock = new Date('2026-03-10T12:00:00Z'); // 08:00 in New York
    await reply('digest set <#C0SHOW> 09:00 America/New_York');
    clock = new Date('2026-03-10T12:30:00Z');

    const preview = await command('digest preview <#C0SHOW>');
    expect(String(preview.ack?.['text'])).toContain('Preview');
    expect(String(preview.ack?.['text'])).toContain('only you see it');
    expect(String(preview.ack?.['text'])).toContain(
      '<#C0SHOW> gets it at 09:00 America/New_York on weekdays',
    );
    const shown = await t.slack.waitFor(() => t.slack.responses(preview.respondId)[0]);
    expect(shown.body['response_type']).toBe('ephemeral');

    const sent = await reply('digest send <#C0SHOW>');
    expect(sent.text).toContain('Posted today’s digest in <#C0SHOW>. It counts as today’s scheduled digest');
    const inChannel = () =>
      t.slack.callsTo('chat.postMessage').filter((call) => call.body['channel'] === 'C0SHOW');
    // One digest in the channel; how review time is estimated follows in its thread.
    const posted = inChannel().filter((call) => !call.body['thread_ts']);
    expect(posted).toHaveLength(1);
    expect(inChannel().filter((call) => call.body['thread_ts'])).toHaveLength(1);
    expect(posted[0]!.body['blocks']).toEqual(shown.body['blocks']);
    expect(posted[0]!.body['text']).toEqual(shown.body['text']);
    const blocks = JSON.stringify(shown.body['blocks']);
    expect(blocks).toContain('GitLab digest · Mon 9 Mar 2026');
    expect(blocks).toContain('<https://gitlab.example.com/g/app/-/merge_requests/1|Ship the digest>');
    expect(blocks).toContain('*No GitLab activity:* Quiet Quentin');

    // The schedule's own 09:00 run finds today's digest already claimed.
    clock = new Date('2026-03-10T13:00:00Z');
    await t.app.jobs.runNow('digest-tick');
    expect(inChannel().filter((call) => !call.body['thread_ts'])).toHaveLength(1);
  });

  it('tells the admin to invite the bot when it is not in the channel', async () => {
    t.slack.on('chat.postMessage', (body) =>
      body['channel'] === 'C0PRIVATE' ? { ok: false, error: 'not_in_channel' } : undefined,
    );
    const sent = await reply('digest send <#C0PRIVATE>');
    expect(sent.text).toBe(
      'I couldn’t post in <#C0PRIVATE>: I’m not a member. Invite @ActivityPulse there (`/invite @ActivityPulse`) and send again.',
    );
  });

  it('lists the channels that get a digest', async () => {
    await reply('digest set <#C0LIST> 07:45 Asia/Tokyo');
    const listed = await reply('digest');
    expect(listed.text).toContain('<#C0LIST> — weekdays at 07:45 Asia/Tokyo');
  });
});
