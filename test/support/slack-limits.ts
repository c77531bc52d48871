import { judgeMessage } from './block-kit-limits.ts';

/** Slack's documented limits that both fake Slacks (nock and HTTP server) keep. */

/** A response_url answer: Slack's own status and body for each documented refusal. */
export interface ResponseUrlVerdict {
  status: number;
  body: string;
}

/** Slack's documented response_url limits: 5 uses within 30 minutes of the interaction. */
export const RESPONSE_URL_MAX_USES = 5;
export const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;

/** Slash command response_urls are named `cmd-…` by sendCommand, so the fake knows their origin. */
export const COMMAND_RESPOND_PREFIX = 'cmd-';

/**
 * What Slack does with one post to a response_url:
 * - at most 5 uses within 30 minutes, then refused
 *   (https://docs.slack.dev/interactivity/handling-user-interaction#message_responses);
 * - `replace_original` only for a message that carries the interactive component the response_url
 *   came from: a slash command's reply is an ephemeral message without one, and ephemeral
 *   messages cannot be edited otherwise (https://docs.slack.dev/messaging/modifying-messages).
 *   Real Slack stacks a new message instead; the fake refuses so a test sees it;
 * - Block Kit within its limits (block-kit-limits.ts).
 */
export function judgeResponseUrlPost(
  respondId: string,
  body: Record<string, unknown>,
  history: { uses: number; firstUseAt: number },
  now: number,
): ResponseUrlVerdict {
  if (now - history.firstUseAt > RESPONSE_URL_LIFETIME_MS)
    return { status: 404, body: JSON.stringify({ ok: false, error: 'expired_url' }) };
  if (history.uses > RESPONSE_URL_MAX_USES)
    return { status: 404, body: JSON.stringify({ ok: false, error: 'used_url' }) };
  if (respondId.startsWith(COMMAND_RESPOND_PREFIX) && body['replace_original'] === true)
    return { status: 404, body: JSON.stringify({ ok: false, error: 'cant_update_message' }) };
  const blocks = judgeMessage(body);
  if (!blocks.ok) return { status: 400, body: JSON.stringify({ ok: false, error: blocks.error }) };
  return { status: 200, body: 'ok' };
}
