import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../src/modules/workspaces/workspace.entity.ts';
import { eventually } from '../support/eventually.ts';
import { sendCommand, sign } from '../support/slack.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

const INSTALLED_BOT_TOKEN = 'xoxb-installed-0000-secret';

describe('the multi-workspace OAuth install', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        SLACK_BOT_TOKEN: '',
        SLACK_CLIENT_ID: '111.222',
        SLACK_CLIENT_SECRET: 'client-secret',
        SLACK_STATE_SECRET: 'state-secret-long-enough',
      },
    });
    t.slack.on('oauth.v2.access', () => ({
      ok: true,
      app_id: 'A0PULSE',
      authed_user: { id: 'U0INSTALLER' },
      scope: 'commands,chat:write,users:read',
      token_type: 'bot',
      access_token: INSTALLED_BOT_TOKEN,
      bot_user_id: 'U0BOT',
      team: { id: 'T0NEW', name: 'New Team' },
      enterprise: null,
      is_enterprise_install: false,
    }));
    t.slack.on('auth.test', () => ({
      ok: true,
      team_id: 'T0NEW',
      user_id: 'U0BOT',
      bot_id: 'B0BOT',
      team: 'New Team',
    }));
  });
  afterAll(async () => t.close());

  /** Slack's install flow: /slack/install → consent → /slack/oauth_redirect with a code. */
  const install = async () => {
    const started = await fetch(`${t.baseUrl}/slack/install`, { redirect: 'manual' });
    expect(started.status).toBe(302);
    const location = new URL(started.headers.get('location') ?? '');
    expect(location.pathname).toBe('/oauth/v2/authorize');
    expect(location.searchParams.get('scope')?.split(',')).toContain('commands');
    const state = location.searchParams.get('state') ?? '';
    const cookie = (started.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const callback = await fetch(
      `${t.baseUrl}/slack/oauth_redirect?code=the-code&state=${encodeURIComponent(state)}`,
      {
        headers: { cookie },
        redirect: 'manual',
      },
    );
    expect(callback.status).toBeLessThan(400);
  };

  it('installs a workspace, keeps its bot token sealed, answers its commands, forgets the token on uninstall, and comes back on reinstall', async () => {
    await install();

    const orm = await t.db.orm();
    const stored = await orm.em.fork().findOneOrFail(Workspace, { id: 'T0NEW' });
    expect(stored.botUserId).toBe('U0BOT');
    expect(stored.adminUserIds).toEqual(['U0INSTALLER']);
    expect(stored.botTokenSealed).toMatch(/^v1:/);
    expect(stored.botTokenSealed).not.toContain(INSTALLED_BOT_TOKEN);

    const { ack } = await sendCommand(t.baseUrl, { text: 'help', teamId: 'T0NEW' });
    expect(JSON.stringify(ack)).toContain('/pulse sources');

    const event = JSON.stringify({
      token: 'x',
      team_id: 'T0NEW',
      api_app_id: 'A0PULSE',
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: 1,
      event: { type: 'tokens_revoked', tokens: { bot: ['U0BOT'] }, event_ts: '1.1' },
    });
    // Events arrive as JSON; Bolt's receiver accepts that content type for the events API.
    const response = await fetch(`${t.baseUrl}/slack/events`, {
      method: 'POST',
      headers: await signedJsonHeaders(event),
      body: event,
    });
    expect(response.status).toBe(200);
    const after = await eventually(async () => {
      const row = await (await t.db.orm()).em.fork().findOneOrFail(Workspace, { id: 'T0NEW' });
      return row.botTokenSealed === null ? row : undefined;
    });
    expect(after.botTokenSealed).toBeNull();
    expect(after.uninstalledAt).not.toBeNull();

    // Installed again through OAuth: the token is back and the workspace's schedules resume
    // (the digest tick and the scheduled sync skip only workspaces marked uninstalled).
    await install();
    const back = await (await t.db.orm()).em.fork().findOneOrFail(Workspace, { id: 'T0NEW' });
    expect(back.uninstalledAt).toBeNull();
    expect(back.botTokenSealed).toMatch(/^v1:/);
    const again = await sendCommand(t.baseUrl, { text: 'help', teamId: 'T0NEW' });
    expect(JSON.stringify(again.ack)).toContain('/pulse sources');
    expect(t.logs.join('')).not.toContain(INSTALLED_BOT_TOKEN);
  });
});

async function signedJsonHeaders(body: string): Promise<Record<string, string>> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': sign(body, timestamp),
  };
}
