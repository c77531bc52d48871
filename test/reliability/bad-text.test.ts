import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanDeep, cleanText, storableJson } from '../../src/lib/clean-text.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { createFakeGitLab, type FakeGitLab, type FakeScenario } from '../support/fake-gitlab/index.ts';
import { mixedScenario, SYNC_TOKEN } from '../sync/mixed-scenario.ts';
import {
  createSyncHarness,
  type StoredRow,
  type SyncHarness,
  storedActivities,
} from '../sync/sync-harness.ts';

describe('cleanText', () => {
  it('removes NUL and lone surrogates, keeps every other character including real pairs', () => {
    expect(cleanText('a\u0000b')).toBe('ab');
    expect(cleanText('x\uD800y\uDC00z')).toBe('xyz');
    expect(cleanText('emoji 😀 ok')).toBe('emoji 😀 ok');
    expect(cleanText('end\uD83D')).toBe('end');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const cleaned = cleanText(text);
        expect(cleaned.isWellFormed()).toBe(true);
        expect(cleaned).not.toContain('\u0000');
        if (text.isWellFormed() && !text.includes('\u0000')) expect(cleaned).toBe(text);
      }),
    );
  });

  it('cleans strings deep inside objects and arrays, keys included, and leaves other values', () => {
    const when = new Date(0);
    expect(cleanDeep({ 'k\u0000': ['a\u0000', 1, null, { b: 'c\uDFFF' }], when })).toEqual({
      k: ['a', 1, null, { b: 'c' }],
      when,
    });
  });

  it('writes JSON as cleanDeep would have it, and the same text when nothing needs cleaning', () => {
    expect(storableJson([{ title: 'a\u0000b\uD800', 'k\uDC00': 'ok' }])).toBe('[{"title":"ab","k":"ok"}]');
    expect(storableJson({ body: 'a literal \\u0000 stays' })).toBe('{"body":"a literal \\\\u0000 stays"}');
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
        const row = { value, text, [text]: 1 };
        expect(storableJson(row)).toBe(JSON.stringify(cleanDeep(row)));
      }),
    );
  });
});

let db: TestDatabase;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db.drop();
});
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

/** The scenario with a NUL byte and a lone surrogate in one MR's title and a NUL in one commit message. */
function dirty(scenario: FakeScenario): FakeScenario {
  const text = JSON.stringify(scenario)
    .replaceAll('Invoices export', 'Invoices\\u0000 export\\ud800')
    .replaceAll('PAY-12 add invoice model', 'PAY-12 add\\u0000 invoice model');
  return JSON.parse(text) as FakeScenario;
}

async function syncOnce(scenario: FakeScenario): Promise<{ fake: FakeGitLab; harness: SyncHarness }> {
  const fake = await createFakeGitLab(scenario);
  const harness = await createSyncHarness(await db.orm());
  open.push(harness, fake);
  const sourceId = await harness.addSource({ baseUrl: fake.url, token: SYNC_TOKEN });
  await harness.addTeammate(sourceId, 'ada');
  await harness.addTeammate(sourceId, 'grace');
  const { sources } = await harness
    .service()
    .sync({ workspaceId: harness.workspaceId, dataSourceId: sourceId, trigger: 'cron' });
  expect(sources[0]?.status).toBe('succeeded');
  return { fake, harness };
}

describe('a sync meeting NUL bytes and lone surrogates in GitLab text', () => {
  it('stores the activities cleaned, exactly as a clean run of the same week stores them', async () => {
    const scenario = mixedScenario();
    const bad = dirty(scenario);
    expect(JSON.stringify(bad)).toContain('\\u0000');

    const dirtyRun = await syncOnce(bad);
    const cleanRun = await syncOnce(scenario);

    const portable = (rows: StoredRow[], fake: FakeGitLab) =>
      rows.map((row) =>
        JSON.stringify([
          row.slack_user_id,
          row.kind,
          row.natural_key,
          row.title,
          row.url,
          row.payload,
        ]).replaceAll(new URL(fake.url).host, 'gitlab'),
      );
    const stored = await storedActivities(dirtyRun.harness);
    expect(stored.map((row) => row.title)).toContain('Invoices export');
    expect(stored.map((row) => row.title)).toContain('PAY-12 add invoice model');
    expect(portable(stored, dirtyRun.fake)).toEqual(
      portable(await storedActivities(cleanRun.harness), cleanRun.fake),
    );
  });
});
