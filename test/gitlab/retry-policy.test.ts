import { describe, expect, it } from 'vitest';
import {
  decideRetry,
  parseRateLimitReset,
  parseRetryAfter,
  type RetryInput,
  waitsPastDeadline,
} from '../../src/gitlab/retry-policy.ts';

const NOW = Date.parse('2024-05-06T12:00:00Z');
const NOW_SECONDS = NOW / 1000;
const half = () => 0.5;

function decide(input: Partial<RetryInput>) {
  return decideRetry({ attempt: 1, elapsedMs: 0, now: NOW, random: half, ...input });
}

describe('decideRetry', () => {
  it.each([400, 401, 403, 404, 409, 422, 501])('never retries %i', (status) => {
    expect(decide({ status })).toEqual({ retry: false, waitMs: 0, reason: 'not-retryable' });
  });

  it.each([429, 500, 502, 503, 504])('retries %i with backoff when no header says how long', (status) => {
    expect(decide({ status })).toEqual({ retry: true, waitMs: 500, reason: 'backoff' });
  });

  it('grows the backoff ceiling exponentially, with full jitter below it', () => {
    expect(decide({ status: 503, attempt: 1 }).waitMs).toBe(500); // 0.5 × 1 s
    expect(decide({ status: 503, attempt: 2 }).waitMs).toBe(1_000); // 0.5 × 2 s
    expect(decide({ status: 503, attempt: 3 }).waitMs).toBe(2_000); // 0.5 × 4 s
    expect(decide({ status: 503, attempt: 4 }).waitMs).toBe(4_000); // 0.5 × 8 s
    expect(decide({ status: 503, attempt: 2, random: () => 0 }).waitMs).toBe(0);
    expect(decide({ status: 503, attempt: 2, random: () => 0.999 }).waitMs).toBe(1_998);
  });

  it('caps the backoff ceiling at maxDelayMs', () => {
    const options = { maxAttempts: 20, maxDelayMs: 5_000, maxTotalWaitMs: 1_000_000 };
    expect(decide({ status: 500, attempt: 10, options }).waitMs).toBe(2_500);
  });

  it('honours Retry-After in seconds', () => {
    expect(decide({ status: 429, headers: { 'retry-after': '7' } })).toEqual({
      retry: true,
      waitMs: 7_000,
      reason: 'retry-after',
    });
  });

  it('honours Retry-After as an HTTP date', () => {
    const headers = { 'retry-after': 'Mon, 06 May 2024 12:00:30 GMT' };
    expect(decide({ status: 503, headers })).toEqual({ retry: true, waitMs: 30_000, reason: 'retry-after' });
  });

  it('prefers Retry-After over RateLimit-Reset', () => {
    const headers = { 'retry-after': '2', 'ratelimit-reset': String(NOW_SECONDS + 40) };
    expect(decide({ status: 429, headers }).waitMs).toBe(2_000);
  });

  it('waits until RateLimit-Reset (unix seconds) on a 429 without Retry-After', () => {
    const headers = { 'ratelimit-reset': String(NOW_SECONDS + 12) };
    expect(decide({ status: 429, headers })).toEqual({
      retry: true,
      waitMs: 12_000,
      reason: 'rate-limit-reset',
    });
  });

  it('ignores RateLimit-Reset on a 5xx: the rate-limit window says nothing about an outage', () => {
    const headers = { 'ratelimit-reset': String(NOW_SECONDS + 12) };
    expect(decide({ status: 503, headers })).toEqual({ retry: true, waitMs: 500, reason: 'backoff' });
  });

  it('falls back to backoff when RateLimit-Reset is already past or Retry-After is garbage', () => {
    expect(decide({ status: 429, headers: { 'ratelimit-reset': String(NOW_SECONDS - 5) } }).reason).toBe(
      'backoff',
    );
    expect(decide({ status: 429, headers: { 'retry-after': 'soon' } }).reason).toBe('backoff');
  });

  it('gives up at once when the server asks for more than the remaining wait budget', () => {
    expect(decide({ status: 429, headers: { 'retry-after': '61' } })).toEqual({
      retry: false,
      waitMs: 0,
      reason: 'wait-budget-exhausted',
    });
    expect(decide({ status: 429, headers: { 'retry-after': '30' }, elapsedMs: 45_000 }).retry).toBe(false);
    expect(decide({ status: 429, headers: { 'retry-after': '15' }, elapsedMs: 45_000 }).retry).toBe(true);
  });

  it('trims a backoff to the remaining budget and stops once it is spent', () => {
    const options = { baseDelayMs: 10_000 };
    expect(decide({ status: 502, attempt: 3, elapsedMs: 58_000, options })).toEqual({
      retry: true,
      waitMs: 2_000,
      reason: 'backoff',
    });
    expect(decide({ status: 502, elapsedMs: 60_000 }).reason).toBe('wait-budget-exhausted');
  });

  it('stops after maxAttempts attempts', () => {
    expect(decide({ status: 503, attempt: 4 }).retry).toBe(true);
    expect(decide({ status: 503, attempt: 5 })).toEqual({
      retry: false,
      waitMs: 0,
      reason: 'attempts-exhausted',
    });
    expect(decide({ status: 503, attempt: 2, options: { maxAttempts: 2 } }).reason).toBe(
      'attempts-exhausted',
    );
  });

  it.each([
    'ECONNRESET',
    'ETIMEDOUT',
    'EPIPE',
    'EAI_AGAIN',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
  ])('retries the transient network error %s', (errorCode) => {
    expect(decide({ errorCode, attempt: 2 })).toEqual({ retry: true, waitMs: 1_000, reason: 'backoff' });
  });

  it.each(['ENOTFOUND', 'ECONNREFUSED', 'CERT_HAS_EXPIRED', 'UND_ERR_ABORTED', 'GITLAB_HOST_REFUSED'])(
    'does not retry %s: a retry cannot fix it',
    (errorCode) => {
      expect(decide({ errorCode }).reason).toBe('not-retryable');
    },
  );

  it('does not retry when neither a status nor an error code is known', () => {
    expect(decide({}).retry).toBe(false);
  });
});

