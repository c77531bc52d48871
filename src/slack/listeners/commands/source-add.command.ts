import { openSourceForm } from '../../flows/open-modal.flow.ts';
import type { CommandContext } from './command-context.ts';

/** `/pulse source add`: the "Add GitLab source" modal. */
export async function sourceAddCommand(ctx: CommandContext): Promise<void> {
  await ctx.ack();
  await openSourceForm({
    deps: ctx.deps,
    client: ctx.client,
    triggerId: ctx.triggerId,
    teamId: ctx.teamId,
    userId: ctx.userId,
  });
}
