import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * `npm run bench [name…]`: runs every `bench/*.bench.ts` (or those whose name contains one of the
 * arguments), each in its own Node process on this same runtime, one after another so they do not
 * disturb each other's timings. Each benchmark prints its figures and updates BENCHMARKS.md.
 */
const here = import.meta.dirname;
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
  .sort();

if (files.length === 0) {
  process.stderr.write(`no benchmark matches ${filters.join(', ') || '(any)'} in ${here}\n`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const result = spawnSync(process.execPath, [path.join(here, file)], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    process.stderr.write(`== ${file} failed (exit ${result.status ?? result.signal})\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
