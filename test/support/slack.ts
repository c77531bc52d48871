import nock from 'nock';
import { refuseBlockKit } from './block-kit-limits.ts';
import { judgeResponseUrlPost } from './slack-limits.ts';
import { botScopes, isDirectMessageChannel, messagesTabEnabled, shippedManifest } from './slack-manifest.ts';

export {
  COMMAND_RESPOND_PREFIX,
  judgeResponseUrlPost,
  RESPONSE_URL_LIFETIME_MS,
  RESPONSE_URL_MAX_USES,
} from './slack-limits.ts';
export {
  type CommandInput,
  postSigned,
  sendCommand,
  sendEvent,
  sendInteraction,
  sign,
} from './slack-requests.ts';

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

/** A whole HTTP answer (status, headers), for what Slack says outside a 200: 429, 5xx. */
export interface SlackHttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: Record<string, unknown>;
}
export type SlackHttpResponder = (body: Record<string, unknown>) => SlackHttpAnswer | undefined;

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
  /** Full name (profile.real_name); defaults to `name`. */
  real_name?: string;
  /** Profile e-mail: Slack sends it only to apps with the users:read.email scope. */
  email?: string;
  tz?: string;
  is_admin?: boolean;
  is_owner?: boolean;
  is_bot?: boolean;
  deleted?: boolean;
}

