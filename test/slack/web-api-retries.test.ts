import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifySlackError } from '../../src/slack/digest-publisher.ts';
import { rows } from '../support/domain-rows.ts';
import { sendCommand } from '../support/slack.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const TEAM = 'T0RETRY';
const ADMIN = 'U0ADMIN';

/**
 * What the Web API client does when Slack answers badly, through `/pulse` commands into the real
 * app: a post is never repeated on its own, 429s wait for Retry-After, a refused token is final.
 */
describe('Slack Web API answers other than ok', () => {
  let t: TestApp;
  let channel = 0;

  /** `/pulse digest send` to a fresh channel; the reply and the posts that reached Slack. */
  const digestSend = async () => {
    channel += 1;
    const target = `C0RETRY${channel}`;
    const { respondId } = await sendCommand(t.baseUrl, { text: `digest send <#${target}>`, teamId: TEAM });
    const reply = await t.slack.waitFor(() => t.slack.responses(respondId)[0], 15_000);
    // The digest itself; how review time is estimated follows in its thread.
    const posts = t.slack
      .callsTo('chat.postMessage')
      .filter((call) => call.body['channel'] === target && !call.body['thread_ts']);
    return { reply: String(reply.body['text']), posts, target };
  };

  beforeAll(async () => {
    t = await startTestApp();
    t.slack.addUser({ id: ADMIN, name: 'Admin', is_admin: true, tz: 'Europe/Berlin' });
    const orm = await t.db.orm();
    await orm.em.fork().getConnection().execute('insert into workspace (id) values (?)', [TEAM]);
    const make = rows(orm);
    const source = await make.source(TEAM, { lastSyncAt: new Date() });
    await make.teammate(TEAM, source.id, { displayName: 'Ada' });
  });
  afterAll(async () => t?.close());
  beforeEach(() => {
    t.slack.onHttp('chat.postMessage', () => undefined);
    t.slack.onHttp('users.info', () => undefined);
    t.slack.on('chat.postMessage', () => undefined);
  });

  it('never repeats a digest post whose answer was a 5xx (it may have been posted)', async () => {
    t.slack.onHttp('chat.postMessage', () => ({ status: 503 }));
    const { reply, posts } = await digestSend();
    expect(posts).toHaveLength(1);
    expect(reply).not.toContain('Posted');
  });

  it('waits for Retry-After on a 429 and then posts the digest once', async () => {
    let answered = 0;
    t.slack.onHttp('chat.postMessage', () => {
      answered += 1;
      return answered === 1 ? { status: 429, headers: { 'retry-after': '1' } } : undefined;
    });
    const started = Date.now();
    const { reply, posts } = await digestSend();
    expect(reply).toContain('Posted');
    expect(posts).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('does not sit out a Retry-After beyond its bound: the admin hears Slack is rate limiting', async () => {
    t.slack.onHttp('chat.postMessage', () => ({ status: 429, headers: { 'retry-after': '600' } }));
    const started = Date.now();
    const { reply, posts } = await digestSend();
    expect(posts).toHaveLength(1);
    expect(reply).toContain('ratelimited');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.each(['invalid_auth', 'token_revoked', 'account_inactive'])(
    'asks Slack once when it answers %s, and gives the digest no later attempt',
    async (error) => {
      t.slack.on('chat.postMessage', () => ({ ok: false, error }));
      const { reply, posts } = await digestSend();
      expect(posts).toHaveLength(1);
      expect(reply).toContain(error);
      // A scheduled digest refused so is not tried again later: only a new token can help.
      expect(classifySlackError({ code: 'slack_webapi_platform_error', data: { ok: false, error } })).toEqual(
        {
          ok: false,
          error,
          retryable: false,
        },
      );
    },
  );

  it('waits for Retry-After when users.info is rate limited, and answers the command', async () => {
    let answered = 0;
    t.slack.onHttp('users.info', () => {
      answered += 1;
      return answered === 1 ? { status: 429, headers: { 'retry-after': '1' } } : undefined;
    });
    const before = t.slack.callsTo('users.info').length;
    // Someone not looked up yet: answers are cached per person for a few minutes.
    const { respondId } = await sendCommand(t.baseUrl, {
      text: 'digest preview <#C0LOOK>',
      teamId: TEAM,
      userId: 'U0NEWCOMER',
    });
    const reply = await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
    expect(JSON.stringify(reply.body)).not.toContain('Something went wrong');
    expect(t.slack.callsTo('users.info').length - before).toBeGreaterThanOrEqual(2);
  });
});
