import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from '../../src/lib/database-errors.ts';
import { CodedError } from '../../src/lib/errors.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});

async function errorOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('isDatabaseUnavailable, on errors the real driver and ORM raise', () => {
  it('is true for a refused connection and a terminated session, wrapped or not', async () => {
    const refused = await errorOf(async () => {
      const client = new pg.Client({ connectionString: 'postgres://x:y@127.0.0.1:1/none' });
      client.on('error', () => undefined);
      await client.connect();
    });
    expect(isDatabaseUnavailable(refused)).toBe(true);
    expect(isDatabaseUnavailable(new Error('sync failed', { cause: refused }))).toBe(true);

    const victim = new pg.Client({ connectionString: db.url });
    victim.on('error', () => undefined);
    await victim.connect();
    const pid = (await victim.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    const orm = await db.orm();
    const terminated = await errorOf(async () => {
      const sleeping = victim.query('select pg_sleep(5)');
      // It may fail before we await it: mark it handled now, the await below still sees the error.
      sleeping.catch(() => undefined);
      await orm.em.fork().execute('select pg_terminate_backend(?)', [pid]);
      await sleeping;
    });
    await victim.end().catch(() => undefined);
    expect(isDatabaseUnavailable(terminated)).toBe(true);
  });

  it('is false for a statement the database refuses and for our own coded errors', async () => {
    const orm = await db.orm();
    const refusedStatement = await errorOf(() => orm.em.fork().execute('select * from no_such_table'));
    expect(isDatabaseUnavailable(refusedStatement)).toBe(false);
    expect(isDatabaseUnavailable(new CodedError('GITLAB_UNREACHABLE', 'GitLab is down'))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
