import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type WebSocket, WebSocketServer } from 'ws';
import { freePort } from '../../src/db/embedded-postgres.ts';
import { eventually } from '../support/eventually.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

/**
 * Socket Mode as Slack runs it: apps.connections.open (at SLACK_API_URL) hands out a WebSocket URL,
 * Slack says hello, then sends envelopes the app must acknowledge with their envelope_id.
 * The socket server here is on 127.0.0.1.
 */
describe('Socket Mode', () => {
  let t: TestApp;
  let wss: WebSocketServer;
  let socket: WebSocket | undefined;
  let port: number;
  const received: Array<Record<string, unknown>> = [];
  const MARKER = 'socket-body-marker-7f3a';

  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    const wsPort = (wss.address() as AddressInfo).port;
    wss.on('connection', (connection) => {
      socket = connection;
      connection.on('message', (data) => received.push(JSON.parse(String(data)) as Record<string, unknown>));
      connection.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          connection_info: { app_id: 'A0PULSE' },
          debug_info: { host: 'test' },
        }),
      );
    });
    port = await freePort();
    t = await startTestApp({
      env: { SLACK_APP_TOKEN: 'xapp-1-A0PULSE-socket-token', SLACK_SIGNING_SECRET: '', PORT: String(port) },
      beforeStart: (slack) =>
        slack.on('apps.connections.open', () => ({
          ok: true,
          url: `ws://127.0.0.1:${wsPort}/link/?ticket=1`,
        })),
    });
  });

  afterAll(async () => {
    await t?.close();
    for (const client of wss?.clients ?? []) client.terminate();
    await new Promise((resolve) => wss?.close(resolve));
  });

  it('connects through SLACK_API_URL and still serves the probes on PORT', async () => {
    expect(t.slack.callsTo('apps.connections.open').length).toBeGreaterThanOrEqual(1);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });

  it('answers /pulse help by acknowledging the envelope with the command list, and logs no request body', async () => {
    socket?.send(
      JSON.stringify({
        envelope_id: 'env-help-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          token: 'legacy',
          team_id: 'T0TEST',
          team_domain: 'test',
          channel_id: 'C0GENERAL',
          user_id: 'U0ADMIN',
          command: '/pulse',
          text: 'help',
          api_app_id: 'A0PULSE',
          response_url: `http://slack.test/respond/${MARKER}`,
          trigger_id: `trigger-${MARKER}`,
        },
      }),
    );
    const ack = await eventually(() => received.find((message) => message['envelope_id'] === 'env-help-1'));
    const payload = ack['payload'] as Record<string, unknown>;
    expect(payload['response_type']).toBe('ephemeral');
    expect(JSON.stringify(payload)).toContain('/pulse source add');
    expect(t.logs.join('')).not.toContain(MARKER);
    expect(t.logs.join('')).not.toContain('xapp-1-A0PULSE-socket-token');
  });

  it('after app_uninstalled over the socket, the next event from the team marks it installed again', async () => {
    const orm = await t.db.orm();
    const sql = orm.em.fork().getConnection();
    await sql.execute('insert into workspace (id) values (?) on conflict do nothing', ['T0SOCK']);
    const uninstalledAt = async () =>
      (
        await sql.execute<Array<{ uninstalled_at: Date | null }>>(
          'select uninstalled_at from workspace where id = ?',
          ['T0SOCK'],
        )
      )[0]?.uninstalled_at ?? null;
    const deliver = async (envelopeId: string, eventId: string, event: Record<string, unknown>) => {
      socket?.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type: 'events_api',
          accepts_response_payload: false,
          payload: {
            token: 'legacy',
            team_id: 'T0SOCK',
            api_app_id: 'A0PULSE',
            type: 'event_callback',
            event_id: eventId,
            event_time: 1_800_000_000,
            event,
          },
        }),
      );
      await eventually(() => received.find((message) => message['envelope_id'] === envelopeId));
    };

    await deliver('env-uninstall', 'Ev0SOCK1', { type: 'app_uninstalled', event_ts: '1.1' });
    await eventually(async () => ((await uninstalledAt()) ? true : undefined));

    // Installed again: the first event Slack delivers from the team brings it back.
    await deliver('env-home', 'Ev0SOCK2', {
      type: 'app_home_opened',
      user: 'U0ADMIN',
      channel: 'D0HOME',
      tab: 'home',
    });
    await eventually(async () => ((await uninstalledAt()) === null ? true : undefined));
    // The App Home it opened is published before the test ends (nothing left running at close).
    await eventually(() =>
      t.slack.callsTo('views.publish').find((call) => call.body['user_id'] === 'U0ADMIN'),
    );
  });
});
