import type { SlackDeps } from '../../deps.ts';
import { runFetch } from '../../flows/fetch.flow.ts';
import { directMessageSink } from '../../flows/message-sink.ts';
import { whoIsAsking } from '../../permissions.ts';
import { buttonListener, managerClicking } from './action-context.ts';

/**
 * "Fetch now" on one source. Progress goes to a direct message updated in place: a button's
 * response_url would replace the list it sits in, and the App Home has none.
 */
export function sourceFetchAction(deps: SlackDeps) {
  return buttonListener(deps, 'source_fetch', async (ctx) => {
    // A fetch makes the app call GitLab with the stored token: admins only.
    if (!(await managerClicking(ctx))) return;
    const [source, asker] = await Promise.all([
      deps.services.sources.get(ctx.teamId, { id: ctx.value ?? '' }),
      whoIsAsking(deps, ctx.client, ctx.teamId, ctx.userId),
    ]);
    deps.background.run('fetch', () =>
      runFetch({
        engine: deps.services.sync,
        request: {
          workspaceId: ctx.teamId,
          dataSourceId: source.id,
          trigger: 'button',
          requestedBy: ctx.userId,
        },
        sourceName: source.name,
        timeZone: asker.timeZone,
        sink: directMessageSink(ctx.client, ctx.userId),
        logger: deps.logger,
      }),
    );
  });
}
