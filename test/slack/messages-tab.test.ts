import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onePushScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { addSourceThroughModal } from '../support/pulse-flows.ts';
import { sendCommand, sendInteraction } from '../support/slack.ts';
import { manifestWithMessagesTab, messagesTabEnabled, shippedManifest } from '../support/slack-manifest.ts';
import { blockActionPayload } from '../support/slack-payloads.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** Fetch now on the App Home: no response_url there, so the run is reported by direct message. */
async function clickFetchNowOnHome(t: TestApp, gitlab: FakeGitLab, teamId: string): Promise<number> {
  const sourceId = await addSourceThroughModal(t, {
    teamId,
    name: 'gitlab',
    url: gitlab.url,
    token: TOKENS.ada,
  });
  const { respondId } = await sendCommand(t.baseUrl, { text: 'map <@U0ALICE> ada', teamId });
  await t.slack.waitFor(() => t.slack.responses(respondId)[0]);
  const before = t.slack.calls.length;
  const click = blockActionPayload({
    actionId: 'source_fetch',
    value: sourceId,
    teamId,
    userId: 'U0ADMIN',
    surface: 'home',
  });
  const { response } = await sendInteraction(t.baseUrl, click.payload);
  expect(response.status).toBe(200);
  return before;
}

describe('the App Home Messages tab', () => {
  let gitlab: FakeGitLab;
  beforeAll(async () => {
    gitlab = await createFakeGitLab(onePushScenario({ message: 'Change 0', additions: 1, deletions: 0 }));
  });
  afterAll(async () => {
    await gitlab?.close();
  });

  it('is on and open for replies in the shipped manifest', () => {
    const manifest = shippedManifest();
    expect(messagesTabEnabled(manifest)).toBe(true);
    expect(manifest).toMatch(/^\s*messages_tab_read_only_enabled:\s*false\b/m);
  });

  describe('with the shipped manifest', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' } });
      t.slack.addUser({ id: 'U0ADMIN', is_admin: true }).addUser({ id: 'U0ALICE', name: 'alice' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('reports Fetch now from the App Home by a direct message, updated in place through its DM channel', async () => {
      const before = await clickFetchNowOnHome(t, gitlab, 'TTABON');
      const final = await t.slack.waitFor(() =>
        t.slack.calls
          .slice(before)
          .find(
            (call) => call.method === 'chat.update' && String(call.body['text']).startsWith('Fetch finished'),
          ),
      );
      const posted = t.slack.calls
        .slice(before)
        .filter((call) => call.method === 'chat.postMessage' && call.body['channel'] === 'U0ADMIN');
      expect(posted).toHaveLength(1);
      expect(String(posted[0]!.body['text'])).toContain('Fetching GitLab activity from `gitlab`');
      // Updated by the DM channel Slack answered with, never by the user id.
      expect(final.body['channel']).toBe('DU0ADMIN');
      expect(JSON.stringify(final.body)).toContain('<@U0ALICE>: 1 commit');
    });
  });

  describe('with a manifest that turns the Messages tab off', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        env: { GITLAB_ALLOWED_HOSTS: '127.0.0.1' },
        slackManifest: manifestWithMessagesTab(false),
      });
      t.slack.addUser({ id: 'U0ADMIN', is_admin: true }).addUser({ id: 'U0ALICE', name: 'alice' });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('is refused every DM, as Slack does (messages_tab_disabled): a sync from the App Home reports nothing', async () => {
      const before = await clickFetchNowOnHome(t, gitlab, 'TTABOFF');
      await t.slack.waitFor(() =>
        t.slack.calls.slice(before).find((call) => call.method === 'chat.postMessage'),
      );
      await t.slack.waitFor(() => t.logs.find((line) => line.includes('messages_tab_disabled')));
      expect(t.slack.calls.slice(before).some((call) => call.method === 'chat.update')).toBe(false);
    });

    it('still answers `/pulse fetch` with its summary, as the single final response_url answer', async () => {
      const before = t.slack.calls.length;
      const { respondId } = await sendCommand(t.baseUrl, { text: 'fetch gitlab', teamId: 'TTABOFF' });
      const summary = await t.slack.waitFor(() =>
        t.slack.responses(respondId).find((call) => /Fetch finished/.test(String(call.body['text']))),
      );
      expect(t.slack.responses(respondId)).toHaveLength(1);
      expect(summary.body['replace_original']).toBeUndefined();
      expect(t.slack.refusedResponses).toEqual([]);
      expect(t.slack.calls.slice(before).some((call) => call.method === 'chat.update')).toBe(false);
    });
  });
});
