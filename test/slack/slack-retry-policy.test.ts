import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { slackFetch } from '../../src/slack/slack-fetch.ts';
import { isRepeatable, slackMethodOf, slackRetryDecision } from '../../src/slack/slack-retry-policy.ts';

const limits = { maxAttempts: 3, maxRetryAfterMs: 30_000 };
const answered = (status: number, retryAfterSeconds?: number) =>
  ({ kind: 'answered', status, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) }) as const;

describe('the Slack retry policy', () => {
  it.each([
    // method, outcome, attempt, decision
    ['chat.postMessage', answered(429, 2), 1, { retry: true, waitMs: 2000 }],
    ['users.info', answered(429, 30), 2, { retry: true, waitMs: 30_000 }],
    ['users.info', answered(429, 31), 1, { retry: false }],
    ['users.info', answered(429, 1), 3, { retry: false }],
    ['users.info', answered(429), 1, { retry: false }],
    ['users.info', answered(429, Number.NaN), 1, { retry: false }],
    ['chat.postMessage', answered(503), 1, { retry: false }],
    ['chat.postMessage', { kind: 'network-error' }, 1, { retry: false }],
    ['chat.update', answered(500), 1, { retry: false }],
    ['views.open', answered(502), 1, { retry: false }],
    [undefined, answered(500), 1, { retry: false }],
    ['users.info', answered(503), 1, { retry: true, waitMs: 500 }],
    ['users.list', { kind: 'network-error' }, 2, { retry: true, waitMs: 1000 }],
    ['views.publish', answered(500), 3, { retry: false }],
    ['users.info', answered(200), 1, { retry: false }],
    ['users.info', answered(404), 1, { retry: false }],
  ] as const)('%s after %j on attempt %i: %j', (method, outcome, attempt, decision) => {
    expect(slackRetryDecision({ method, outcome, attempt, limits })).toEqual(decision);
  });

  it('names the Web API method of a URL, and nothing for a response_url', () => {
    expect(slackMethodOf('https://slack.com/api/chat.postMessage')).toBe('chat.postMessage');
    expect(slackMethodOf('http://slack.test/api/users.info')).toBe('users.info');
    expect(slackMethodOf('https://hooks.slack.com/commands/T1/2/abc')).toBeUndefined();
    expect(isRepeatable('users.info')).toBe(true);
    expect(isRepeatable('chat.postMessage')).toBe(false);
    expect(isRepeatable(undefined)).toBe(false);
  });
});

describe('a Slack that stops answering', () => {
  it('ends each attempt at its deadline: a read is tried again, a post is not repeated', async () => {
    const seen: string[] = [];
    // A real server on loopback that takes requests and never answers them.
    const server = createServer((request) => {
      seen.push(request.url ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const fetch = slackFetch({ attemptTimeoutMs: 100, sleep: async () => undefined });
    try {
      await expect(fetch(`http://127.0.0.1:${port}/api/users.info`, { method: 'POST' })).rejects.toThrow(
        /timeout|aborted/i,
      );
      expect(seen).toEqual(['/api/users.info', '/api/users.info', '/api/users.info']);
      seen.length = 0;
      await expect(
        fetch(`http://127.0.0.1:${port}/api/chat.postMessage`, { method: 'POST' }),
      ).rejects.toThrow(/timeout|aborted/i);
      expect(seen).toEqual(['/api/chat.postMessage']);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
