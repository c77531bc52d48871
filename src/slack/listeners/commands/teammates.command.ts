import { whoIsAsking } from '../../permissions.ts';
import { presentTeammates } from '../../ui/teammates.ui.ts';
import type { CommandContext } from './command-context.ts';

/** `/pulse teammates`: mappings, with an Edit button per person for admins. */
export async function teammatesCommand(ctx: CommandContext): Promise<void> {
  await ctx.ack();
  const [asker, teammates] = await Promise.all([
    whoIsAsking(ctx.deps, ctx.client, ctx.teamId, ctx.userId),
    ctx.deps.services.teammates.list(ctx.teamId),
  ]);
  await ctx.respond({
    response_type: 'ephemeral',
    ...presentTeammates(teammates, { canManage: asker.canManage }),
  });
}
