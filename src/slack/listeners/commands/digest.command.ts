import { parseTimeZoneInput } from '../../../lib/time-zone-input.ts';
import { localDateOf, parseLocalTime, slotInstant } from '../../../modules/digest/digest-time.ts';
import { parseChannelMention } from '../../command-text.ts';
import { type Asker, whoIsAsking } from '../../permissions.ts';
import { presentDigest } from '../../ui/digest.ui.ts';
import { type CommandContext, managerAsking } from './command-context.ts';

const SET_USAGE =
  'Use `/pulse digest set #channel HH:MM [timezone]`, e.g. `/pulse digest set #team 09:00 Europe/Berlin`.';
const OFF_USAGE = 'Use `/pulse digest off #channel`.';
/** A response_url takes a handful of posts: a long preview shows its first messages and says how many more. */
const PREVIEW_MESSAGES = 4;

type ChannelArgument = { ok: true; channelId: string } | { ok: false; message: string };

/** `<#C123|name>` as Slack escapes it; a bare `#name` means Slack did not recognise the channel. */
function channelArgument(word: string | undefined, usage: string): ChannelArgument {
  const channelId = parseChannelMention(word);
  if (channelId) return { ok: true, channelId };
  if (!word || parseLocalTime(word)) return { ok: false, message: `Name the channel first. ${usage}` };
  if (word.startsWith('#')) {
    return {
      ok: false,
      message: `I can’t find the channel \`${word.slice(0, 80)}\`: pick it from Slack’s # suggestions so it becomes a link. ${usage}`,
    };
  }
  return { ok: false, message: `\`${word.slice(0, 40)}\` is not a channel. ${usage}` };
}

function dayName(localDate: string): string {
  return new Date(`${localDate}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

/** Whether the bot is in the channel (needs channels:read / groups:read; unknown when it cannot tell). */
async function botIsMember(ctx: CommandContext, channelId: string): Promise<boolean | undefined> {
  try {
    // https://docs.slack.dev/reference/methods/conversations.info
    const answer = await ctx.client.conversations.info({ channel: channelId });
    const channel = answer.channel as { is_member?: boolean; is_im?: boolean } | undefined;
    if (channel?.is_im) return true;
    return channel?.is_member;
  } catch {
    return undefined;
  }
}

/** The zone of a digest whose channel has no schedule, or of a new one typed without a zone. */
function defaultDigestZone(ctx: CommandContext, asker: Asker): Promise<string> {
  return ctx.deps.services.digests.defaultTimeZone(ctx.teamId, asker.user.timezone ?? undefined);
}

const inviteHint = (channelId: string) =>
  `I’m not in <#${channelId}> yet: invite @ActivityPulse there (\`/invite @ActivityPulse\`), or the digest cannot be posted.`;

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

/** The channel a preview or send is for: the one named, else where the command was typed. */
function targetChannel(ctx: CommandContext, usage: string): ChannelArgument {
  if (ctx.args.length === 0) return { ok: true, channelId: ctx.channelId };
  if (ctx.args.length > 1) return { ok: false, message: `Too many words. ${usage}` };
  return channelArgument(ctx.args[0], usage);
}

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
