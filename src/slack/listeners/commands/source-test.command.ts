import { presentTestResult } from '../../ui/sources.ui.ts';
import { type CommandContext, managerAsking } from './command-context.ts';

/**
 * `/pulse source test <name>` (admins): Test Connection with the stored token; the result becomes
 * the status and is the one reply.
 */
export async function sourceTestCommand(ctx: CommandContext): Promise<void> {
  const name = ctx.args.join(' ');
  if (!name) {
    await ctx.ack({
      response_type: 'ephemeral',
      text: 'Which source? `/pulse source test <name>` (see `/pulse sources`).',
    });
    return;
  }
  await ctx.ack();
  // Test Connection calls GitLab with the stored token and records the result: admins only.
  if (!(await managerAsking(ctx))) return;
  const outcome = await ctx.deps.services.sources.test(ctx.teamId, { name });
  // One final answer through the response_url: an ephemeral reply cannot be replaced in place.
  await ctx.respond({ response_type: 'ephemeral', ...presentTestResult(outcome) });
}
