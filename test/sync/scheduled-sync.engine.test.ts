import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.ts';
import { runScheduledSync } from '../../src/modules/sync/scheduled-sync.job.ts';
import { slackUserNotifier } from '../../src/slack/user-notifier.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createFakeGitLab, type FakeGitLab } from '../support/fake-gitlab/index.ts';
import { BOT_TOKEN, FakeSlack, SLACK_API_URL } from '../support/slack.ts';
import { EXPIRED_TOKEN, mixedScenario, SYNC_TOKEN } from './mixed-scenario.ts';
import { createSyncHarness, SYNC_NOW, type SyncHarness } from './sync-harness.ts';

/** The scheduled job over the real SyncService and the fake GitLab on loopback. */
describe('the scheduled sync with the real engine', () => {
  let db: TestDatabase;
  let fake: FakeGitLab;
  let harness: SyncHarness;
  let slack: FakeSlack;

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await createFakeGitLab(mixedScenario());
    harness = await createSyncHarness(await db.orm());
    slack = new FakeSlack();
  });
  afterAll(async () => {
    slack.close();
    await harness.close();
    await fake.close();
    await db.drop();
  });
  it('syncs working sources, backs off the one with an expired token and tells its owner once', async () => {
    const broken = await harness.addSource({ baseUrl: fake.url, token: EXPIRED_TOKEN, name: 'old' });
    const working = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN, name: 'new' });
    await harness.addTeammate(broken, 'ada');
    await harness.addTeammate(working, 'grace');
    let clock = SYNC_NOW;
    const options = () => ({
      orm: harness.orm,
      engine: harness.service(),
      notifier: slackUserNotifier(
        async () => new WebClient(BOT_TOKEN, { slackApiUrl: SLACK_API_URL, retryConfig: { retries: 0 } }),
      ),
      logger: createLogger({ level: 'silent' }),
      now: () => clock,
      replicaId: 'engine-test',
      minIntervalMs: 5 * 60_000,
    });

    const outcomes = await runScheduledSync(options());
    const byId = Object.fromEntries(outcomes.map((outcome) => [outcome.dataSourceId, outcome]));
    expect(byId[working]).toMatchObject({ status: 'succeeded' });
    expect(byId[broken]).toMatchObject({
      status: 'failed',
      errorCode: 'GITLAB_TOKEN_EXPIRED',
      ownerNotified: true,
      nextSyncAfter: new Date(SYNC_NOW.getTime() + 6 * 60 * 60_000),
    });
    const [stored] = await harness.sql<{ n: number }>(
      'select count(*)::int as n from activity where data_source_id = ?',
      [working],
    );
    expect(stored!.n).toBeGreaterThan(0);
    const dms = slack.callsTo('chat.postMessage');
    expect(dms).toHaveLength(1);
    expect(dms[0]!.body['channel']).toBe('U0ADMIN');
    expect(String(dms[0]!.body['text'])).toContain('*old*');
    expect(String(dms[0]!.body['text'])).not.toContain(EXPIRED_TOKEN);

    // 15 minutes later only the working source is due; 6 hours later the broken one is tried again,
    // quietly.
    clock = new Date(SYNC_NOW.getTime() + 15 * 60_000);
    expect((await runScheduledSync(options())).map((outcome) => outcome.dataSourceId)).toEqual([working]);
    clock = new Date(SYNC_NOW.getTime() + 6 * 60 * 60_000);
    const later = await runScheduledSync(options());
    expect(later.find((outcome) => outcome.dataSourceId === broken)).toMatchObject({
      errorCode: 'GITLAB_TOKEN_EXPIRED',
      ownerNotified: false,
    });
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
