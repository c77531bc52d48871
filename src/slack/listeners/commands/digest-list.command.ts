import type { CommandContext } from './command-context.ts';

/** `/pulse digest`: which channels get one. */
export async function digestListCommand(ctx: CommandContext): Promise<void> {
  await ctx.ack();
  const schedules = (await ctx.deps.services.digests.schedules(ctx.teamId)).filter(
    (schedule) => schedule.enabled,
  );
  const lines = schedules.map(
    (schedule) =>
      `• <#${schedule.channelId}> — weekdays at ${schedule.localTime} ${schedule.timezone}${schedule.lastError ? ` (last problem: ${schedule.lastError})` : ''}`,
  );
  await ctx.respond({
    response_type: 'ephemeral',
    text:
      lines.length > 0
        ? `Daily digests:\n${lines.join('\n')}`
        : 'No channel gets a daily digest yet. Set one with `/pulse digest set #channel HH:MM [timezone]`.',
  });
}
