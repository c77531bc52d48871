import { presentMapped } from '../../ui/teammates.ui.ts';
import type { CommandContext } from './command-context.ts';
import { mappingTarget } from './mapping-target.ts';

const USAGE = 'Use `/pulse map @user <gitlab-username> [source]`, e.g. `/pulse map @alice alice.smith`.';

/** `/pulse map @user <gitlab-username> [source]`: checked against that GitLab before it is saved. */
export async function mapCommand(ctx: CommandContext): Promise<void> {
  const [who, username, sourceName, ...extra] = ctx.args;
  if (!who || !username || extra.length > 0) {
    await ctx.ack({ response_type: 'ephemeral', text: USAGE });
    return;
  }
  await ctx.ack();
  const target = await mappingTarget(ctx, who, USAGE);
  if (!target) return;
  const slackUser = await target.user();
  if (!slackUser) return;
  const result = await ctx.deps.services.teammates.map({
    teamId: ctx.teamId,
    person: { slackUserId: target.userId, displayName: slackUser.displayName, timezone: slackUser.timezone },
    username,
    ...(sourceName ? { sourceName } : {}),
  });
  await ctx.respond({ response_type: 'ephemeral', ...presentMapped(result) });
}
