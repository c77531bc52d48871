import { type CommandContext, managerAsking } from './command-context.ts';
import { defaultDigestZone, targetChannel } from './digest-arguments.ts';

/** `/pulse digest send [#channel]` (admins): posts today's digest now. */
export async function digestSendCommand(ctx: CommandContext): Promise<void> {
  const usage = 'Use `/pulse digest send [#channel]`.';
  const channel = targetChannel(ctx, usage);
  if (!channel.ok) {
    await ctx.ack({ response_type: 'ephemeral', text: channel.message });
    return;
  }
  await ctx.ack();
  const { deps } = ctx;
  const asker = await managerAsking(ctx);
  if (!asker) return;
  const fallbackTimeZone = await defaultDigestZone(ctx, asker);
  const outcome = await deps.services.digests.sendNow(
    { teamId: ctx.teamId, channelId: channel.channelId, fallbackTimeZone, userId: ctx.userId },
    deps.now(),
  );
  const where = `<#${channel.channelId}>`;
  let text: string;
  if (outcome.status === 'posted') {
    text = `Posted today’s digest in ${where}.${outcome.countsAsToday ? ' It counts as today’s scheduled digest, which will not be posted again.' : ''}${
      outcome.replyError ? ` Some thread replies could not be posted (${outcome.replyError}).` : ''
    }`;
  } else if (outcome.status === 'already-claimed') {
    text = `Today’s digest for ${where} is being posted right now by the schedule.`;
  } else if (outcome.error === 'not_in_channel') {
    text = `I couldn’t post in ${where}: I’m not a member. Invite @ActivityPulse there (\`/invite @ActivityPulse\`) and send again.`;
  } else if (outcome.error === 'channel_not_found') {
    text = `I can’t see ${where}: it is private and I’m not in it, or it was deleted. Invite @ActivityPulse there and send again.`;
  } else if (outcome.error === 'is_archived') {
    text = `I couldn’t post in ${where}: the channel is archived.`;
  } else {
    text = `I couldn’t post in ${where}: Slack answered \`${outcome.error}\`. Please try again.`;
  }
  await ctx.respond({ response_type: 'ephemeral', text });
}
