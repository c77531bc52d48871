import { createHmac, randomBytes } from 'node:crypto';
import { SIGNING_SECRET, SLACK_HOST } from './slack.ts';
import { COMMAND_RESPOND_PREFIX } from './slack-limits.ts';

/** Requests into the app signed the way Slack signs them: commands, interactivity, events. */

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs a body to the running Bolt app the way Slack does, signed. */
export async function postSigned(
  baseUrl: string,
  body: string,
  options: { secret?: string; timestamp?: number; signature?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? sign(body, timestamp, options.secret),
      ...options.headers,
    },
    body,
  });
}

export interface CommandInput {
  text: string;
  userId?: string;
  teamId?: string;
  channelId?: string;
}

/** Sends `/pulse <text>`; returns the HTTP response and the response_url id to read replies from. */
export async function sendCommand(
  baseUrl: string,
  input: CommandInput,
): Promise<{ response: Response; ack: Record<string, unknown> | undefined; respondId: string }> {
  const respondId = `${COMMAND_RESPOND_PREFIX}${randomBytes(6).toString('hex')}`;
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: input.teamId ?? 'T0TEST',
    team_domain: 'test',
    channel_id: input.channelId ?? 'C0GENERAL',
    channel_name: 'general',
    user_id: input.userId ?? 'U0ADMIN',
    user_name: 'admin',
    command: '/pulse',
    text: input.text,
    api_app_id: 'A0PULSE',
    response_url: `${SLACK_HOST}/respond/${respondId}`,
    trigger_id: `trigger-${respondId}`,
  }).toString();
  const response = await postSigned(baseUrl, body);
  const text = await response.text();
  let ack: Record<string, unknown> | undefined;
  if (text.trim().startsWith('{')) ack = JSON.parse(text) as Record<string, unknown>;
  return { response, ack, respondId };
}

/** Sends an interactivity payload (block_actions, view_submission …). */
export async function sendInteraction(
  baseUrl: string,
  payload: Record<string, unknown>,
): Promise<{ response: Response; body: Record<string, unknown> | undefined }> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const response = await postSigned(baseUrl, body);
  const text = await response.text();
  return {
    response,
    body: text.trim().startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : undefined,
  };
}

/** Sends an Events API callback (JSON, signed), e.g. `app_home_opened`. */
export async function sendEvent(
  baseUrl: string,
  event: Record<string, unknown>,
  options: { teamId?: string; eventId?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const teamId = options.teamId ?? 'T0TEST';
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: teamId,
    api_app_id: 'A0PULSE',
    type: 'event_callback',
    event_id: options.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: teamId, user_id: 'UBOT', is_bot: true }],
    event,
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const response = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(body, timestamp),
      ...options.headers,
    },
    body,
  });
  await response.text();
  return response;
}
