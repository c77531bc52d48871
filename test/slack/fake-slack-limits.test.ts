import { afterEach, describe, expect, it } from 'vitest';
import { startFakeSlackServer } from '../support/fake-slack-server.ts';
import { COMMAND_RESPOND_PREFIX, FakeSlack, SLACK_HOST } from '../support/slack.ts';
import { manifestWithMessagesTab, shippedManifest } from '../support/slack-manifest.ts';

/** The fakes keep Slack's documented limits, so a test cannot pass where Slack would refuse. */
describe('the fake Slack keeps Slack’s limits', () => {
  let slack: FakeSlack | undefined;
  afterEach(() => {
    slack?.close();
    slack = undefined;
  });

  const respond = (id: string, body: Record<string, unknown>) =>
    fetch(`${SLACK_HOST}/respond/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('sends profile e-mails in users.list only to an app with users:read.email', async () => {
    const emails = async (manifest?: string) => {
      slack = new FakeSlack(manifest === undefined ? {} : { manifest });
      slack.addUser({ id: 'U1', name: 'ada', email: 'ada@example.test' });
      const answer = (await (
        await fetch(`${SLACK_HOST}/api/users.list`, { method: 'POST', body: 'limit=200' })
      ).json()) as { members: Array<{ profile: { email?: string } }> };
      slack.close();
      return answer.members.map((member) => member.profile.email);
    };
    expect(await emails()).toEqual(['ada@example.test']);
    expect(await emails(shippedManifest().replace(/^\s*- users:read\.email\n/m, ''))).toEqual([undefined]);
  });

  it('takes 5 posts to a response_url, then answers used_url', async () => {
    slack = new FakeSlack();
    const statuses: number[] = [];
    for (let use = 0; use < 6; use += 1)
      statuses.push((await respond('cmd-uses', { text: `${use}` })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
    expect(slack.refusedResponses).toEqual([{ respondId: 'cmd-uses', error: 'used_url' }]);
  });

  it('refuses a response_url after 30 minutes (expired_url)', async () => {
    let now = Date.parse('2026-12-02T10:00:00Z');
    slack = new FakeSlack({ now: () => now });
    expect((await respond('cmd-late', { text: 'first' })).status).toBe(200);
    now += 31 * 60_000;
    expect((await respond('cmd-late', { text: 'late' })).status).toBe(404);
    expect(slack.refusedResponses.at(-1)?.error).toBe('expired_url');
  });

  it('refuses replace_original on a slash command’s ephemeral reply, not on a button’s message', async () => {
    slack = new FakeSlack();
    const command = await respond(`${COMMAND_RESPOND_PREFIX}replace`, { text: 'x', replace_original: true });
    expect(command.status).toBe(404);
    expect(await command.json()).toEqual({ ok: false, error: 'cant_update_message' });
    expect((await respond('button1', { text: 'x', replace_original: true })).status).toBe(200);
  });

  it('refuses DMs when the manifest turns the Messages tab off, in both fakes', async () => {
    slack = new FakeSlack({ manifest: manifestWithMessagesTab(false) });
    const post = (apiUrl: string, channel: string) =>
      fetch(`${apiUrl}chat.postMessage`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel, text: 'hi' }),
      }).then((response) => response.json());
    expect(await post(`${SLACK_HOST}/api/`, 'U0ADA')).toEqual({ ok: false, error: 'messages_tab_disabled' });
    expect(await post(`${SLACK_HOST}/api/`, 'C0GENERAL')).toMatchObject({ ok: true });
    const server = await startFakeSlackServer({ manifest: manifestWithMessagesTab(false) });
    try {
      expect(await post(server.apiUrl, 'U0ADA')).toEqual({ ok: false, error: 'messages_tab_disabled' });
    } finally {
      await server.close();
    }
    const open = await startFakeSlackServer();
    try {
      expect(await post(open.apiUrl, 'U0ADA')).toMatchObject({ ok: true, channel: 'DU0ADA' });
    } finally {
      await open.close();
    }
  });
});
