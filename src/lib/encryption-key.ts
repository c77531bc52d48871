import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from './logger.ts';

/**
 * Production sets ENCRYPTION_KEY. In development a key is generated once into the data directory so
 * stored tokens survive restarts; the warning says why that is not for production.
 */
export async function resolveEncryptionKey(options: {
  configured: Buffer | undefined;
  dataDir: string;
  logger: Logger;
}): Promise<Buffer> {
  if (options.configured) return options.configured;
  const file = path.resolve(options.dataDir, 'encryption.key');
  try {
    const existing = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (existing.length === 32) {
      options.logger.warn(
        { file },
        'ENCRYPTION_KEY is not set; using the development key file. Set ENCRYPTION_KEY in production.',
      );
      return existing;
    }
    throw new Error(`${file} does not hold a 32-byte base64 key; delete it or set ENCRYPTION_KEY`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  options.logger.warn(
    { file },
    'ENCRYPTION_KEY is not set; generated a development key file. Losing it makes stored tokens unreadable; set ENCRYPTION_KEY in production.',
  );
  return key;
}
