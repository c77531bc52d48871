/** What the `/pulse digest …` listeners share: channel arguments, usage lines, the bot's membership. */
import { parseLocalTime } from '../../../modules/digest/digest-time.ts';
import { parseChannelMention } from '../../command-text.ts';
import type { Asker } from '../../permissions.ts';
import type { CommandContext } from './command-context.ts';

export const SET_USAGE =
  'Use `/pulse digest set #channel HH:MM [timezone]`, e.g. `/pulse digest set #team 09:00 Europe/Berlin`.';
export const OFF_USAGE = 'Use `/pulse digest off #channel`.';
/** A response_url takes a handful of posts: a long preview shows its first messages and says how many more. */
export const PREVIEW_MESSAGES = 4;

export type ChannelArgument = { ok: true; channelId: string } | { ok: false; message: string };

/** `<#C123|name>` as Slack escapes it; a bare `#name` means Slack did not recognise the channel. */
export function channelArgument(word: string | undefined, usage: string): ChannelArgument {
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

export function dayName(localDate: string): string {
  return new Date(`${localDate}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
}

/** Whether the bot is in the channel (needs channels:read / groups:read; unknown when it cannot tell). */
export async function botIsMember(ctx: CommandContext, channelId: string): Promise<boolean | undefined> {
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
export function defaultDigestZone(ctx: CommandContext, asker: Asker): Promise<string> {
  return ctx.deps.services.digests.defaultTimeZone(ctx.teamId, asker.user.timezone ?? undefined);
}

export const inviteHint = (channelId: string) =>
  `I’m not in <#${channelId}> yet: invite @ActivityPulse there (\`/invite @ActivityPulse\`), or the digest cannot be posted.`;

/** The channel a preview or send is for: the one named, else where the command was typed. */
export function targetChannel(ctx: CommandContext, usage: string): ChannelArgument {
  if (ctx.args.length === 0) return { ok: true, channelId: ctx.channelId };
  if (ctx.args.length > 1) return { ok: false, message: `Too many words. ${usage}` };
  return channelArgument(ctx.args[0], usage);
}
