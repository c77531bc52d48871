import { ErrorCode, LogLevel, type Logger as SlackLogger, WebClient } from '@slack/web-api';
import { CodedError } from '../lib/errors.ts';

export interface BotIdentity {
  botId: string;
  botUserId: string;
}

/** Answers Slack gives for a token it will never accept (retrying cannot help). */
const REJECTED = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
  'missing_scope',
]);

const quiet: SlackLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => LogLevel.ERROR,
  setName: () => undefined,
};

/**
 * Asks Slack who the bot token belongs to before anything else starts, so a wrong token or an
 * unreachable Slack API stops start-up with one line naming the setting, instead of a stack trace
 * from Bolt's own background check. The answer is handed to Bolt so it does not ask again.
 * https://docs.slack.dev/reference/methods/auth.test
 */
export async function checkBotToken(options: {
  botToken: string;
  slackApiUrl: string;
}): Promise<BotIdentity> {
  const client = new WebClient(options.botToken, {
    slackApiUrl: options.slackApiUrl,
    logger: quiet,
    timeout: 10_000,
    retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 1_000 },
  });
  try {
    const result = await client.auth.test();
    return { botId: String(result.bot_id ?? ''), botUserId: String(result.user_id ?? '') };
  } catch (cause) {
    const { code, data } = cause as { code?: string; data?: { error?: string } };
    if (code === ErrorCode.PlatformError && data?.error && REJECTED.has(data.error)) {
      throw new CodedError(
        'SLACK_TOKEN_REJECTED',
        `Slack refused SLACK_BOT_TOKEN (${data.error}). Copy the Bot User OAuth Token (xoxb-…) from your Slack app's "OAuth & Permissions" page, and reinstall the app if it was uninstalled.`,
        { cause },
      );
    }
    const reason =
      code === ErrorCode.PlatformError ? `it answered ${data?.error ?? 'an error'}` : networkReason(cause);
    throw new CodedError(
      'SLACK_UNREACHABLE',
      `Cannot check SLACK_BOT_TOKEN with the Slack API at ${options.slackApiUrl} (${reason}). Check SLACK_API_URL (leave it unset for https://slack.com/api/) and that this machine can reach Slack.`,
      { cause },
    );
  }
}

/** The system error under web-api's and fetch's wrappers (`ECONNREFUSED`), else the top message. */
function networkReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current && typeof current === 'object'; depth += 1) {
    const { code, original, cause } = current as { code?: unknown; original?: unknown; cause?: unknown };
    if (typeof code === 'string' && !code.startsWith('slack_')) return code;
    current = original ?? cause;
  }
  // web-api's request error keeps only fetch's "fetch failed", without the system error under it.
  return (error as { code?: unknown }).code === ErrorCode.RequestError
    ? 'the connection failed'
    : error instanceof Error
      ? error.message
      : String(error);
}
