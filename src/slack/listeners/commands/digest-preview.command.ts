import { whoIsAsking } from '../../permissions.ts';
import { presentDigest } from '../../ui/digest.ui.ts';
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
  await ctx.ack({
    response_type: 'ephemeral',
    text: `Preview of today’s digest for <#${channel.channelId}>, only you see it:`,
  });
  const { deps } = ctx;
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
