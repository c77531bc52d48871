import { createHmac, randomBytes } from 'node:crypto';
import nock from 'nock';

/** The fake Slack host: never resolvable, intercepted by nock; unmatched calls fail the test. */
export const SLACK_HOST = 'http://slack.test';
export const SLACK_API_URL = `${SLACK_HOST}/api/`;
export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-test-bot-token-000000';

export interface SlackCall {
  /** Web API method (`chat.postMessage`) or `respond:<id>` for response_url posts. */
  method: string;
  body: Record<string, unknown>;
  raw: string;
}

export type SlackApiResponder = (body: Record<string, unknown>) => Record<string, unknown> | undefined;

function decodeBody(raw: string): Record<string, unknown> {
  const trimmed = raw.trim();
  if (trimmed.startsWith('{')) return JSON.parse(trimmed) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const looksJson = /^[[{]/.test(value);
    try {
      out[key] = looksJson ? JSON.parse(value) : value;
    } catch {
      out[key] = value;
    }
  }
  return out;
}

export interface SlackUserFixture {
  id: string;
  name?: string;
  tz?: string;
  is_admin?: boolean;
  is_owner?: boolean;
}

/**
 * Intercepts the Slack Web API and response_url posts with nock, records every call, and answers
 * like Slack does (`ok: true` plus the fields our code reads). Override a method with `on()`.
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly users = new Map<string, SlackUserFixture>();
  readonly #responders = new Map<string, SlackApiResponder>();
  readonly #scope: nock.Scope;
  #ts = 1_700_000_000;

  constructor() {
    this.#scope = nock(SLACK_HOST)
      .persist()
      .post(/^\/api\/[\w.]+$/)
      .reply(async (request: Request) => {
        // nock 15 hands reply functions the WHATWG Request (one parameter: two would mean a callback).
        const method = new URL(request.url).pathname.replace(/^\/api\//, '');
        const raw = await request.text();
        const body = decodeBody(raw);
        this.calls.push({ method, body, raw });
        const custom = this.#responders.get(method)?.(body);
        return [200, custom ?? this.#default(method, body), { 'content-type': 'application/json' }];
      })
      .post(/^\/respond\/[\w-]+$/)
      .reply(async (request: Request) => {
        const raw = await request.text();
        this.calls.push({
          method: `respond:${new URL(request.url).pathname.replace('/respond/', '')}`,
          body: decodeBody(raw),
          raw,
        });
        return [200, 'ok'];
      });
  }

  on(method: string, responder: SlackApiResponder): this {
    this.#responders.set(method, responder);
    return this;
  }

  addUser(user: SlackUserFixture): this {
    this.users.set(user.id, user);
    return this;
  }

  callsTo(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Everything sent to Slack, as raw text (to prove a secret never left the server). */
  allTraffic(): string {
    return this.calls.map((call) => call.raw).join('\n');
  }

  responses(id: string): SlackCall[] {
    return this.callsTo(`respond:${id}`);
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting; Slack calls so far: ${this.calls.map((c) => c.method).join(', ')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.#scope.persist(false);
    nock.cleanAll();
  }

  #default(method: string, body: Record<string, unknown>): Record<string, unknown> {
    this.#ts += 1;
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://test.slack.com/',
          team: 'Test',
          user: 'pulse',
          team_id: 'T0TEST',
          user_id: 'UBOT',
          bot_id: 'BBOT',
        };
      case 'chat.postMessage':
      case 'chat.postEphemeral':
        return {
          ok: true,
          channel: body['channel'],
          ts: `${this.#ts}.000100`,
          message: { text: body['text'] },
        };
      case 'chat.update':
        return { ok: true, channel: body['channel'], ts: body['ts'] };
      case 'views.open':
      case 'views.update':
      case 'views.push':
      case 'views.publish':
        return { ok: true, view: { id: `V${this.#ts}`, hash: `h${this.#ts}`, ...(body['view'] as object) } };
      case 'users.info': {
        const id = String(body['user']);
        const user = this.users.get(id) ?? { id };
        return {
          ok: true,
          user: {
            id,
            name: user.name ?? id.toLowerCase(),
            real_name: user.name ?? id,
            tz: user.tz ?? 'UTC',
            is_admin: user.is_admin ?? false,
            is_owner: user.is_owner ?? false,
            profile: { display_name: user.name ?? id },
          },
        };
      }
      case 'users.list':
        return {
          ok: true,
          members: [...this.users.values()].map((user) => ({
            id: user.id,
            name: user.name ?? user.id,
            tz: user.tz ?? 'UTC',
            // users.list carries the same role flags as users.info.
            is_admin: user.is_admin ?? false,
            is_owner: user.is_owner ?? false,
            deleted: false,
            is_bot: false,
            profile: { display_name: user.name ?? user.id },
          })),
          response_metadata: { next_cursor: '' },
        };
      case 'conversations.info':
        return { ok: true, channel: { id: body['channel'], name: 'general', is_member: true } };
      default:
        return { ok: true };
    }
  }
}

export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs a body to the running Bolt app the way Slack does, signed. */
export async function postSigned(
  baseUrl: string,
  body: string,
  options: { secret?: string; timestamp?: number; signature?: string } = {},
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': options.signature ?? sign(body, timestamp, options.secret),
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
  const respondId = randomBytes(6).toString('hex');
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
  options: { teamId?: string } = {},
): Promise<Response> {
  const teamId = options.teamId ?? 'T0TEST';
  const body = JSON.stringify({
    token: 'legacy-verification-token',
    team_id: teamId,
    api_app_id: 'A0PULSE',
    type: 'event_callback',
    event_id: `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
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
    },
    body,
  });
  await response.text();
  return response;
}
