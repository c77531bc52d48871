import { readFileSync, writeFileSync } from 'node:fs';
import { enableCompileCache } from 'node:module';

/**
 * The app's side of the sync bench, in a process of its own (forked by bench/sync.bench.ts) so its
 * peak RSS is the sync's, not the fake GitLab's or the bench's: the real SyncService, ORM and
 * client against the fake GitLab the parent serves. Steps are told apart by IPC messages, so the
 * parent can count each step's requests: `mapped`, `first`, `incremental`, each answered by `go`.
 */
export interface ChildInput {
  databaseUrl: string;
  gitlabUrl: string;
  token: string;
  usernames: string[];
  /** The scenario's end, the sync's `now`. */
  end: string;
  firstSyncDays: number;
}

export interface StepFigures {
  wallMs: number;
  /** VmHWM: the process's peak RSS during this step alone (reset before it), in MiB. */
  peakRssMiB: number;
  /** RSS when the step started, in MiB. */
  startRssMiB: number;
  /** Highest V8 heap in use / reserved, and memory outside it (Buffers, native), sampled every 250 ms, in MiB. */
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  status: string;
  failures: string[];
  counts: Record<string, Record<string, number | undefined>>;
  retries: number;
}

export type ChildMessage =
  | { step: 'mapped'; requests: number }
  | ({ step: 'first' | 'incremental' } & StepFigures)
  | { step: 'error'; message: string };

const MiB = 1024 * 1024;

function statusKiB(field: 'VmHWM' | 'VmRSS'): number {
  const line = readFileSync('/proc/self/status', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith(`${field}:`));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0);
}

/** Linux: writing 5 to clear_refs resets VmHWM, so the next peak is the next step's own. */
function resetPeak(): void {
  writeFileSync('/proc/self/clear_refs', '5');
}

const send = (message: ChildMessage) => process.send!(message);
const go = () => new Promise<void>((resolve) => process.once('message', () => resolve()));

async function main(input: ChildInput): Promise<void> {
  // As src/main.ts does: the app's modules are loaded through the compile cache, so a warm start
  // neither strips the TypeScript again nor holds the stripper's memory.
  enableCompileCache();
  const { createOrm } = await import('../src/db/orm.ts');
  const { createGitLabDispatcher } = await import('../src/gitlab/index.ts');
  const { createLogger } = await import('../src/lib/logger.ts');
  const { SecretBox } = await import('../src/lib/secret-box.ts');
  const { entities } = await import('../src/modules/entities.ts');
  const { DataSourceRepository } = await import('../src/modules/sources/data-source.repository.ts');
  const { SourceClients } = await import('../src/modules/sources/source-clients.ts');
  const { SyncService } = await import('../src/modules/sync/sync.service.ts');
  const { TeammatesService } = await import('../src/modules/teammates/teammates.service.ts');
  const orm = await createOrm(input.databaseUrl, entities);
  const dispatcher = createGitLabDispatcher({ allowedHosts: ['127.0.0.1'] });
  const logger = createLogger({ level: 'warn' });
  const repository = new DataSourceRepository(new SecretBox(Buffer.alloc(32, 3)));
  const em = orm.em.fork();
  await em.execute(
    "insert into workspace (id, default_timezone, admin_user_ids) values ('TBENCH', 'UTC', '{}')",
  );
  const source = repository.create(em, {
    workspaceId: 'TBENCH',
    name: 'bench',
    baseUrl: input.gitlabUrl,
    token: input.token,
    jiraUrl: null,
    createdBy: 'U0',
  });
  await em.flush();
  // Teammates are mapped as /pulse map does: the GitLab user id is looked up and stored then.
  const clients = new SourceClients({ dispatcher, repository, logger });
  const teammates = new TeammatesService({ orm, repository, clients, logger });
  let mappingRequests = 0;
  for (const username of input.usernames) {
    await teammates.map({
      teamId: 'TBENCH',
      person: { slackUserId: `U${username.toUpperCase()}` },
      username,
      sourceName: 'bench',
    });
    mappingRequests += 1;
  }
  send({ step: 'mapped', requests: mappingRequests });
  await go();

  const end = new Date(input.end);
  const service = new SyncService({
    orm,
    sources: repository,
    dispatcher,
    logger,
    now: () => end,
    firstSyncDays: input.firstSyncDays,
  });
  for (const step of ['first', 'incremental'] as const) {
    globalThis.gc?.();
    resetPeak();
    const startRssMiB = statusKiB('VmRSS') / 1024;
    const peaks = { heapUsed: 0, heapTotal: 0, external: 0 };
    const sample = () => {
      const usage = process.memoryUsage();
      peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
      peaks.heapTotal = Math.max(peaks.heapTotal, usage.heapTotal);
      peaks.external = Math.max(peaks.external, usage.external);
    };
    const sampler = setInterval(sample, 250);
    const started = performance.now();
    const { sources } = await service.sync({
      workspaceId: 'TBENCH',
      dataSourceId: source.id,
      trigger: 'cron',
    });
    const wallMs = performance.now() - started;
    clearInterval(sampler);
    sample();
    const result = sources[0]!;
    send({
      step,
      wallMs,
      peakRssMiB: statusKiB('VmHWM') / 1024,
      startRssMiB,
      heapUsedMiB: peaks.heapUsed / MiB,
      heapTotalMiB: peaks.heapTotal / MiB,
      externalMiB: peaks.external / MiB,
      status: result.status,
      failures: result.failures.map((failure) => `${failure.slackUserId}: ${failure.code}`),
      counts: result.counts,
      retries: result.retries,
    });
    await go();
  }
  await dispatcher.close();
  await orm.close(true);
}

const input = JSON.parse(process.argv[2] ?? '{}') as ChildInput;
main(input).then(
  () => process.exit(0),
  (error: unknown) => {
    send({ step: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.exit(1);
  },
);
