/** How often, and how long apart, a digest that could not be posted is tried again. */

/** A digest is tried at most this many times for one day. */
export const MAX_ATTEMPTS = 3;
/** Wait after attempt 1, after attempt 2 (from the failed attempt's claim). */
export const RETRY_AFTER_MS = [10 * 60_000, 30 * 60_000] as const;
/** A claim whose owner has not started posting after this long died while building: it may be retried. */
export const STALE_CLAIM_MS = 15 * 60_000;
