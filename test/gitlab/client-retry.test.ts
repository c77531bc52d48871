import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { GitLabRequestEvent } from '../../src/gitlab/client.ts';
import { listTimelogs } from '../../src/gitlab/timelogs.api.ts';
import { getCurrentUser } from '../../src/gitlab/users.api.ts';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { faults } from '../support/fake-gitlab/faults.ts';
import { collect, rejectionOf, startKit } from './gitlab-test-kit.ts';

const USER = 'GET /user';
const NOW = Date.parse('2024-05-06T12:00:00Z');

describe('GitLabClient retries', () => {
  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.rateLimited(2, { retryAfter: 3 })] });
    const client = kit.client(TOKENS.ada);
    const user = await getCurrentUser(client);

    expect(user.username).toBe('ada');
    expect(kit.fake.count(USER)).toBe(3);
    expect(kit.sleeps).toEqual([3_000, 3_000]);
    expect(client.stats).toEqual({ requests: 3, retries: 2, rateLimited: 2, unreadableItems: 0 });
  });

  it('backs off on a plain-text 429 without any header', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.retryLater(2)] });
    const client = kit.client(TOKENS.ada);
    await getCurrentUser(client);

    expect(kit.fake.count(USER)).toBe(3);
    expect(kit.sleeps).toEqual([500, 1_000]); // random 0.5 × 1 s, × 2 s
    expect(client.stats.rateLimited).toBe(2);
  });

  it('waits until RateLimit-Reset when a 429 has no Retry-After', async () => {
    const kit = await startKit(buildScenario(), {
      faults: [faults.rateLimited(1, { reset: NOW / 1000 + 9 })],
    });
    await getCurrentUser(kit.client(TOKENS.ada, { now: () => NOW }));

    expect(kit.sleeps).toEqual([9_000]);
    expect(kit.fake.count(USER)).toBe(2);
  });

  it.each([500, 502, 503, 504] as const)('retries a %i and succeeds', async (status) => {
    const kit = await startKit(buildScenario(), { faults: [faults.serverError(status, 1)] });
    const client = kit.client(TOKENS.ada);
    await getCurrentUser(client);

    expect(kit.fake.count(USER)).toBe(2);
    expect(kit.sleeps).toEqual([500]);
    expect(client.stats).toEqual({ requests: 2, retries: 1, rateLimited: 0, unreadableItems: 0 });
  });

  it('retries after the connection is reset without an answer', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.connectionReset(1)] });
    const client = kit.client(TOKENS.ada);
    await getCurrentUser(client);

    expect(kit.fake.count(USER)).toBe(2);
    expect(kit.fake.requests[0]?.status).toBe(0);
    expect(client.stats.retries).toBe(1);
  });

  it('retries when the headers do not arrive in time', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.slow(5_000, 1)] });
    const client = kit.client(TOKENS.ada, { timeouts: { headersMs: 250 } });
    await getCurrentUser(client);

    expect(kit.fake.count(USER)).toBe(2);
    expect(client.stats.retries).toBe(1);
  });

  it('gives up with GITLAB_RATE_LIMITED after five attempts', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.retryLater(10)] });
    const client = kit.client(TOKENS.ada);
    const error = await rejectionOf(getCurrentUser(client));

    expect(error).toMatchObject({ code: 'GITLAB_RATE_LIMITED', status: 429, endpoint: USER });
    expect(error.message).toContain('gave up after 5 attempts');
    expect(kit.fake.count(USER)).toBe(5);
    expect(kit.sleeps).toEqual([500, 1_000, 2_000, 4_000]);
    expect(client.stats).toEqual({ requests: 5, retries: 4, rateLimited: 5, unreadableItems: 0 });
  });

  it('gives up at once when Retry-After is beyond the wait budget', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.rateLimited(1, { retryAfter: 3_600 })] });
    const error = await rejectionOf(getCurrentUser(kit.client(TOKENS.ada)));

    expect(error).toMatchObject({ code: 'GITLAB_RATE_LIMITED' });
    expect(kit.fake.count(USER)).toBe(1);
    expect(kit.sleeps).toEqual([]);
  });

  it('gives up with GITLAB_SERVER_ERROR when a 503 persists', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.serverError(503, 10)] });
    const error = await rejectionOf(getCurrentUser(kit.client(TOKENS.ada, { retry: { maxAttempts: 3 } })));

    expect(error).toMatchObject({ code: 'GITLAB_SERVER_ERROR', status: 503 });
    expect(kit.fake.count(USER)).toBe(3);
  });

  it('gives up with GITLAB_UNREACHABLE when every attempt is reset', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.connectionReset(10)] });
    const error = await rejectionOf(getCurrentUser(kit.client(TOKENS.ada, { retry: { maxAttempts: 2 } })));

    expect(error).toMatchObject({ code: 'GITLAB_UNREACHABLE' });
    expect(kit.fake.count(USER)).toBe(2);
  });

  it.each([
    ['401 (unknown token)', 'not-a-real-token', 'GITLAB_BAD_TOKEN'],
    ['401 (expired)', TOKENS.expired, 'GITLAB_TOKEN_EXPIRED'],
    ['403 (scope)', TOKENS.noApiScope, 'GITLAB_MISSING_SCOPE'],
  ])('never retries a %s', async (_label, token, code) => {
    const kit = await startKit(buildScenario());
    const client = kit.client(token);
    const error = await rejectionOf(getCurrentUser(client));

    expect(error).toMatchObject({ code });
    expect(kit.fake.count(USER)).toBe(1);
    expect(client.stats).toEqual({ requests: 1, retries: 0, rateLimited: 0, unreadableItems: 0 });
    expect(kit.sleeps).toEqual([]);
  });

  it('never retries a 404', async () => {
    const kit = await startKit(buildScenario());
    const client = kit.client(TOKENS.ada);
    const error = await rejectionOf(client.get('/projects/8', {}, z.unknown()));

    expect(error).toMatchObject({ code: 'GITLAB_NOT_FOUND', status: 404 });
    expect(kit.fake.count()).toBe(1);
  });

  it('reports every attempt to onRequest', async () => {
    const events: GitLabRequestEvent[] = [];
    const kit = await startKit(buildScenario(), { faults: [faults.serverError(502, 1)] });
    await getCurrentUser(kit.client(TOKENS.ada, { onRequest: (event) => events.push(event) }));

    expect(events.map(({ endpoint, attempt, status }) => ({ endpoint, attempt, status }))).toEqual([
      { endpoint: USER, attempt: 1, status: 502 },
      { endpoint: USER, attempt: 2, status: 200 },
    ]);
  });

  it('retries GraphQL queries like REST ones', async () => {
    const timelogs = [{ id: 1, username: 'ada', spent_at: '2024-05-06T09:00:00Z', time_spent: 600 }];
    const kit = await startKit(buildScenario({ timelogs }), {
      faults: [{ ...faults.serverError(503, 1), match: { endpoint: 'POST /api/graphql' } }],
    });
    const pages = await collect(
      listTimelogs(kit.client(TOKENS.ada), {
        username: 'ada',
        startDate: '2024-05-06',
        endDate: '2024-05-06',
      }),
    );
    expect(pages[0]?.items.map((item) => item.timeSpent)).toEqual([600]);
    expect(kit.fake.count('POST /api/graphql')).toBe(2);
  });
});
