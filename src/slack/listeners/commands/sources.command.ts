import { whoIsAsking } from '../../permissions.ts';
import { presentSourceList } from '../../ui/sources.ui.ts';
import type { CommandContext } from './command-context.ts';

/** `/pulse sources`: every source with its health, and buttons (Edit and Remove for admins). */
export async function sourcesCommand(ctx: CommandContext): Promise<void> {
  await ctx.ack();
  const { deps } = ctx;
  const [asker, sources] = await Promise.all([
    whoIsAsking(deps, ctx.client, ctx.teamId, ctx.userId),
    deps.services.sources.list(ctx.teamId),
  ]);
  await ctx.respond({
    response_type: 'ephemeral',
    ...presentSourceList(sources, { now: deps.now(), timeZone: asker.timeZone, canManage: asker.canManage }),
  });
}
