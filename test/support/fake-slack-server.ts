import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { refuseBlockKit } from './block-kit-limits.ts';
import { judgeResponseUrlPost } from './slack-limits.ts';
import { isDirectMessageChannel, messagesTabEnabled, shippedManifest } from './slack-manifest.ts';

export interface RecordedSlackCall {
  method: string;
  body: Record<string, unknown>;
  raw: string;
}

/**
 * A Slack Web API and response_url endpoint as a real HTTP server on 127.0.0.1, for driving the app
 * as a separate process (where nock in the test process cannot reach). Answers the methods the app
 * calls with Slack's shapes; `admins` are reported as workspace admins by users.info. Like Slack, it
 * refuses DMs when the manifest turns the Messages tab off, and keeps response_url's limits.
 */
export async function startFakeSlackServer(options: { admins?: string[]; manifest?: string } = {}): Promise<{
  url: string;
  apiUrl: string;
  calls: RecordedSlackCall[];
  close(): Promise<void>;
}> {
  const calls: RecordedSlackCall[] = [];
  const messagesTab = messagesTabEnabled(options.manifest ?? shippedManifest());
  const responseUrls = new Map<string, { uses: number; firstUseAt: number }>();
  let ts = 1_700_000_000;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = decode(raw, req.headers['content-type'] ?? '');
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const method = path.startsWith('/api/') ? path.slice(5) : `respond:${path.replace('/respond/', '')}`;
      calls.push({ method, body, raw });
      ts += 1;
      const user = String(body['user'] ?? '');
      const answers: Record<string, Record<string, unknown>> = {
        'auth.test': { ok: true, team_id: 'T0E2E', user_id: 'UBOT', bot_id: 'BBOT', team: 'E2E' },
        'users.info': {
          ok: true,
          user: {
            id: user,
            name: user.toLowerCase(),
            tz: 'Europe/Berlin',
            is_admin: (options.admins ?? []).includes(user),
            is_owner: false,
            profile: { display_name: user },
          },
        },
        'views.open': { ok: true, view: { id: `V${ts}`, hash: `h${ts}` } },
        'views.update': { ok: true, view: { id: String(body['view_id'] ?? `V${ts}`), hash: `h${ts}` } },
        'views.publish': { ok: true, view: { id: `V${ts}`, hash: `h${ts}` } },
        'chat.postMessage':
          isDirectMessageChannel(body['channel']) && !messagesTab
            ? { ok: false, error: 'messages_tab_disabled' }
            : {
                ok: true,
                // Posting to a user id opens the DM: Slack answers with the DM channel's id.
                channel: /^[UW]/.test(String(body['channel']))
                  ? `D${String(body['channel'])}`
                  : body['channel'],
                ts: `${ts}.000100`,
              },
        'chat.update': /^[UW]/.test(String(body['channel']))
          ? { ok: false, error: 'channel_not_found' }
          : { ok: true, channel: body['channel'], ts: body['ts'] },
      };
      if (method.startsWith('respond:')) {
        const id = method.slice('respond:'.length);
        const history = responseUrls.get(id) ?? { uses: 0, firstUseAt: Date.now() };
        history.uses += 1;
        responseUrls.set(id, history);
        const verdict = judgeResponseUrlPost(id, body, history, Date.now());
        res.writeHead(verdict.status, { 'content-type': 'application/json' });
        res.end(verdict.body);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(refuseBlockKit(method, body) ?? answers[method] ?? { ok: true }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function decode(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json'))
    return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      out[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      out[key] = value;
    }
  }
  return out;
}
