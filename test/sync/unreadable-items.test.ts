import { expect, it } from 'vitest';
import { mixedScenario, SYNC_TOKEN } from './mixed-scenario.ts';
import { storedActivities } from './sync-harness.ts';
import { useSyncWorld } from './sync-world.ts';

const world = useSyncWorld();

async function syncAda(breakOneEvent: boolean) {
  const { fake, harness } = await world.start(mixedScenario());
  if (breakOneEvent) {
    // One event of the first page in a shape nobody documents: an object for its id.
    fake.setFault({
      kind: 'transform',
      times: 1,
      match: { endpoint: 'GET /users/:id/events' },
      transform: (body) => {
        const events = body as Array<Record<string, unknown>>;
        const note = events.find(
          (event) => event['target_type'] === 'Note' || event['target_type'] === 'DiffNote',
        );
        if (note) note['id'] = { broken: true };
        return events;
      },
    });
  }
  const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
  await harness.addTeammate(sourceId, 'ada');
  const { sources } = await harness
    .service()
    .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'command' });
  const rows = (await storedActivities(harness)).map((row) => `${row.kind} ${row.title}`);
  // The next run starts from an empty workspace: a new harness is a new workspace.
  return { result: sources[0]!, rows };
}

it('skips a list item it cannot read, stores the rest of the page, and says so', async () => {
  const clean = await syncAda(false);
  const broken = await syncAda(true);

  expect(clean.result.status).toBe('succeeded');
  expect(broken.result.status).toBe('partial');
  expect(broken.result.notes).toContain(
    '1 item GitLab sent could not be read and was skipped; the rest is stored.',
  );
  // Exactly one activity (the unreadable comment) is missing; everything else matches a clean run.
  expect(broken.rows.length).toBe(clean.rows.length - 1);
  for (const row of broken.rows) expect(clean.rows).toContain(row);
});
