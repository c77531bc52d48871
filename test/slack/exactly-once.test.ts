import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startActivityPulse } from '../../src/main.ts';
import { rows } from '../support/domain-rows.ts';
import {
  BOT_TOKEN,
  COMMAND_RESPOND_PREFIX,
  postSigned,
  SIGNING_SECRET,
  SLACK_API_URL,
  SLACK_HOST,
  sendEvent,
} from '../support/slack.ts';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/test-app.ts';

const TEAM = 'T0ONCE';
const ADMIN = 'U0ADMIN';

/** A `/pulse` command body exactly as Slack sends it, so the same bytes can be delivered twice. */
function commandBody(text: string, respondId: string): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: TEAM,
    team_domain: 'once',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: ADMIN,
    user_name: 'admin',
    command: '/pulse',
    text,
    api_app_id: 'A0PULSE',
    response_url: `${SLACK_HOST}/respond/${respondId}`,
    trigger_id: `trigger-${respondId}`,
  }).toString();
}

describe('retried and replayed Slack requests are acted on once', () => {
  let t: TestApp;
  /** A second replica on the same database, as in a deployment with two pods. */
  let replica: RunningApp;
  let replicaUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    t.slack.addUser({ id: ADMIN, name: 'Admin', is_admin: true, tz: 'Europe/Berlin' });
    replica = await startActivityPulse({
      env: {
        DATABASE_URL: t.db.url,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_API_URL,
        PORT: '0',
        ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
        LOG_LEVEL: 'info',
        SYNC_CRON: '0 0 1 1 *',
      },
      logDestination: { write: () => true },
      startJobs: false,
    });
    replicaUrl = `http://127.0.0.1:${replica.port}`;
    const orm = await t.db.orm();
    await orm.em.fork().getConnection().execute('insert into workspace (id) values (?)', [TEAM]);
    const make = rows(orm);
    const source = await make.source(TEAM, { lastSyncAt: new Date() });
    await make.teammate(TEAM, source.id, { displayName: 'Ada' });
  });
  afterAll(async () => {
    await replica?.stop();
    await t?.close();
  });

  it('posts a replayed signed `/pulse digest send` once, on whichever replica the replay lands, and acknowledges every delivery', async () => {
    const respondId = `${COMMAND_RESPOND_PREFIX}replay1`;
    const body = commandBody('digest send <#C0ONCE>', respondId);
    const timestamp = Math.floor(Date.now() / 1000);
    const first = await postSigned(t.baseUrl, body, { timestamp });
    // A proxy repeats the request byte for byte, to this replica and to the other one.
    const [again, elsewhere] = await Promise.all([
      postSigned(t.baseUrl, body, { timestamp }),
      postSigned(replicaUrl, body, { timestamp }),
    ]);
    expect([first.status, again.status, elsewhere.status]).toEqual([200, 200, 200]);
    await t.slack.waitFor(() =>
      t.slack.responses(respondId).find((call) => String(call.body['text']).includes('Posted')),
    );
    // Time for a second post to show up, had the replay been acted on.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const posted = t.slack
      .callsTo('chat.postMessage')
      .filter((call) => call.body['channel'] === 'C0ONCE' && !call.body['thread_ts']);
    expect(posted).toHaveLength(1);
    expect(t.slack.responses(respondId)).toHaveLength(1);
    expect(t.logs.join('\n')).toContain('Slack request already handled');
  });

  it('still acts on the same command typed again (a new request, a new signature)', async () => {
    const before = t.slack.callsTo('chat.postMessage').length;
    const respondId = `${COMMAND_RESPOND_PREFIX}again2`;
    await postSigned(t.baseUrl, commandBody('digest send <#C0TWICE>', respondId));
    await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    const respondId2 = `${COMMAND_RESPOND_PREFIX}again3`;
    await postSigned(t.baseUrl, commandBody('digest send <#C0TWICE>', respondId2));
    await t.slack.waitFor(() => t.slack.responses(respondId2)[0]);
    const posted = t.slack
      .callsTo('chat.postMessage')
      .slice(before)
      .filter((call) => call.body['channel'] === 'C0TWICE');
    expect(posted.length).toBeGreaterThanOrEqual(1);
    expect(String(t.slack.responses(respondId2)[0]!.body['text'])).not.toContain('Something went wrong');
  });

  it('acts once on an event Slack retries with the same event_id (X-Slack-Retry-Num), re-signed', async () => {
    const before = t.slack.callsTo('views.publish').length;
    const event = { type: 'app_home_opened', user: ADMIN, channel: 'D0HOME', tab: 'home' };
    const eventId = 'Ev0RETRY0001';
    const first = await sendEvent(t.baseUrl, event, { teamId: TEAM, eventId });
    const retried = await sendEvent(replicaUrl, event, {
      teamId: TEAM,
      eventId,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect([first.status, retried.status]).toEqual([200, 200]);
    await t.slack.waitFor(() => t.slack.callsTo('views.publish').length > before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.slack.callsTo('views.publish').length - before).toBe(1);
  });
});
