import { afterAll, describe, expect, it } from 'vitest';
import { sendEvent } from '../support/slack.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('stopping the app while a Slack listener is still running', () => {
  let t: TestApp | undefined;
  afterAll(async () => {
    // The test stops the app itself; only the fakes and the database are left to clean up.
    t?.slack.close();
    await t?.db.drop();
  });

  it('waits for the listener to finish before the database closes', async () => {
    t = await startTestApp();
    t.slack.addUser({ id: 'U0ADMIN', is_admin: true, tz: 'Europe/Berlin' });
    // Slack is slow to say who is asking: the App Home listener is still waiting when the stop comes.
    const release = t.slack.hold('users.info');
    const response = await sendEvent(
      t.baseUrl,
      { type: 'app_home_opened', user: 'U0ADMIN', channel: 'D0HOME', tab: 'home' },
      { teamId: 'TSTOP01' },
    );
    expect(response.status).toBe(200); // acknowledged; the listener runs on
    await t.slack.waitFor(() => t!.slack.callsTo('users.info').length > 0);

    const stopped = t.app.stop();
    // The listener reads the database once Slack answers: the stop must not have closed it yet.
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await stopped;

    expect(t.slack.callsTo('views.publish').map((call) => call.body['user_id'])).toEqual(['U0ADMIN']);
    const logged = t.logs.join('\n');
    expect(logged).not.toMatch(/could not publish the App Home/);
    expect(logged).toMatch(/"msg":"stopped"/);
  });
});
