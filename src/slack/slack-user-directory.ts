import type { WebClient } from '@slack/web-api';
import { listMembers, lookupSlackUser, type SlackMember, type SlackUser } from './slack-users.ts';

/** How long a users.info or users.list answer is reused: admin flags and zones change rarely. */
export const SLACK_USER_TTL_MS = 5 * 60_000;
/** Entries kept at most (oldest dropped first), so a huge workspace cannot grow the cache for ever. */
const MAX_USERS = 10_000;

interface Cached<T> {
  value: T;
  expiresAt: number;
}

/**
 * users.info and users.list answers, cached per workspace for a few minutes. Every command and
 * App Home open asks who the user is (admin? time zone?); without a cache a busy team meets
 * users.info's Tier 4 limit, and resolving a bare @name pages through users.list (Tier 2).
 * https://docs.slack.dev/reference/methods/users.info
 * https://docs.slack.dev/apis/web-api/rate-limits
 */
export class SlackUserDirectory {
  readonly #users = new Map<string, Cached<SlackUser>>();
  readonly #members = new Map<string, Cached<SlackMember[]>>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? SLACK_USER_TTL_MS;
    this.#now = options.now ?? Date.now;
  }

  async user(client: WebClient, teamId: string, userId: string): Promise<SlackUser> {
    const key = `${teamId}:${userId}`;
    const hit = this.#fresh(this.#users, key);
    if (hit) return hit;
    const user = await lookupSlackUser(client, userId);
    this.#store(this.#users, key, user);
    return user;
  }

  /** Every member of the workspace, paged through users.list with cursors. */
  async members(client: WebClient, teamId: string): Promise<SlackMember[]> {
    const hit = this.#fresh(this.#members, teamId);
    if (hit) return hit;
    const members = await listMembers(client);
    this.#store(this.#members, teamId, members);
    return members;
  }

  #fresh<T>(map: Map<string, Cached<T>>, key: string): T | undefined {
    const entry = map.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.#now()) return entry.value;
    map.delete(key);
    return undefined;
  }

  #store<T>(map: Map<string, Cached<T>>, key: string, value: T): void {
    map.delete(key);
    map.set(key, { value, expiresAt: this.#now() + this.#ttlMs });
    if (map.size > MAX_USERS) map.delete(map.keys().next().value as string);
  }
}
