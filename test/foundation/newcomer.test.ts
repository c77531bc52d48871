import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsList } from '../../migrations/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

interface PackageJson {
  engines: { node: string };
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
}

async function packageJson(): Promise<PackageJson> {
  return JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as PackageJson;
}

/** Runs a command to completion and returns everything it printed, whatever its exit code. */
async function run(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }) {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, { ...options, timeout: 60_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const BASE_ENV = {
  PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? ''}`,
  HOME: process.env['HOME'] ?? '/tmp',
};

describe('a newcomer on a fresh clone', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('is told the Node version the README asks for', async () => {
    const pkg = await packageJson();
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    expect(pkg.engines.node).toBe('>=24.0.0');
    expect(readme).toContain('Node 24 is required');
    expect(pkg.devDependencies['node']?.startsWith('24.')).toBe(true);
  });

  it('has npm start read settings from a .env file in the project folder when one exists', async () => {
    const { scripts } = await packageJson();
    expect(scripts['start']).toBe(
      'MALLOC_ARENA_MAX=2 node --optimize-for-size --max-semi-space-size=4 --env-file-if-exists=.env src/main.ts',
    );
    expect(scripts['migrate']).toBe('node --env-file-if-exists=.env src/migrate.ts');

    // The start script as written, run from a folder whose .env holds a bad port: the config
    // error proves the file was read (nothing else sets PORT).
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ap-env-'));
    dirs.push(dir);
    await writeFile(
      path.join(dir, '.env'),
      'SLACK_SIGNING_SECRET=from-env-file\nSLACK_BOT_TOKEN=xoxb-1\nPORT=eighty\n',
    );
    // `NAME=value` words before `node` are the environment the script sets (MALLOC_ARENA_MAX).
    const words = (scripts['start'] ?? '').split(' ');
    const assignment = /^[A-Z_]+=/;
    const scriptEnv = Object.fromEntries(
      words.filter((word) => assignment.test(word)).map((word) => word.split('=') as [string, string]),
    );
    const [, ...args] = words.filter((word) => !assignment.test(word));
    const withFile = await run(
      process.execPath,
      args.map((arg) => (arg === 'src/main.ts' ? path.join(ROOT, arg) : arg)),
      { cwd: dir, env: { ...BASE_ENV, ...scriptEnv } },
    );
    expect(withFile.code).not.toBe(0);
    expect(withFile.output).toContain('PORT');
    expect(withFile.output).not.toContain('SLACK_SIGNING_SECRET');

    // Without a .env the same line still starts parsing (and names the missing Slack settings).
    const empty = await mkdtemp(path.join(os.tmpdir(), 'ap-noenv-'));
    dirs.push(empty);
    const withoutFile = await run(
      process.execPath,
      args.map((arg) => (arg === 'src/main.ts' ? path.join(ROOT, arg) : arg)),
      { cwd: empty, env: { ...BASE_ENV, ...scriptEnv } },
    );
    expect(withoutFile.code).not.toBe(0);
    expect(withoutFile.output).toContain('SLACK_SIGNING_SECRET');
  });

  it('lists every migration file in migrations/index.ts, in file-name order, so the app and the MikroORM CLI run the same ones', async () => {
    const files = (await readdir(path.join(ROOT, 'migrations')))
      .filter((file) => /^2.*\.ts$/.test(file))
      .sort()
      .map((file) => file.replace(/\.ts$/, ''));
    expect(migrationsList.map((migration) => migration.name)).toEqual(files);
  });

  describe('the MikroORM CLI', () => {
    let database: TestDatabase;
    const cli = path.join(ROOT, 'node_modules/@mikro-orm/cli/cli.js');
    beforeAll(async () => {
      database = await createTestDatabase();
    });
    afterAll(async () => {
      await database.drop();
    });

    it('finds the configuration and connects (npx mikro-orm debug)', async () => {
      const result = await run(process.execPath, [cli, 'debug'], {
        cwd: ROOT,
        env: { ...BASE_ENV, DATABASE_URL: database.url },
      });
      expect(result.output).toMatch(/mikro-orm\.config\.js \S*found/);
      expect(result.output).not.toMatch(/Neither .* found in the project dependencies/);
      expect(result.output).toContain('configuration');
      expect(result.output).toContain('database connection successful');
      expect(result.output).not.toContain(new URL(database.url).password || 'no-password-in-url');
    });

    it('sees the app’s migrations as applied and has nothing pending (npx mikro-orm migration:pending)', async () => {
      const result = await run(process.execPath, [cli, 'migration:pending'], {
        cwd: ROOT,
        env: { ...BASE_ENV, DATABASE_URL: database.url },
      });
      expect(result.code).toBe(0);
      expect(result.output).toContain('No pending migrations');
    });
  });
});
