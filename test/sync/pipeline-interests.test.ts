import { expect, it } from 'vitest';
import { mixedScenario, SYNC_TOKEN } from './mixed-scenario.ts';
import { storedActivities } from './sync-harness.ts';
import { useSyncWorld } from './sync-world.ts';

const world = useSyncWorld();

it('finds the pipeline a merge started in a project the person never pushed to', async () => {
  const scenario = mixedScenario();
  // Ada merges Grace's MR in acme/web (she never pushes there); the merge runs a pipeline as Ada.
  scenario.mergeRequests?.push({
    project_id: 8,
    iid: 3,
    title: 'Web footer',
    state: 'merged',
    author: 'grace',
    source_branch: 'feature/footer',
    created_at: '2024-05-07T10:00:00Z',
    updated_at: '2024-05-08T10:00:00Z',
    merged_at: '2024-05-08T10:00:00Z',
    merged_by: 'ada',
    reviewers: [],
    notes: [],
  });
  scenario.events?.push({
    id: 2101,
    author: 'ada',
    project_id: 8,
    action_name: 'accepted',
    target_type: 'MergeRequest',
    target_id: 80003,
    target_iid: 3,
    target_title: 'Web footer',
    created_at: '2024-05-08T10:00:00Z',
  });
  scenario.pipelines?.push({
    project_id: 8,
    id: 601,
    iid: 61,
    status: 'failed',
    ref: 'main',
    sha: 'e'.repeat(40),
    username: 'ada',
    created_at: '2024-05-08T10:01:00Z',
    updated_at: '2024-05-08T10:09:00Z',
    started_at: '2024-05-08T10:01:00Z',
    finished_at: '2024-05-08T10:09:00Z',
    duration: 480,
  });
  const { fake, harness } = await world.start(scenario);
  const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
  await harness.addTeammate(sourceId, 'ada');

  await harness
    .service()
    .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'command' });

  const pipelines = (await storedActivities(harness)).filter((row) => row.kind === 'pipeline_run');
  expect(pipelines.map((row) => row.natural_key.replace(/^gitlab:[^:]+:[^:]+:/, ''))).toContain(
    'pipeline:acme/web:601',
  );
});
