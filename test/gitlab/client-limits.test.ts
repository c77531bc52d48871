import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { GitLabClient } from '../../src/gitlab/client.ts';
import { listUserEvents } from '../../src/gitlab/events.api.ts';
import { paginateCursor } from '../../src/gitlab/graphql-pagination.ts';
import { RunBudget } from '../../src/gitlab/request-limits.ts';
import { getCurrentUser } from '../../src/gitlab/users.api.ts';
import { buildPushEvents, buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { faults } from '../support/fake-gitlab/faults.ts';
import { collect, rejectionOf, startKit } from './gitlab-test-kit.ts';

const USER = 'GET /user';
const EVENTS = 'GET /users/:id/events';
const NOW = Date.parse('2024-05-06T12:00:00Z');

/** Issue 14, point 2: every request the client makes is bounded in time, size, pages and count. */
describe('GitLabClient limits', () => {
  it('ends a body dripped a byte at a time at the request deadline, headers and body together', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.drip(100, { endpoint: USER })] });
    // The idle timeouts alone never fire: a byte arrives every 100 ms.
    const client = kit.client(TOKENS.ada, {
      timeouts: { headersMs: 30_000, bodyMs: 30_000 },
      limits: { totalMs: 800 },
    });
    const started = performance.now();
    const error = await rejectionOf(getCurrentUser(client));
    const seconds = (performance.now() - started) / 1000;

    expect(error).toMatchObject({ code: 'GITLAB_REQUEST_TIMEOUT', endpoint: USER });
    expect(String(error['userMessage'])).toContain('GITLAB_REQUEST_TIMEOUT_MS');
    expect(String(error['userMessage'])).toMatch(/^GitLab at 127\.0\.0\.1:\d+ took longer than 0\.8 s/);
    expect(seconds).toBeGreaterThanOrEqual(0.75);
    expect(seconds).toBeLessThan(2);
    // A GitLab this slow is not asked again in the same run.
    expect(kit.fake.count(USER)).toBe(1);
  });

  it.each([
    ['streamed without a length', false],
    ['announced in Content-Length', true],
  ])('refuses a 50 MB answer %s at the size cap', async (_, contentLength) => {
    const kit = await startKit(buildScenario(), {
      faults: [faults.hugeBody(50 * 1024 * 1024, { contentLength, match: { endpoint: USER } })],
    });
    const client = kit.client(TOKENS.ada, { limits: { maxResponseBytes: 1024 * 1024 } });
    const error = await rejectionOf(getCurrentUser(client));

    expect(error).toMatchObject({ code: 'GITLAB_RESPONSE_TOO_LARGE', endpoint: USER });
    expect(String(error['userMessage'])).toContain('more than 1 MB for GET /user');
    expect(String(error['userMessage'])).toContain('GITLAB_MAX_RESPONSE_BYTES');
    expect(kit.fake.count(USER)).toBe(1);
  });

  it('reads an answer just under the cap', async () => {
    const kit = await startKit(buildScenario());
    const user = await getCurrentUser(kit.client(TOKENS.ada, { limits: { maxResponseBytes: 2_000 } }));
    expect(user.username).toBe('ada');
  });

  it('stops a listing that always announces a next page at the page cap', async () => {
    const scenario = buildScenario({ events: buildPushEvents(3, { author: 'ada' }) });
    const kit = await startKit(scenario, { faults: [faults.endlessPages({ endpoint: EVENTS })] });
    const client = kit.client(TOKENS.ada, { limits: { maxPages: 5 } });
    const pages: number[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const page of listUserEvents(client, 41)) pages.push(page.items.length);
      })(),
    );

    expect(error).toMatchObject({ code: 'GITLAB_TOO_MANY_PAGES', endpoint: EVENTS });
    expect(String(error['userMessage'])).toContain(`after 5 pages (GITLAB_MAX_PAGES)`);
    // Every page up to the cap was handed over (the caller keeps what it read), then no more asked.
    expect(pages).toEqual([3, 0, 0, 0, 0]);
    expect(kit.fake.count(EVENTS)).toBe(5);
  });

  it('reads a listing of exactly the cap without complaint', async () => {
    const scenario = buildScenario({ events: buildPushEvents(250, { author: 'ada' }) });
    const kit = await startKit(scenario);
    const pages = await collect(listUserEvents(kit.client(TOKENS.ada, { limits: { maxPages: 3 } }), 41));
    expect(pages.map((page) => page.items.length)).toEqual([100, 100, 50]);
  });

  it('refuses the request past the run’s request cap, naming the source', async () => {
    const kit = await startKit(buildScenario());
    const budget = new RunBudget({ maxRequests: 3, deadlineMs: 60_000, sourceName: 'acme gitlab' });
    const client = kit.client(TOKENS.ada, { budget });
    for (let index = 0; index < 3; index += 1) await getCurrentUser(client);
    const error = await rejectionOf(getCurrentUser(client));
    budget.dispose();

    expect(error).toMatchObject({ code: 'GITLAB_REQUEST_BUDGET' });
    expect(String(error['userMessage'])).toMatch(
      /^The sync of “acme gitlab” made 3 GitLab requests, the most one sync may make \(SYNC_MAX_REQUESTS_PER_RUN\)/,
    );
    expect(kit.fake.count(USER)).toBe(3);
  });

  it('cuts a request in flight at the run’s deadline', async () => {
    const kit = await startKit(buildScenario(), { faults: [faults.drip(100, { endpoint: USER })] });
    const budget = new RunBudget({ maxRequests: 100, deadlineMs: 500, sourceName: 'slow' });
    const client = kit.client(TOKENS.ada, { budget, limits: { totalMs: 60_000 } });
    const started = performance.now();
    const error = await rejectionOf(getCurrentUser(client));
    const seconds = (performance.now() - started) / 1000;
    budget.dispose();

    expect(error).toMatchObject({ code: 'GITLAB_RUN_DEADLINE' });
    expect(String(error['userMessage'])).toContain(
      'The sync of “slow” reached its 0.5 s limit (SYNC_RUN_DEADLINE_MS)',
    );
    expect(seconds).toBeLessThan(1.5);
  });

  it.each([
    ['Retry-After a day ahead', { retryAfter: 86_400 }, 'Retry-After', '24 h'],
    ['RateLimit-Reset a day ahead', { reset: NOW / 1000 + 86_400 }, 'RateLimit-Reset', '24 h'],
  ])('ends the run on a 429 with %s instead of sleeping', async (_, options, header, shown) => {
    const kit = await startKit(buildScenario(), { faults: [faults.rateLimited(5, options)] });
    const budget = new RunBudget({
      maxRequests: 100,
      deadlineMs: 10 * 60_000,
      sourceName: 'busy',
      now: () => NOW,
    });
    const client = kit.client(TOKENS.ada, { budget, now: () => NOW, retry: { maxTotalWaitMs: 10 ** 9 } });
    const error = await rejectionOf(getCurrentUser(client));
    budget.dispose();

    expect(error).toMatchObject({ code: 'GITLAB_WAIT_PAST_DEADLINE' });
    expect(String(error['userMessage'])).toContain(`asked to wait ${shown} (${header})`);
    expect(String(error['userMessage'])).toContain('the sync of “busy” may still run');
    expect(kit.sleeps).toEqual([]);
    expect(kit.fake.count(USER)).toBe(1);
  });

  it('does not pace into a rate-limit window that reopens after the run’s deadline', async () => {
    const kit = await startKit(buildScenario());
    kit.fake.setFault({
      kind: 'status',
      status: 200,
      times: 1,
      headers: {
        'RateLimit-Limit': '600',
        'RateLimit-Remaining': '1',
        'RateLimit-Reset': String(NOW / 1000 + 86_400),
      },
      body: { id: 41, username: 'ada', name: 'Ada Example', state: 'active', web_url: 'x', avatar_url: null },
    });
    const budget = new RunBudget({
      maxRequests: 100,
      deadlineMs: 30_000,
      sourceName: 'paced',
      now: () => NOW,
    });
    const client = kit.client(TOKENS.ada, { budget, now: () => NOW });
    await getCurrentUser(client).catch(() => undefined);
    const error = await rejectionOf(getCurrentUser(client));
    budget.dispose();

    expect(error).toMatchObject({ code: 'GITLAB_WAIT_PAST_DEADLINE' });
    expect(kit.sleeps).toEqual([]);
    expect(kit.fake.count(USER)).toBe(1);
  });

  it('stops a GraphQL connection that always has a next page at the page cap', async () => {
    let asked = 0;
    const pages = paginateCursor(
      async () => {
        asked += 1;
        return { nodes: [asked], pageInfo: { hasNextPage: true, endCursor: `cursor-${asked}` } };
      },
      null,
      { maxPages: 7, where: 'GitLab at gitlab.test', endpoint: 'POST /api/graphql (timelogs)' },
    );
    const error = await rejectionOf(collect(pages));
    expect(error).toMatchObject({ code: 'GITLAB_TOO_MANY_PAGES' });
    expect(String(error['userMessage'])).toContain('POST /api/graphql (timelogs) after 7 pages');
    expect(asked).toBe(7);
  });
});

describe('GraphQL connections and GITLAB_MAX_PAGES', () => {
  it('stop at the client’s page cap, naming the setting, when GitLab says hasNextPage forever', async () => {
    const client = new GitLabClient({
      baseUrl: 'http://127.0.0.1:9',
      token: 'glpat-unused',
      dispatcher: new Agent(),
      limits: { maxPages: 3 },
    });
    let asked = 0;
    const pages = paginateCursor(
      async () => {
        asked += 1;
        return { nodes: [asked], pageInfo: { hasNextPage: true, endCursor: `cursor-${asked}` } };
      },
      null,
      client.pageLimit('POST /api/graphql (timelogs)'),
    );
    const read: number[] = [];
    const error = await (async () => {
      try {
        for await (const page of pages) read.push(...page.items);
      } catch (caught) {
        return caught as { code?: string; message: string };
      }
      return undefined;
    })();
    expect(read).toEqual([1, 2, 3]);
    expect(error?.code).toBe('GITLAB_TOO_MANY_PAGES');
    expect(error?.message).toContain('after 3 pages (GITLAB_MAX_PAGES)');
  });
});
