/**
 * Tokenizes `/pulse` text. Mentions arrive escaped as `<@U123|name>` or `<@U123>` (the command has
 * `should_escape: true`), channels as `<#C123|name>` or `<#C123>`.
 */
export const USER_MENTION = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;
export const CHANNEL_MENTION = /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/;

export function tokenize(text: string): string[] {
  return text
    .trim()
    .split(/\s+/)
    .filter((part) => part.length > 0);
}

export function parseUserMention(token: string | undefined): string | undefined {
  return token ? USER_MENTION.exec(token)?.[1] : undefined;
}

export function parseChannelMention(token: string | undefined): string | undefined {
  return token ? CHANNEL_MENTION.exec(token)?.[1] : undefined;
}
