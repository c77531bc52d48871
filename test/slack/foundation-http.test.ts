import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postSigned, sendCommand, sign } from '../support/slack.ts';
import { startTestApp, type TestApp } from '../support/test-app.ts';

describe('the Slack app over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${t.baseUrl}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok' });
  });

  it('serves Prometheus metrics', async () => {
    const response = await fetch(`${t.baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('activitypulse_slack_commands_total');
  });

  it('answers /pulse help with the command list, ephemerally, through the signed endpoint', async () => {
    const { response, ack } = await sendCommand(t.baseUrl, { text: 'help' });
    expect(response.status).toBe(200);
    expect(ack?.['response_type']).toBe('ephemeral');
    const text = JSON.stringify(ack);
    for (const command of [
      '/pulse sources',
      '/pulse source add',
      '/pulse map',
      '/pulse fetch',
      '/pulse activity',
      '/pulse digest set',
    ]) {
      expect(text).toContain(command);
    }
    expect(t.slack.callsTo('auth.test').length).toBeGreaterThanOrEqual(1);
  });

  it('answers unknown input with help that names what it did not understand', async () => {
    const { ack } = await sendCommand(t.baseUrl, { text: 'frobnicate now' });
    expect(ack?.['response_type']).toBe('ephemeral');
    expect(JSON.stringify(ack)).toContain('frobnicate');
    expect(JSON.stringify(ack)).toContain('/pulse help');
  });

  it('rejects a request with a bad signature', async () => {
    const body = new URLSearchParams({
      command: '/pulse',
      text: 'help',
      team_id: 'T0TEST',
      user_id: 'U1',
    }).toString();
    const response = await postSigned(t.baseUrl, body, {
      signature: sign(body, Math.floor(Date.now() / 1000), 'wrong-secret'),
    });
    expect(response.status).toBe(401);
  });

  it('rejects a replayed request older than five minutes', async () => {
    const body = new URLSearchParams({
      command: '/pulse',
      text: 'help',
      team_id: 'T0TEST',
      user_id: 'U1',
    }).toString();
    const response = await postSigned(t.baseUrl, body, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect(response.status).toBe(401);
  });
});
