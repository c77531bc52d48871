import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * `npm start` as an operator runs it: a separate process, configured only by the environment.
 * Every URL it is given is on loopback.
 */
const MAIN = path.resolve(import.meta.dirname, '../../src/main.ts');

export const BASE_ENV = {
  PATH: process.env['PATH'] ?? '',
  HOME: process.env['HOME'] ?? '/tmp',
  // A closed loopback port unless a test points it at a fake Slack server.
  SLACK_API_URL: 'http://127.0.0.1:1/api/',
  PORT: '0',
  LOG_LEVEL: 'info',
};

export interface StartedProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `node src/main.ts`; `nodeArgs` come before the script (e.g. `--import` of a fault drill). */
export function launch(env: Record<string, string>, nodeArgs: string[] = []): StartedProcess {
  const child = spawn(process.execPath, [...nodeArgs, MAIN], {
    env: { ...BASE_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

export async function listeningPort(started: StartedProcess): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const line = started
      .output()
      .split('\n')
      .find((text) => text.includes('ActivityPulse is listening'));
    if (line) return (JSON.parse(line) as { port: number }).port;
    if (started.child.exitCode !== null) throw new Error(`exited early:\n${started.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never listened:\n${started.output()}`);
}

/** The pid of the embedded PostgreSQL running on `dataDir`, if its lock file names one. */
export async function postmasterPid(dataDir: string): Promise<number | undefined> {
  try {
    const text = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
    const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
