import { presentRemoveConfirmation } from '../../ui/sources.ui.ts';
import { type CommandContext, managerAsking } from './command-context.ts';

/**
 * `/pulse source remove <name>`: says what would be deleted and asks for the click that confirms
 * (the same Remove button, with its confirmation dialog, as in `/pulse sources`).
 */
export async function sourceRemoveCommand(ctx: CommandContext): Promise<void> {
  const name = ctx.args.join(' ');
  if (!name) {
    await ctx.ack({
      response_type: 'ephemeral',
      text: 'Which source? `/pulse source remove <name>` (see `/pulse sources`).',
    });
    return;
  }
  await ctx.ack();
  if (!(await managerAsking(ctx))) return;
  const impact = await ctx.deps.services.sources.removalImpact(ctx.teamId, { name });
  await ctx.respond({ response_type: 'ephemeral', ...presentRemoveConfirmation(impact) });
}
