import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orm } from '../../src/db/orm.ts';
import { CodedError } from '../../src/lib/errors.ts';
import { SecretBox } from '../../src/lib/secret-box.ts';
import { DataSource } from '../../src/modules/sources/data-source.entity.ts';
import { DataSourceRepository } from '../../src/modules/sources/data-source.repository.ts';
import { ensureWorkspace } from '../../src/modules/workspaces/workspace.repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const TOKEN = 'glpat-abcdefghijklmnopqrst';

describe('tokens at rest', () => {
  let db: TestDatabase;
  let orm: Orm;
  const box = new SecretBox(randomBytes(32));
  const repository = new DataSourceRepository(box);

  beforeAll(async () => {
    db = await createTestDatabase();
    orm = await db.orm();
  });
  afterAll(async () => db.drop());

  it('round-trips a token and stores bytes that are not the token', async () => {
    const em = orm.em.fork();
    await ensureWorkspace(em, 'T1');
    const source = repository.create(em, {
      workspaceId: 'T1',
      name: 'Prod',
      baseUrl: 'https://gitlab.example.com',
      token: TOKEN,
      jiraUrl: null,
      createdBy: 'U1',
    });
    await em.flush();

    const rows = await orm.em
      .fork()
      .getConnection()
      .execute<{ token_sealed: string }[]>('select token_sealed from data_source where id = ?', [source.id]);
    const stored = rows[0]!.token_sealed;
    expect(stored).not.toContain(TOKEN);
    expect(stored).not.toContain(Buffer.from(TOKEN).toString('base64'));
    expect(stored).toMatch(/^v1:/);

    const reloaded = await orm.em.fork().findOneOrFail(DataSource, { id: source.id });
    expect(JSON.stringify(reloaded)).not.toContain('v1:');
    expect(await repository.openToken(orm.em.fork(), reloaded)).toBe(TOKEN);
  });

  it('refuses a sealed token moved to another row, or opened with another key', () => {
    const sealed = box.seal(TOKEN, 'data_source:a:token');
    expect(() => box.open(sealed, 'data_source:b:token')).toThrow(CodedError);
    expect(() => new SecretBox(randomBytes(32)).open(sealed, 'data_source:a:token')).toThrow(
      /ENCRYPTION_KEY/,
    );
  });

  it('never seals the same token to the same bytes twice', () => {
    expect(box.seal(TOKEN, 'x')).not.toBe(box.seal(TOKEN, 'x'));
  });
});
