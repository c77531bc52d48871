import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, startActivityPulse } from '../../src/main.ts';
import { rows } from '../support/domain-rows.ts';
import { eventually } from '../support/eventually.ts';
import { sql } from '../support/pulse-flows.ts';
import { BOT_TOKEN, SIGNING_SECRET, SLACK_API_URL, sendCommand, sendEvent } from '../support/slack.ts';
import { startTestApp, TEST_ENCRYPTION_KEY, type TestApp } from '../support/test-app.ts';

const ADMIN = 'U0ADMIN';
/** The team FakeSlack's auth.test names for the configured token. */
const TOKEN_TEAM = 'T0TEST';

/**
 * Token (single-workspace) mode: after `app_uninstalled` digests stop; installing the app again
 * brings them back — by the first request Slack delivers from the team, or by a restart with the
 * new token.
 */
describe('reinstall after uninstall, token mode', () => {
  let t: TestApp;
  let clock = new Date('2026-03-09T08:00:00Z'); // Monday

  const uninstalledAt = async (teamId: string) =>
    (
      await sql<{ uninstalled_at: Date | null }>(t, 'select uninstalled_at from workspace where id = ?', [
        teamId,
      ])
    )[0]?.uninstalled_at ?? null;
  /** Runs the digest tick at 09:05 UTC on `day` and says whether the channel got its digest. */
  const digestPostedOn = async (day: string, channel: string) => {
    clock = new Date(`${day}T09:05:00Z`);
    const before = t.slack
      .callsTo('chat.postMessage')
      .filter((call) => call.body['channel'] === channel).length;
    await t.app.jobs.runNow('digest-tick');
    return (
      t.slack.callsTo('chat.postMessage').filter((call) => call.body['channel'] === channel).length > before
    );
  };
  const uninstall = async (teamId: string) => {
    const response = await sendEvent(t.baseUrl, { type: 'app_uninstalled', event_ts: '1.1' }, { teamId });
    expect(response.status).toBe(200);
    await eventually(async () => ((await uninstalledAt(teamId)) ? true : undefined));
  };

  beforeAll(async () => {
    t = await startTestApp({ now: () => clock });
    t.slack.addUser({ id: ADMIN, name: 'Admin', is_admin: true, tz: 'UTC' });
  });
  afterAll(async () => t?.close());

  const digestTeam = async (teamId: string, channel: string) => {
    const orm = await t.db.orm();
    await orm.em
      .fork()
      .getConnection()
      .execute('insert into workspace (id) values (?) on conflict do nothing', [teamId]);
    const make = rows(orm);
    const source = await make.source(teamId, { lastSyncAt: new Date('2030-01-01T00:00:00Z') });
    await make.teammate(teamId, source.id, { displayName: 'Ada' });
    const { respondId } = await sendCommand(t.baseUrl, {
      text: `digest set <#${channel}> 09:00 UTC`,
      teamId,
    });
    await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
  };

  it('brings the digest back with the first request Slack delivers from the team again', async () => {
    await digestTeam('T0BACK', 'C0BACK');
    expect(await digestPostedOn('2026-03-09', 'C0BACK')).toBe(true);

    await uninstall('T0BACK');
    expect(await digestPostedOn('2026-03-10', 'C0BACK')).toBe(false);

    // Installed again: someone opens the App Home (any request from the team will do).
    await sendEvent(
      t.baseUrl,
      { type: 'app_home_opened', user: ADMIN, channel: 'D0HOME', tab: 'home' },
      { teamId: 'T0BACK' },
    );
    await eventually(async () => ((await uninstalledAt('T0BACK')) === null ? true : undefined));
    expect(await digestPostedOn('2026-03-11', 'C0BACK')).toBe(true);
  });

  it('brings the digest back when the app restarts with a token Slack accepts for the team', async () => {
    await digestTeam(TOKEN_TEAM, 'C0TOKEN');
    await uninstall(TOKEN_TEAM);
    expect(await digestPostedOn('2026-03-12', 'C0TOKEN')).toBe(false);

    // The operator sets the new bot token and restarts (a second process on the same database).
    let restarted: RunningApp | undefined;
    try {
      restarted = await startActivityPulse({
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
      await eventually(async () => ((await uninstalledAt(TOKEN_TEAM)) === null ? true : undefined));
    } finally {
      await restarted?.stop();
    }
    expect(await digestPostedOn('2026-03-13', 'C0TOKEN')).toBe(true);
  });

  it('does not take the uninstall event itself for a reinstall', async () => {
    await digestTeam('T0GONE', 'C0GONE');
    await uninstall('T0GONE');
    await sendEvent(
      t.baseUrl,
      { type: 'tokens_revoked', tokens: { bot: ['UBOT'] }, event_ts: '1.2' },
      { teamId: 'T0GONE' },
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await uninstalledAt('T0GONE')).not.toBeNull();
  });
});
