import { type CommandContext, managerAsking } from './command-context.ts';
import { channelArgument, OFF_USAGE } from './digest-arguments.ts';

/** `/pulse digest off #channel` (admins). */
export async function digestOffCommand(ctx: CommandContext): Promise<void> {
  const channel = channelArgument(ctx.args[0], OFF_USAGE);
  if (!channel.ok || ctx.args.length > 1) {
    await ctx.ack({
      response_type: 'ephemeral',
      text: channel.ok ? `Too many words. ${OFF_USAGE}` : channel.message,
    });
    return;
  }
  await ctx.ack();
  const { deps } = ctx;
  if (!(await managerAsking(ctx))) return;
  const stopped = await deps.services.digests.off({
    teamId: ctx.teamId,
    channelId: channel.channelId,
    now: deps.now(),
  });
  if (stopped) {
    await ctx.respond({
      response_type: 'ephemeral',
      text: `Stopped the daily digest in <#${channel.channelId}>.`,
    });
    return;
  }
  const running = (await deps.services.digests.schedules(ctx.teamId)).filter((schedule) => schedule.enabled);
  const list = running.map(
    (schedule) => `<#${schedule.channelId}> at ${schedule.localTime} ${schedule.timezone}`,
  );
  await ctx.respond({
    response_type: 'ephemeral',
    text: `<#${channel.channelId}> has no digest running. ${list.length > 0 ? `Digests: ${list.join(', ')}.` : 'No channel has one.'}`,
  });
}
