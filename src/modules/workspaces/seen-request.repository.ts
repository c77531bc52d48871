import type { Orm } from '../../db/orm.ts';

/**
 * How long a request is remembered. Bolt refuses a signature older than 5 minutes, so a replay
 * past that never reaches a listener; Slack's event retries come within minutes too. Twice the
 * window leaves room for clock skew between replicas and Slack.
 * https://docs.slack.dev/authentication/verifying-requests-from-slack
 */
export const SEEN_REQUEST_TTL_MS = 10 * 60_000;
const PURGE_EVERY_MS = 60_000;

/**
 * Slack requests already acted on, in PostgreSQL so every replica sees the same list: the first
 * to record a key acts, every later sighting (a retry, a replay, another replica) does not.
 */
export class SeenRequestRepository {
  readonly #orm: Orm;
  #lastPurge = 0;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  /** True the first time `key` is recorded (within the TTL), false for every repeat. */
  async firstSighting(key: string, teamId: string | undefined): Promise<boolean> {
    const connection = this.#orm.em.fork().getConnection();
    // The database's clock, not the app's: Slack's window is real time, whatever a test's clock says.
    if (Date.now() - this.#lastPurge > PURGE_EVERY_MS) {
      this.#lastPurge = Date.now();
      await connection.execute(
        `delete from slack_request_seen where seen_at < now() - make_interval(secs => ?)`,
        [SEEN_REQUEST_TTL_MS / 1000],
      );
    }
    const inserted = await connection.execute<Array<{ key: string }>>(
      `insert into slack_request_seen (key, team_id) values (?, ?)
       on conflict (key) do nothing returning key`,
      [key.slice(0, 255), teamId ?? null],
    );
    return inserted.length === 1;
  }
}
