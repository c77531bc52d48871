import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from '../lib/logger.ts';

/** A job as cron sees it: a name, a schedule and a plain function (which lives in its module). */
export interface CronJob {
  name: string;
  cron: string;
  run(signal: AbortSignal): Promise<unknown>;
}

export interface CronJobs {
  /** Runs a job now (tests drive jobs this way with their own clock), sharing the no-overlap guard. */
  runNow(name: string): Promise<void>;
  /** Stops scheduling, aborts what runs and waits for it up to `timeoutMs`. */
  stop(timeoutMs: number): Promise<boolean>;
}

/**
 * Cron wiring only: schedules each job, never two runs of one job at once in this process (a tick
 * that finds the previous run still going is skipped), and stops cleanly at shutdown. Work across
 * replicas is coordinated by the jobs themselves (claims in PostgreSQL). With `schedule: false`
 * nothing fires on its own and jobs run only through `runNow`.
 * https://nodecron.com/
 */
export function startCronJobs(
  jobs: CronJob[],
  logger: Logger,
  options: { schedule?: boolean } = {},
): CronJobs {
  const controller = new AbortController();
  const running = new Map<string, Promise<void>>();
  const tasks: ScheduledTask[] = [];
  const byName = new Map(jobs.map((job) => [job.name, job]));

  const runOnce = (job: CronJob): Promise<void> => {
    const current = running.get(job.name);
    if (current) {
      logger.debug({ job: job.name }, 'previous run still going; this tick is skipped');
      return current;
    }
    const started = Date.now();
    const run = job
      .run(controller.signal)
      .then(
        () => logger.debug({ job: job.name, ms: Date.now() - started }, 'job finished'),
        (error: unknown) => logger.error({ err: error, job: job.name }, 'job failed'),
      )
      .finally(() => running.delete(job.name));
    running.set(job.name, run);
    return run;
  };

  for (const job of options.schedule === false ? [] : jobs) {
    const task = createTask(
      job.cron,
      async () => {
        if (!controller.signal.aborted) await runOnce(job);
      },
      { name: job.name, noOverlap: true, logger: cronLogger(logger, job.name) },
    );
    tasks.push(task);
    void task.start();
  }

  return {
    async runNow(name) {
      const job = byName.get(name);
      if (!job) throw new Error(`no job named ${name}`);
      await runOnce(job);
    },
    async stop(timeoutMs) {
      controller.abort();
      await Promise.all(tasks.map(async (task) => task.destroy()));
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const done = Promise.allSettled([...running.values()]).then(() => true as const);
      const finished = await Promise.race([done, timeout]);
      clearTimeout(timer);
      return finished;
    },
  };
}

/** node-cron's own messages (a tick skipped by overlap, a missed run) go to our JSON log, not the console. */
function cronLogger(logger: Logger, job: string) {
  const write = (level: 'debug' | 'info' | 'warn' | 'error', message: string | Error, err?: Error) =>
    logger[level](
      { job, ...(err || message instanceof Error ? { err: err ?? message } : {}) },
      String(message),
    );
  return {
    info: (message: string) => write('debug', message),
    // A skipped overlapping tick is expected with long syncs: not worth a warning.
    warn: (message: string) => write('debug', message),
    error: (message: string | Error, err?: Error) => write('error', message, err),
    debug: (message: string | Error, err?: Error) => write('debug', message, err),
  };
}

/**
 * Half the shortest gap between runs of `cron` (bounded to 30 s … 10 min): a source synced less
 * than this ago by any replica is not due again, so replicas firing together sync it once.
 */
export function minIntervalFor(cron: string): number {
  const probe = createTask(cron, () => undefined);
  try {
    const runs = probe.getNextRuns(6);
    let gap = Number.POSITIVE_INFINITY;
    for (let index = 1; index < runs.length; index += 1) {
      gap = Math.min(gap, runs[index]!.getTime() - runs[index - 1]!.getTime());
    }
    if (!Number.isFinite(gap)) gap = 15 * 60_000;
    return Math.min(Math.max(gap / 2, 30_000), 10 * 60_000);
  } finally {
    void probe.destroy();
  }
}
