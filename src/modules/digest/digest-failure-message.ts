import { MAX_ATTEMPTS, RETRY_AFTER_MS } from './digest-retries.ts';

/** What an admin reads when a digest cannot be posted: the cause and what to do about it. */
export function digestFailureMessage(input: {
  channelId: string;
  error: string;
  attempt: number;
  willRetry: boolean;
}): string {
  const channel = `<#${input.channelId}>`;
  const reasons: Record<string, string> = {
    not_in_channel: `I’m not a member of ${channel}. Invite @ActivityPulse to ${channel} (type \`/invite @ActivityPulse\` there).`,
    channel_not_found: `I can’t see ${channel}: it was deleted, or it is private and I’m not in it. Invite @ActivityPulse to ${channel}, or move the digest with \`/pulse digest set #channel HH:MM\`.`,
    is_archived: `${channel} is archived. Unarchive it and invite @ActivityPulse, or move the digest: \`/pulse digest off ${channel}\`, then \`/pulse digest set #channel HH:MM\`.`,
    request_failed:
      'The request to Slack failed midway, so it may have been posted; to avoid a duplicate I won’t post it again.',
    not_installed: 'ActivityPulse has no bot token for this workspace: reinstall the app.',
  };
  const reason = reasons[input.error] ?? `Slack answered \`${input.error}\`.`;
  const remaining = MAX_ATTEMPTS - input.attempt;
  const next = input.willRetry
    ? ` I’ll try again in about ${Math.round((RETRY_AFTER_MS[input.attempt - 1] ?? RETRY_AFTER_MS[1]) / 60_000)} minutes (${remaining} more ${remaining === 1 ? 'try' : 'tries'}).`
    : ' I won’t try again today; the next digest goes out as scheduled.';
  return `:warning: I couldn’t post today’s GitLab digest in ${channel}. ${reason}${next}`;
}
