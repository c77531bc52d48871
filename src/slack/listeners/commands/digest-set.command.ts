import { parseTimeZoneInput } from '../../../lib/time-zone-input.ts';
import { localDateOf, parseLocalTime, slotInstant } from '../../../modules/digest/digest-time.ts';
import { type CommandContext, managerAsking } from './command-context.ts';
import {
  botIsMember,
  channelArgument,
  dayName,
  defaultDigestZone,
  inviteHint,
  SET_USAGE,
} from './digest-arguments.ts';

/** `/pulse digest set #channel HH:MM [timezone]` (admins): weekdays at that local time. */
export async function digestSetCommand(ctx: CommandContext): Promise<void> {
  const [channelWord, timeWord, zoneWord, ...extra] = ctx.args;
  const channel = channelArgument(channelWord, SET_USAGE);
  if (!channel.ok) {
    await ctx.ack({ response_type: 'ephemeral', text: channel.message });
    return;
  }
  const localTime = parseLocalTime(timeWord);
  if (!localTime) {
    const what = timeWord ? `\`${timeWord.slice(0, 20)}\` is not a time I can read` : 'Give the time';
    await ctx.ack({
      response_type: 'ephemeral',
      text: `${what}: use 24-hour HH:MM, e.g. \`09:00\` or \`17:30\`. ${SET_USAGE}`,
    });
    return;
  }
  const zone = zoneWord === undefined ? undefined : parseTimeZoneInput(zoneWord);
  if (zone && !zone.ok) {
    await ctx.ack({ response_type: 'ephemeral', text: `${zone.message} ${SET_USAGE}` });
    return;
  }
  const typedZone = zone?.timeZone;
  if (extra.length > 0) {
    await ctx.ack({ response_type: 'ephemeral', text: `Too many words. ${SET_USAGE}` });
    return;
  }
  await ctx.ack();
  const { deps } = ctx;
  const asker = await managerAsking(ctx);
  if (!asker) return;
  const timeZone = typedZone ?? (await defaultDigestZone(ctx, asker));
  const now = deps.now();
  const { created } = await deps.services.digests.set({
    teamId: ctx.teamId,
    channelId: channel.channelId,
    localTime,
    timeZone,
    userId: ctx.userId,
    now,
  });
  const today = localDateOf(now, timeZone);
  const zoneNote = typedZone
    ? ''
    : ` (${timeZone === asker.user.timezone ? 'your Slack time zone' : 'the workspace’s time zone'}; add a zone to choose another)`;
  const member = await botIsMember(ctx, channel.channelId);
  const lines = [
    `${created ? 'Daily digest set' : 'Daily digest changed'} for <#${channel.channelId}>: weekdays at ${localTime} ${timeZone}${zoneNote}.`,
    `Each digest covers the previous working day (Monday’s covers Friday to Sunday). ${
      slotInstant(today, localTime, timeZone).getTime() > now.getTime()
        ? `The first one may go out today (${dayName(today)}) at ${localTime}.`
        : 'The first one goes out on the next weekday.'
    } See it now with \`/pulse digest preview <#${channel.channelId}>\`.`,
    ...(member === false ? [inviteHint(channel.channelId)] : []),
  ];
  await ctx.respond({ response_type: 'ephemeral', text: lines.join('\n') });
}
