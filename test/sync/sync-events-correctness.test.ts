import { describe, expect, it } from 'vitest';
import type { FakeScenario } from '../support/fake-gitlab/index.ts';
import { mixedScenario, SYNC_TOKEN } from './mixed-scenario.ts';
import { storedActivities } from './sync-harness.ts';
import { useSyncWorld } from './sync-world.ts';

/**
 * The events API's traps, through a whole sync: `opened` names a re-open too; `after` is a whole
 * day in the SERVER's time zone; `push_data` and `author_username` can be null.
 */
const world = useSyncWorld();

async function run(scenario: FakeScenario, since?: Date) {
  const { fake: server, harness: on } = await world.start(scenario);
  const sourceId = await on.addSource({ baseUrl: server.url, token: SYNC_TOKEN });
  await on.addTeammate(sourceId, 'ada');
  await on.addTeammate(sourceId, 'grace');
  const { sources } = await on.service().sync({
    workspaceId: on.workspaceId,
    dataSourceId: sourceId,
    trigger: 'command',
    ...(since ? { since } : {}),
  });
  const keys = (await storedActivities(on)).map((row) => row.natural_key.replace(/^gitlab:[^:]+:[^:]+:/, ''));
  return { result: sources[0], keys, server };
}

describe('events as GitLab sends them', () => {
  it('does not credit a re-open (an `opened` event long after the MR or issue was created) as an opening', async () => {
    const scenario = mixedScenario();
    scenario.mergeRequests?.push({
      project_id: 7,
      iid: 9,
      title: 'Old refactor',
      state: 'opened',
      author: 'grace',
      source_branch: 'refactor',
      created_at: '2024-03-01T09:00:00Z',
      updated_at: '2024-05-08T10:00:00Z',
    });
    scenario.issues?.push({
      project_id: 8,
      iid: 30,
      title: 'Flaky export',
      state: 'opened',
      author: 'ada',
      created_at: '2024-03-02T09:00:00Z',
      updated_at: '2024-05-08T11:00:00Z',
    });
    scenario.events?.push(
      {
        id: 1901,
        author: 'ada',
        project_id: 7,
        action_name: 'opened',
        target_type: 'MergeRequest',
        target_iid: 9,
        target_title: 'Old refactor',
        created_at: '2024-05-08T10:00:00Z',
      },
      {
        id: 1902,
        author: 'ada',
        project_id: 8,
        action_name: 'opened',
        target_type: 'Issue',
        target_iid: 30,
        target_title: 'Flaky export',
        created_at: '2024-05-08T11:00:00Z',
      },
    );
    const { keys } = await run(scenario);

    expect(keys.filter((key) => key.startsWith('mr_opened'))).toEqual(['mr_opened:7:5', 'mr_opened:7:6']);
    expect(keys.filter((key) => key.startsWith('issue_opened'))).toEqual(['issue_opened:8:3']);
  });

  it('reads a window that starts before midnight on a server west of UTC, then filters by exact time', async () => {
    const scenario = mixedScenario();
    scenario.serverUtcOffsetMinutes = -600; // UTC-10: 2024-05-07 06:00 UTC is still 05-06 there
    scenario.issues?.push({
      project_id: 8,
      iid: 31,
      title: 'Timezone check',
      state: 'closed',
      author: 'grace',
      created_at: '2024-05-01T09:00:00Z',
      updated_at: '2024-05-07T06:00:00Z',
      closed_at: '2024-05-07T06:00:00Z',
      closed_by: 'grace',
    });
    scenario.events?.push(
      {
        id: 1911,
        author: 'grace',
        project_id: 8,
        action_name: 'closed',
        target_type: 'Issue',
        target_iid: 31,
        created_at: '2024-05-07T06:00:00Z',
      },
      {
        id: 1910,
        author: 'grace',
        project_id: 8,
        action_name: 'closed',
        target_type: 'Issue',
        target_iid: 4,
        created_at: '2024-05-07T04:00:00Z',
      },
    );
    const { keys, server } = await run(scenario, new Date('2024-05-07T05:00:00Z'));

    expect(
      server.requests.find((request) => request.endpoint === 'GET /users/:id/events')?.query['after'],
    ).toBe('2024-05-05');
    expect(keys).toContain('issue_closed:8:31:42');
    // 04:00 UTC is before the window: asked for (one day wide), then left out by its exact time.
    expect(keys).not.toContain('issue_closed:8:4:42');
  });

  it('tolerates push_data and author_username null (a deleted user, an import)', async () => {
    const scenario = mixedScenario();
    scenario.events?.push({
      id: 1920,
      author: 'ada',
      author_username: null,
      project_id: 7,
      action_name: 'pushed to',
      target_type: null,
      created_at: '2024-05-08T12:00:00Z',
      push_data: null,
    });
    const { result } = await run(scenario);

    expect(result?.failures.map((failure) => failure.slackUserId)).not.toContain('UADA');
    expect(result?.counts['UADA']).toMatchObject({ commit_pushed: 5, mr_opened: 1 });
  });
});
