import { presentUnmapped } from '../../ui/teammates.ui.ts';
import type { CommandContext } from './command-context.ts';
import { mappingTarget } from './mapping-target.ts';

const USAGE = 'Use `/pulse unmap @user [source]`.';

/** `/pulse unmap @user [source]`: one source, or all of that person's mappings. */
export async function unmapCommand(ctx: CommandContext): Promise<void> {
  const [who, sourceName, ...extra] = ctx.args;
  if (!who || extra.length > 0) {
    await ctx.ack({ response_type: 'ephemeral', text: USAGE });
    return;
  }
  await ctx.ack();
  const person = await mappingTarget(ctx, who, USAGE);
  if (!person) return;
  const removed = await ctx.deps.services.teammates.unmap({
    teamId: ctx.teamId,
    slackUserId: person.userId,
    ...(sourceName ? { sourceName } : {}),
  });
  await ctx.respond({ response_type: 'ephemeral', ...presentUnmapped(person.userId, removed) });
}
