import { listSlackAdmins } from '../../slack-users.ts';
import type { CommandContext } from './command-context.ts';

const mentions = (ids: string[]) => ids.map((id) => `<@${id}>`).join(', ');

/**
 * `/pulse admins`: who may change sources, mappings and digests — the workspace's owners and
 * admins (from Slack) and ActivityPulse's own admin list. Open to everyone: it says whom to ask.
 */
export async function adminsCommand(ctx: CommandContext): Promise<void> {
  await ctx.ack();
  const [slack, listed] = await Promise.all([
    listSlackAdmins(ctx.client),
    ctx.deps.services.workspaces.adminList(ctx.teamId),
  ]);
  const extra = listed.filter((id) => !slack.owners.includes(id) && !slack.admins.includes(id));
  const lines = ['These people can change data sources, teammate mappings and digests:'];
  if (slack.owners.length > 0) lines.push(`• Workspace owners: ${mentions(slack.owners)}`);
  if (slack.admins.length > 0) lines.push(`• Workspace admins: ${mentions(slack.admins)}`);
  if (extra.length > 0) lines.push(`• ActivityPulse admin list: ${mentions(extra)}`);
  if (lines.length === 1) lines.push('Nobody yet: ask whoever manages this Slack workspace.');
  await ctx.respond({ response_type: 'ephemeral', text: lines.join('\n') });
}
