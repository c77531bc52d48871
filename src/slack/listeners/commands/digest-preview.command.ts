import { whoIsAsking } from '../../permissions.ts';
import { presentDigest } from '../../ui/digest.ui.ts';
import { weekdaysLabel } from '../../ui/format.ts';
import type { CommandContext } from './command-context.ts';
import { defaultDigestZone, PREVIEW_MESSAGES, targetChannel } from './digest-arguments.ts';

/** `/pulse digest preview [#channel]`: today's digest, exactly as it would be posted, to the asker only. */
export async function digestPreviewCommand(ctx: CommandContext): Promise<void> {
  const usage = 'Use `/pulse digest preview [#channel]`.';
  const channel = targetChannel(ctx, usage);
  if (!channel.ok) {
    await ctx.ack({ response_type: 'ephemeral', text: channel.message });
    return;
  }
  const { deps } = ctx;
  // Said up front, so a preview is never mistaken for the digest itself.
  const schedule = await deps.services.digests.scheduleFor(ctx.teamId, channel.channelId);
  const when = schedule
    ? `<#${channel.channelId}> gets it at ${schedule.localTime} ${schedule.timezone} on ${weekdaysLabel(schedule.weekdays)}.`
    : `<#${channel.channelId}> has no daily digest: \`/pulse digest set <#${channel.channelId}> HH:MM\` starts one.`;
  await ctx.ack({
    response_type: 'ephemeral',
    text: `:eyes: *Preview* of today’s digest — only you see it; nothing is posted. ${when}`,
  });
  const asker = await whoIsAsking(deps, ctx.client, ctx.teamId, ctx.userId);
  const fallbackTimeZone = await defaultDigestZone(ctx, asker);
  const content = await deps.services.digests.preview(
    { teamId: ctx.teamId, channelId: channel.channelId, fallbackTimeZone },
    deps.now(),
  );
  const messages = presentDigest(content);
  const shown = messages.length > PREVIEW_MESSAGES + 1 ? messages.slice(0, PREVIEW_MESSAGES) : messages;
  for (const message of shown) {
    await ctx.respond({ response_type: 'ephemeral', replace_original: false, ...message });
  }
  if (shown.length < messages.length) {
    await ctx.respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: `…and ${messages.length - shown.length} more messages, posted in the digest’s thread.`,
    });
  }
}
