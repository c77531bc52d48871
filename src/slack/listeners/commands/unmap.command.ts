import { resolveUserArgument } from '../../slack-users.ts';
import { presentUnmapped } from '../../ui/teammates.ui.ts';
import { type CommandContext, managerAsking } from './command-context.ts';

const USAGE = 'Use `/pulse unmap @user [source]`.';

/** `/pulse unmap @user [source]`: one source, or all of that person's mappings. */
export async function unmapCommand(ctx: CommandContext): Promise<void> {
  const [who, sourceName, ...extra] = ctx.args;
  if (!who || extra.length > 0) {
    await ctx.ack({ response_type: 'ephemeral', text: USAGE });
    return;
  }
  await ctx.ack();
  if (!(await managerAsking(ctx))) return;
  const person = await resolveUserArgument(() => ctx.deps.users.members(ctx.client, ctx.teamId), who);
  if (!person.ok) {
    await ctx.respond({ response_type: 'ephemeral', text: `${person.message} ${USAGE}` });
    return;
  }
  const removed = await ctx.deps.services.teammates.unmap({
    teamId: ctx.teamId,
    slackUserId: person.userId,
    ...(sourceName ? { sourceName } : {}),
  });
  await ctx.respond({ response_type: 'ephemeral', ...presentUnmapped(person.userId, removed) });
}
