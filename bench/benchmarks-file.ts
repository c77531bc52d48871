import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const FILE = path.resolve(import.meta.dirname, '..', 'BENCHMARKS.md');

/**
 * Replaces the section `## <title>` of BENCHMARKS.md with `section` (which starts with that
 * heading), or appends it: each benchmark owns its section, the others are left as they are.
 */
export async function writeBenchmarkSection(title: string, section: string): Promise<void> {
  const text = await readFile(FILE, 'utf8').catch(
    () =>
      '# Benchmarks\n\nFigures written by `npm run bench`; each section is replaced when its benchmark runs again.\n',
  );
  const start = text.search(new RegExp(`^## ${title}$`, 'm'));
  let updated: string;
  if (start >= 0) {
    const rest = text.slice(start + 1);
    const next = rest.search(/^## /m);
    updated = text.slice(0, start) + section.trimEnd() + (next >= 0 ? `\n\n${rest.slice(next)}` : '');
  } else {
    updated = `${text.trimEnd()}\n\n${section}`;
  }
  await writeFile(FILE, `${updated.trimEnd()}\n`);
}