describe('decideRetry against the run’s deadline (issue 14)', () => {
  const patient = { maxTotalWaitMs: 10 ** 9, maxAttempts: 5 };
  const deadlineAt = NOW + 10 * 60_000;

  it('ends the run instead of sleeping when Retry-After (seconds) waits past the deadline', () => {
    expect(
      decide({ status: 429, headers: { 'retry-after': '86400' }, deadlineAt, options: patient }),
    ).toEqual({ retry: false, waitMs: 86_400_000, reason: 'past-deadline', header: 'Retry-After' });
  });

  it('reads a Retry-After date against the deadline too', () => {
    const headers = { 'retry-after': 'Tue, 07 May 2024 12:00:00 GMT' };
    expect(decide({ status: 503, headers, deadlineAt, options: patient })).toEqual({
      retry: false,
      waitMs: 86_400_000,
      reason: 'past-deadline',
      header: 'Retry-After',
    });
  });

  it('ends the run when RateLimit-Reset (unix seconds or a delta) reopens after the deadline', () => {
    const unix = { 'ratelimit-reset': String(NOW_SECONDS + 86_400) };
    expect(decide({ status: 429, headers: unix, deadlineAt, options: patient })).toEqual({
      retry: false,
      waitMs: 86_400_000,
      reason: 'past-deadline',
      header: 'RateLimit-Reset',
    });
    const delta = { 'ratelimit-reset': '601' };
    expect(decide({ status: 429, headers: delta, deadlineAt, options: patient })).toEqual({
      retry: false,
      waitMs: 601_000,
      reason: 'past-deadline',
      header: 'RateLimit-Reset',
    });
  });

  it('waits when the asked wait ends exactly at the deadline or before', () => {
    expect(
      decide({ status: 429, headers: { 'ratelimit-reset': '600' }, deadlineAt, options: patient }),
    ).toEqual({ retry: true, waitMs: 600_000, reason: 'rate-limit-reset' });
    expect(decide({ status: 429, headers: { 'retry-after': '3' }, deadlineAt })).toEqual({
      retry: true,
      waitMs: 3_000,
      reason: 'retry-after',
    });
  });

  it('says past-deadline before wait-budget: the run ends, not just the request', () => {
    expect(decide({ status: 429, headers: { 'retry-after': '3600' }, deadlineAt }).reason).toBe(
      'past-deadline',
    );
    expect(decide({ status: 429, headers: { 'retry-after': '3600' } }).reason).toBe('wait-budget-exhausted');
  });

  it('does not back off past the deadline either', () => {
    expect(decide({ status: 503, attempt: 3, deadlineAt: NOW + 1_000 })).toEqual({
      retry: false,
      waitMs: 2_000,
      reason: 'past-deadline',
    });
    expect(decide({ status: 503, attempt: 3, deadlineAt: NOW + 2_000 })).toEqual({
      retry: true,
      waitMs: 2_000,
      reason: 'backoff',
    });
  });

  it('never retries a request cut by the run or request deadline, or refused for its size', () => {
    for (const errorCode of ['RUN_DEADLINE', 'REQUEST_DEADLINE', 'RESPONSE_TOO_LARGE'])
      expect(decide({ errorCode, deadlineAt })).toEqual({ retry: false, waitMs: 0, reason: 'not-retryable' });
    expect(decide({ status: 200, errorCode: 'RESPONSE_TOO_LARGE' }).retry).toBe(false);
  });
});

describe('waitsPastDeadline', () => {
  it('compares the end of the wait with the deadline; no deadline, never', () => {
    expect(waitsPastDeadline(1_000, NOW, NOW + 1_000)).toBe(false);
    expect(waitsPastDeadline(1_001, NOW, NOW + 1_000)).toBe(true);
    expect(waitsPastDeadline(0, NOW, NOW - 1)).toBe(true);
    expect(waitsPastDeadline(10 ** 12, NOW, undefined)).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, fractional seconds and dates; rejects the rest', () => {
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter(' 3 ', NOW)).toBe(3_000);
    expect(parseRetryAfter('1.5', NOW)).toBe(1_500);
    expect(parseRetryAfter('Mon, 06 May 2024 11:59:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('-1', NOW)).toBeUndefined();
    expect(parseRetryAfter('', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
  });
});

describe('parseRateLimitReset', () => {
  it('reads unix seconds, and small values as seconds from now', () => {
    expect(parseRateLimitReset(String(NOW_SECONDS + 60), NOW)).toBe(60_000);
    expect(parseRateLimitReset('60', NOW)).toBe(60_000);
    expect(parseRateLimitReset(String(NOW_SECONDS), NOW)).toBeUndefined();
    expect(parseRateLimitReset('abc', NOW)).toBeUndefined();
  });
});
