import { describe, expect, it } from 'vitest';
import { readAhead } from '../../src/lib/read-ahead.ts';

/** A source that logs when each item is asked for and handed out, and when it is closed. */
function source(items: number[], log: string[], failAt?: number) {
  return (async function* () {
    try {
      for (const item of items) {
        log.push(`ask ${item}`);
        await Promise.resolve();
        if (item === failAt) throw new Error(`page ${item} failed`);
        yield item;
      }
    } finally {
      log.push('closed');
    }
  })();
}

describe('readAhead', () => {
  it('asks for the next item before the caller is done with the current one', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    for await (const item of readAhead(source([1, 2, 3], log))) {
      log.push(`work ${item}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(item);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(log.indexOf('ask 2')).toBeLessThan(log.indexOf('work 1') + 2);
    expect(log.indexOf('ask 2')).toBeLessThan(log.indexOf('work 2'));
    // The source ran to its end while item 3 was worked on.
    expect(log.filter((entry) => entry === 'closed')).toHaveLength(1);
  });

  it('throws a failed item where the caller reaches it, not before', async () => {
    const log: string[] = [];
    const seen: number[] = [];
    await expect(async () => {
      for await (const item of readAhead(source([1, 2, 3], log, 2))) seen.push(item);
    }).rejects.toThrow('page 2 failed');
    expect(seen).toEqual([1]);
  });

  it('lets the item on its way finish, drops its error and closes the source when the caller stops', async () => {
    const log: string[] = [];
    for await (const item of readAhead(source([1, 2, 3], log, 2))) {
      if (item === 1) break;
    }
    expect(log).toEqual(['ask 1', 'ask 2', 'closed']);
  });
});