/**
 * Intercepts the Slack Web API and response_url posts with nock, records every call, and answers
 * like Slack does (`ok: true` plus the fields our code reads). Override a method with `on()`.
 * Never kinder than Slack: DMs are refused when the manifest turns the Messages tab off, and
 * response_urls keep their documented limits (`judgeResponseUrlPost`).
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly users = new Map<string, SlackUserFixture>();
  /** response_url posts Slack refused, with the reason (what a test asserts on). */
  readonly refusedResponses: Array<{ respondId: string; error: string }> = [];
  readonly #responders = new Map<string, SlackApiResponder>();
  readonly #httpResponders = new Map<string, SlackHttpResponder>();
  readonly #held = new Map<string, Promise<void>>();
  /** Calls Slack refused for breaking a Block Kit limit; `close()` fails the test if any are left. */
  readonly blockKitRefusals: Array<{ method: string; answer: Record<string, unknown> }> = [];
  readonly #scope: nock.Scope;
  readonly #messagesTab: boolean;
  /** users:read.email granted: profiles carry `email`. */
  readonly #emails: boolean;
  readonly #responseUrls = new Map<string, { uses: number; firstUseAt: number }>();
  readonly #now: () => number;
  #ts = 1_700_000_000;

  constructor(options: { manifest?: string; now?: () => number } = {}) {
    this.#messagesTab = messagesTabEnabled(options.manifest ?? shippedManifest());
    this.#emails = botScopes(options.manifest ?? shippedManifest()).includes('users:read.email');
    this.#now = options.now ?? Date.now;
    this.#scope = nock(SLACK_HOST)
      .persist()
      .post(/^\/api\/[\w.]+$/)
      .reply(async (request: Request) => {
        // nock 15 hands reply functions the WHATWG Request (one parameter: two would mean a callback).
        const method = new URL(request.url).pathname.replace(/^\/api\//, '');
        const raw = await request.text();
        const body = decodeBody(raw);
        this.calls.push({ method, body, raw });
        await this.#held.get(method);
        const refused = refuseBlockKit(method, body);
        if (refused) {
          this.blockKitRefusals.push({ method, answer: refused });
          return [200, refused, { 'content-type': 'application/json' }];
        }
        const http = this.#httpResponders.get(method)?.(body);
        if (http) {
          const answer = http.body ?? {
            ok: false,
            error: http.status === 429 ? 'ratelimited' : 'fatal_error',
          };
          return [http.status, answer, { 'content-type': 'application/json', ...http.headers }];
        }
        const custom = this.#responders.get(method)?.(body);
        return [200, custom ?? this.#default(method, body), { 'content-type': 'application/json' }];
      })
      .post(/^\/respond\/[\w-]+$/)
      .reply(async (request: Request) => {
        const raw = await request.text();
        const respondId = new URL(request.url).pathname.replace('/respond/', '');
        const body = decodeBody(raw);
        this.calls.push({ method: `respond:${respondId}`, body, raw });
        const history = this.#responseUrls.get(respondId) ?? { uses: 0, firstUseAt: this.#now() };
        history.uses += 1;
        this.#responseUrls.set(respondId, history);
        const verdict = judgeResponseUrlPost(respondId, body, history, this.#now());
        if (verdict.status !== 200) {
          this.refusedResponses.push({
            respondId,
            error: (JSON.parse(verdict.body) as { error: string }).error,
          });
        }
        return [verdict.status, verdict.body];
      });
  }

  on(method: string, responder: SlackApiResponder): this {
    this.#responders.set(method, responder);
    return this;
  }

  /** Holds every answer to `method` until the returned function is called (a slow Slack). */
  hold(method: string): () => void {
    let release: () => void = () => {};
    this.#held.set(
      method,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    return () => {
      this.#held.delete(method);
      release();
    };
  }

  /** Answers a method with a whole HTTP response (status, headers) while `responder` returns one. */
  onHttp(method: string, responder: SlackHttpResponder): this {
    this.#httpResponders.set(method, responder);
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
    // A refused payload may only show as a log line in the app: make it fail the test that sent it.
    if (this.blockKitRefusals.length > 0) {
      throw new Error(
        `Slack refused Block Kit over its limits: ${JSON.stringify(this.blockKitRefusals).slice(0, 2000)}`,
      );
    }
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
        // https://docs.slack.dev/reference/app-manifest (features.app_home.messages_tab_enabled)
        if (isDirectMessageChannel(body['channel']) && !this.#messagesTab)
          return { ok: false, error: 'messages_tab_disabled' };
        return {
          ok: true,
          // Posting to a user id opens the DM: Slack answers with the DM channel's id.
          channel: /^[UW]/.test(String(body['channel'])) ? `D${String(body['channel'])}` : body['channel'],
          ts: `${this.#ts}.000100`,
          message: { text: body['text'] },
        };
      case 'chat.postEphemeral':
        return {
          ok: true,
          channel: body['channel'],
          ts: `${this.#ts}.000100`,
          message: { text: body['text'] },
        };
      case 'chat.update':
        // A DM is updated by its D… channel id, never the user id it was posted to.
        if (/^[UW]/.test(String(body['channel']))) return { ok: false, error: 'channel_not_found' };
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
      case 'users.list': {
        // Pages as Slack does: `limit` (at most 200, Slack's own cap) and an opaque cursor.
        // https://docs.slack.dev/reference/methods/users.list
        const limit = Math.min(Number(body['limit'] ?? 100) || 100, 200);
        const start = body['cursor'] ? Number(Buffer.from(String(body['cursor']), 'base64').toString()) : 0;
        const all = [...this.users.values()];
        const next = start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64') : '';
        return {
          ok: true,
          members: all.slice(start, start + limit).map((user) => ({
            id: user.id,
            name: user.name ?? user.id,
            tz: user.tz ?? 'UTC',
            // users.list carries the same role flags as users.info.
            is_admin: user.is_admin ?? false,
            is_owner: user.is_owner ?? false,
            deleted: user.deleted ?? false,
            is_bot: user.is_bot ?? false,
            real_name: user.real_name ?? user.name ?? user.id,
            profile: {
              display_name: user.name ?? user.id,
              real_name: user.real_name ?? user.name ?? user.id,
              // https://docs.slack.dev/reference/methods/users.list — e-mail needs users:read.email.
              ...(this.#emails && user.email ? { email: user.email } : {}),
            },
          })),
          response_metadata: { next_cursor: next },
        };
      }
      case 'conversations.info':
        return { ok: true, channel: { id: body['channel'], name: 'general', is_member: true } };
      default:
        return { ok: true };
    }
  }
}
