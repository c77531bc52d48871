import type { Logger } from './logger.ts';

/**
 * Work that continues after Slack has been acknowledged (syncs, replies through response_url).
 * Shutdown waits for it, up to a deadline, instead of cutting it off mid-transaction.
 */
export class BackgroundTasks {
  readonly #running = new Set<Promise<unknown>>();
  readonly #logger: Logger;
  #closed = false;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  get size(): number {
    return this.#running.size;
  }

  get closed(): boolean {
    return this.#closed;
  }

  run(name: string, work: () => Promise<unknown>): void {
    if (this.#closed) {
      this.#logger.warn({ task: name }, 'shutting down; background task not started');
      return;
    }
    const task = Promise.resolve()
      .then(work)
      .catch((error: unknown) => this.#logger.error({ err: error, task: name }, 'background task failed'))
      .finally(() => this.#running.delete(task));
    this.#running.add(task);
  }

  /**
   * Work already under way that shutdown must wait for, such as a Slack listener still running
   * after its ack: tracked even while closing, because it started before the stop.
   */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    const entry = settled.finally(() => this.#running.delete(entry));
    this.#running.add(entry);
    return work;
  }

  /** Stops accepting work and waits for what runs, at most `timeoutMs`. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.#closed = true;
    if (this.#running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const done = Promise.allSettled([...this.#running]).then(() => true as const);
    const finished = await Promise.race([done, timeout]);
    clearTimeout(timer);
    return finished;
  }
}
