import { presentTestResult } from '../../ui/sources.ui.ts';
import type { CommandContext } from './command-context.ts';

/** `/pulse source test <name>`: Test Connection with the stored token; the result becomes the status. */
export async function sourceTestCommand(ctx: CommandContext): Promise<void> {
  const name = ctx.args.join(' ');
  if (!name) {
    await ctx.ack({
      response_type: 'ephemeral',
      text: 'Which source? `/pulse source test <name>` (see `/pulse sources`).',
    });
    return;
  }
  await ctx.ack({ response_type: 'ephemeral', text: `Testing \`${name.slice(0, 40)}\`…` });
  const outcome = await ctx.deps.services.sources.test(ctx.teamId, { name });
  await ctx.respond({ response_type: 'ephemeral', replace_original: true, ...presentTestResult(outcome) });
}
