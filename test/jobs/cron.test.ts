import { describe, expect, it } from 'vitest';
import { minIntervalFor, startCronJobs } from '../../src/jobs/cron.ts';
import { createLogger } from '../../src/lib/logger.ts';

const logger = createLogger({ level: 'silent' });

describe('cron wiring', () => {
  it('never runs one job twice at once in a process: a run asked for meanwhile joins the running one', async () => {
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const jobs = startCronJobs(
      [
        {
          name: 'slow',
          cron: '* * * * *',
          run: async () => {
            runs += 1;
            await gate;
          },
        },
      ],
      logger,
      { schedule: false },
    );
    const first = jobs.runNow('slow');
    const second = jobs.runNow('slow');
    release();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    await jobs.runNow('slow');
    expect(runs).toBe(2);
    expect(await jobs.stop(1000)).toBe(true);
  });

  it('aborts a running job at shutdown and waits for it to finish', async () => {
    let sawAbort = false;
    const jobs = startCronJobs(
      [
        {
          name: 'long',
          cron: '* * * * *',
          run: (signal) =>
            new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => {
                sawAbort = true;
                resolve();
              });
            }),
        },
      ],
      logger,
      { schedule: false },
    );
    const running = jobs.runNow('long');
    expect(await jobs.stop(5000)).toBe(true);
    await running;
    expect(sawAbort).toBe(true);
  });

  it('keeps a job failure in the log instead of crashing the process', async () => {
    const jobs = startCronJobs(
      [{ name: 'broken', cron: '* * * * *', run: async () => Promise.reject(new Error('boom')) }],
      logger,
      { schedule: false },
    );
    await expect(jobs.runNow('broken')).resolves.toBeUndefined();
    await expect(jobs.runNow('missing')).rejects.toThrow('no job named missing');
    await jobs.stop(1000);
  });

  it('derives the minimum gap between scheduled syncs from SYNC_CRON', () => {
    expect(minIntervalFor('*/15 * * * *')).toBe(7.5 * 60_000);
    expect(minIntervalFor('* * * * *')).toBe(30_000);
    expect(minIntervalFor('0 3 * * *')).toBe(10 * 60_000);
  });
});
