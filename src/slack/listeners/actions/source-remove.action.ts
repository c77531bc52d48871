import type { SlackDeps } from '../../deps.ts';
import { publishHome } from '../../flows/home.flow.ts';
import { fitMessage } from '../../ui/blocks.ts';
import { presentSourceList, presentSourceRemoved } from '../../ui/sources.ui.ts';
import { buttonListener, managerClicking } from './action-context.ts';

/** "Remove", after Slack's confirmation dialog: deletes the source and shows what is left. */
export function sourceRemoveAction(deps: SlackDeps) {
  return buttonListener(deps, 'source_remove', async (ctx) => {
    const asker = await managerClicking(ctx);
    if (!asker) return;
    const removed = await deps.services.sources.remove(ctx.teamId, ctx.value ?? '');
    if (ctx.fromHome) {
      await publishHome({ deps, client: ctx.client, teamId: ctx.teamId, userId: ctx.userId });
      return;
    }
    if (!ctx.respond) return;
    const rest = presentSourceList(await deps.services.sources.list(ctx.teamId), {
      now: deps.now(),
      timeZone: asker.timeZone,
      canManage: true,
    });
    const done = presentSourceRemoved(removed);
    await ctx.respond({
      response_type: 'ephemeral',
      replace_original: true,
      ...fitMessage(`${done.text} ${rest.text}`, [...done.blocks, ...rest.blocks]),
    });
  });
}
