import { openSourceForm } from '../../flows/open-modal.flow.ts';
import type { CommandContext } from './command-context.ts';

/** `/pulse source edit <name>`: the same modal, filled in; the token field stays empty. */
export async function sourceEditCommand(ctx: CommandContext): Promise<void> {
  const name = ctx.args.join(' ');
  if (!name) {
    await ctx.ack({
      response_type: 'ephemeral',
      text: 'Which source? `/pulse source edit <name>` (see `/pulse sources`).',
    });
    return;
  }
  await ctx.ack();
  await openSourceForm({
    deps: ctx.deps,
    client: ctx.client,
    triggerId: ctx.triggerId,
    teamId: ctx.teamId,
    userId: ctx.userId,
    source: { name },
  });
}
