import { describe, expect, it } from 'vitest';
import { RateLimitPacer } from '../../src/gitlab/pacer.ts';
import { getCurrentUser } from '../../src/gitlab/users.api.ts';
import { buildScenario, TOKENS } from '../support/fake-gitlab/build-scenario.ts';
import { startKit } from './gitlab-test-kit.ts';

const NOW = Date.parse('2024-05-06T12:00:00Z');

function pacerAt(clock: { now: number }) {
  const waits: number[] = [];
  const pacer = new RateLimitPacer({
    now: () => clock.now,
    sleep: async (ms) => {
      waits.push(ms);
      clock.now += ms;
    },
  });
  return { pacer, waits };
}

function rateHeaders(limit: number, remaining: number, resetInSeconds: number) {
  return {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(remaining),
    'ratelimit-reset': String(NOW / 1000 + resetInSeconds),
  };
}

describe('RateLimitPacer', () => {
  it('does not wait while at least 10% of the window remains', async () => {
    const { pacer, waits } = pacerAt({ now: NOW });
    pacer.observe(rateHeaders(600, 60, 30));
    expect(await pacer.beforeRequest()).toBe(0);
    expect(waits).toEqual([]);
  });

  it('spreads the remaining requests evenly until the reset once below 10%', async () => {
    const clock = { now: NOW };
    const { pacer, waits } = pacerAt(clock);
    pacer.observe(rateHeaders(600, 59, 59)); // 59 requests for 59 s → one a second
    expect(await pacer.beforeRequest()).toBe(1_000);
    pacer.observe(rateHeaders(600, 58, 59)); // same reset, one second later
    expect(await pacer.beforeRequest()).toBe(1_000);
    expect(waits).toEqual([1_000, 1_000]);
  });

  it('counts time already spent since the response against the wait', async () => {
    const clock = { now: NOW };
    const { pacer } = pacerAt(clock);
    pacer.observe(rateHeaders(100, 5, 10)); // one every 2 s
    clock.now += 1_500;
    expect(await pacer.beforeRequest()).toBe(500);
  });

  it('waits for the reset when nothing remains, capped at maxWaitMs', async () => {
    const clock = { now: NOW };
    const { pacer } = pacerAt(clock);
    pacer.observe(rateHeaders(100, 0, 20));
    expect(await pacer.beforeRequest()).toBe(20_000);

    const capped = new RateLimitPacer({ now: () => NOW, sleep: async () => {}, maxWaitMs: 5_000 });
    capped.observe(rateHeaders(100, 0, 3_600));
    expect(capped.delayMs()).toBe(5_000);
  });

  it('honours an hour-long window GitLab announces: no request before it, GITLAB_RATE_LIMITED instead', async () => {
    const clock = { now: NOW };
    const { pacer, waits } = pacerAt(clock);
    // A self-managed GitLab limited to 7,200 an hour, used up with 40 minutes left.
    pacer.observe(rateHeaders(7_200, 0, 2_400));
    await expect(pacer.beforeRequest()).rejects.toMatchObject({
      code: 'GITLAB_RATE_LIMITED',
      userMessage: expect.stringContaining('used up until 12:40 UTC'),
    });
    expect(waits).toEqual([]);
    // 100 left for the same 40 minutes: one every 24 s, not 100 in the next minute.
    pacer.observe(rateHeaders(7_200, 100, 2_400));
    expect(await pacer.beforeRequest()).toBe(24_000);
  });

  it('lines concurrent callers up one interval apart', async () => {
    const clock = { now: NOW };
    const pacer = new RateLimitPacer({ now: () => clock.now, sleep: async () => {} });
    pacer.observe(rateHeaders(100, 4, 8)); // one every 2 s
    expect(await Promise.all([pacer.beforeRequest(), pacer.beforeRequest(), pacer.beforeRequest()])).toEqual([
      2_000, 4_000, 6_000,
    ]);
  });

  it('keeps the slots of requests still waiting when a response updates what remains', async () => {
    const clock = { now: NOW };
    const pacer = new RateLimitPacer({ now: () => clock.now, sleep: () => new Promise(() => {}) });
    pacer.observe(rateHeaders(100, 5, 10)); // one every 2 s
    for (let index = 0; index < 5; index += 1) void pacer.beforeRequest();
    // An earlier request's answer: 4 left, but the 5 waiting requests hold them all (and more).
    pacer.observe(rateHeaders(100, 4, 10));
    expect(pacer.delayMs()).toBe(10_000);
  });

  it('stops pacing when the headers disappear or the window has reset', async () => {
    const { pacer } = pacerAt({ now: NOW });
    pacer.observe(rateHeaders(100, 1, 10));
    pacer.observe({});
    expect(pacer.delayMs()).toBe(0);
    pacer.observe(rateHeaders(100, 1, -5));
    expect(pacer.delayMs()).toBe(0);
  });
});

describe('pacing through the client', () => {
  it('slows down when the fake GitLab reports few remaining requests, before any 429', async () => {
    const clock = { now: NOW };
    const kit = await startKit(buildScenario(), {
      rateLimit: { limit: 20, windowSeconds: 60 },
      now: () => clock.now,
    });
    const client = kit.client(TOKENS.ada, {
      now: () => clock.now,
      sleep: async (ms) => {
        kit.sleeps.push(ms);
        clock.now += ms;
      },
    });
    for (let index = 0; index < 20; index += 1) await getCurrentUser(client);

    // 20 allowed a minute. The 19th response leaves 1 (< 10% of 20): the last request waits for
    // the rest of the window instead of spending the last slot and racing into a 429.
    expect(kit.sleeps).toEqual([60_000]);
    expect(client.stats).toEqual({ requests: 20, retries: 0, rateLimited: 0, unreadableItems: 0 });
    expect(kit.fake.requests.every((request) => request.status === 200)).toBe(true);
  });

  it('never earns a 429 with four callers at once, counting requests in flight against what remains', async () => {
    const clock = { now: NOW };
    const kit = await startKit(buildScenario(), {
      rateLimit: { limit: 10, windowSeconds: 60 },
      now: () => clock.now,
    });
    const waits: number[] = [];
    const client = kit.client(TOKENS.ada, {
      now: () => clock.now,
      // A virtual clock: each sleeper wakes at its own time, whatever the others do.
      sleep: async (ms) => {
        const wakeAt = clock.now + ms;
        waits.push(ms);
        await Promise.resolve();
        clock.now = Math.max(clock.now, wakeAt);
      },
    });
    const worker = async () => {
      for (let index = 0; index < 6; index += 1) await getCurrentUser(client);
    };
    await Promise.all([worker(), worker(), worker(), worker()]);

    // 24 requests, 10 a window: three windows, each filled to the limit and no further.
    expect(kit.fake.requests.map((request) => request.status)).toEqual(Array(24).fill(200));
    expect(client.stats).toMatchObject({ requests: 24, retries: 0, rateLimited: 0 });
    expect(clock.now - NOW).toBe(120_000);
  });
});
