import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { CodedError } from '../lib/errors.ts';

const execFileAsync = promisify(execFile);

const PERMISSION_CODES = new Set(['EACCES', 'EPERM', 'EROFS']);

export function isPermissionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && PERMISSION_CODES.has(code);
}

/** What an operator reads when the data directory cannot be used, instead of a bare EACCES. */
export function dataDirRefused(dir: string, user: string, cause?: unknown): CodedError {
  return new CodedError(
    'DATA_DIR_UNREACHABLE',
    `The embedded PostgreSQL cannot use DATA_DIR (${dir}): ${user}, which runs it, may not reach or write it. Set DATA_DIR to a directory that user can write (for example /var/lib/activitypulse), give it access to this one and to each parent directory (chmod o+x on the parents), or set DATABASE_URL to a PostgreSQL server of your own.`,
    cause === undefined ? undefined : { cause },
  );
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, who must be able to run the binaries and
 * reach the data directory through every parent: checked up front, so the operator is told which
 * and what to do, rather than seeing `spawn …/initdb EACCES`.
 */
export async function checkReachable(
  owner: { uid: number; gid: number },
  bin: { initdb: string; postgres: string },
  pgData: string,
): Promise<void> {
  const can = (flag: string, target: string) =>
    execFileAsync('test', [flag, target], { ...owner, cwd: '/' }).then(
      () => true,
      () => false,
    );
  if (!(await can('-x', bin.initdb)) || !(await can('-x', bin.postgres))) {
    throw new CodedError(
      'DATA_DIR_UNREACHABLE',
      `The embedded PostgreSQL runs as the OS user "postgres", who cannot run its programs in ${path.dirname(bin.postgres)}: a parent directory is closed to that user. Install ActivityPulse where that user can read it (chmod o+rx on each parent directory), or set DATABASE_URL to a PostgreSQL server of your own.`,
    );
  }
  if (!(await can('-w', pgData)) || !(await can('-x', pgData))) {
    throw dataDirRefused(path.dirname(pgData), 'the OS user "postgres"');
  }
}
