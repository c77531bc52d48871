import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLACK_USER_TTL_MS } from '../../src/slack/slack-user-directory.ts';
import { sendCommand } from '../support/slack.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/** users.info is Tier 4 and users.list Tier 2: answers are reused per workspace for a while. */
describe('Slack user lookups through commands', () => {
  let t: TestApp;
  let clock = new Date('2026-03-10T10:00:00Z');

  const ask = async (text: string, teamId: string, userId = 'U0ADMIN') => {
    const { respondId } = await sendCommand(t.baseUrl, { text, teamId, userId });
    return t.slack.waitFor(() => t.slack.responses(respondId)[0]);
  };
  const usersInfoFor = (userId: string) =>
    t.slack.callsTo('users.info').filter((call) => call.body['user'] === userId).length;

  beforeAll(async () => {
    t = await startTestApp({ now: () => clock });
    t.slack.addUser({ id: 'U0ADMIN', name: 'admin', is_admin: true });
    for (let n = 0; n < 450; n += 1)
      t.slack.addUser({ id: `U${String(n).padStart(4, '0')}`, name: `person${n}` });
  });
  afterAll(async () => t?.close());

  it('asks users.info once per person and workspace within the TTL, and again after it', async () => {
    const before = usersInfoFor('U0ADMIN');
    await ask('sources', 'T0CACHEA');
    await ask('teammates', 'T0CACHEA');
    await ask('digest', 'T0CACHEA');
    expect(usersInfoFor('U0ADMIN') - before).toBe(1);
    // Another workspace is another answer (ids are only unique per workspace for us).
    await ask('sources', 'T0CACHEB');
    expect(usersInfoFor('U0ADMIN') - before).toBe(2);
    clock = new Date(clock.getTime() + SLACK_USER_TTL_MS + 1000);
    await ask('sources', 'T0CACHEA');
    expect(usersInfoFor('U0ADMIN') - before).toBe(3);
  });

  it('pages users.list with cursors (200 a page) to resolve a bare @name, then reuses the list', async () => {
    const before = t.slack.callsTo('users.list').length;
    const first = await ask('activity @person449', 'T0CACHEA');
    expect(JSON.stringify(first.body)).not.toContain('Nobody in this workspace is called');
    const pages = t.slack.callsTo('users.list').slice(before);
    expect(pages).toHaveLength(3);
    expect(pages.map((call) => Number(call.body['limit']))).toEqual([200, 200, 200]);
    expect(pages[0]!.body['cursor']).toBeUndefined();
    expect(pages[1]!.body['cursor']).toBeTruthy();
    expect(pages[2]!.body['cursor']).not.toBe(pages[1]!.body['cursor']);
    await ask('activity @person10', 'T0CACHEA');
    expect(t.slack.callsTo('users.list')).toHaveLength(before + 3);
  });
});
