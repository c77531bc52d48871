import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Arrows only go down: slack and jobs → modules → gitlab/db/lib, config below everything, and only
 * the composition root (`src/compose.ts`, `src/main.ts`) may import every room. The rooms are the
 * ones in ARCHITECTURE.md; this test reads the import statements of every source file and fails when
 * a new one points up. Type-only imports count too: they tie a lower room to a higher one's shapes.
 */
const SRC = path.resolve(import.meta.dirname, '../../src');

/** Which rooms each room may import (besides itself). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  config: [],
  lib: [],
  gitlab: ['config', 'lib'],
  // The schema's migrations live beside src/ and only the db room runs them.
  db: ['config', 'lib', '../migrations'],
  // Configuration is parsed once by the composition root and handed down as plain values.
  modules: ['db', 'gitlab', 'lib'],
  slack: ['modules', 'lib'],
  jobs: ['modules', 'lib'],
};

/**
 * Inside `modules/`, lower modules never import higher ones: an activity belongs to a teammate and a
 * source, a sync writes activities, a digest reads them, the dashboard composes everyone.
 */
const MODULE_LAYERS = ['workspaces', 'sources', 'teammates', 'activity', 'sync', 'digest', 'dashboard'];

/**
 * Arrows that point up today, each a debt recorded in issue 13. The list must shrink, never grow:
 * a new upward import fails the test, and so does fixing one without deleting its line here.
 */
const KNOWN_UPWARD: readonly string[] = [
  // Cron wiring hands the ORM to each job's module function; the type names the db room.
  'jobs/jobs.ts -> db/orm.ts',
];

const COMPOSITION_ROOT = new Set(['compose.ts', 'main.ts', 'migrate.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Relative specifiers of every `import … from` / `export … from` / `import()` in a file. */
function importsOf(text: string): string[] {
  const found = new Set<string>();
  const pattern = /(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const match of text.matchAll(pattern)) found.add(match[1] as string);
  return [...found];
}

/** `modules/sync/x.ts` → `modules`; a folder beside src/ keeps its `../`: `../migrations`. */
function roomOf(relative: string): string {
  const [first, second] = relative.split('/');
  return first === '..' ? `../${second}` : (first ?? relative);
}

function upwardImports(): string[] {
  const upward: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const from = path.relative(SRC, file).split(path.sep).join('/');
    if (COMPOSITION_ROOT.has(from)) continue;
    const fromRoom = roomOf(from);
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const target = path
        .relative(SRC, path.resolve(path.dirname(file), specifier))
        .split(path.sep)
        .join('/');
      const toRoom = roomOf(target);
      if (toRoom === fromRoom) continue;
      const allowed = MAY_IMPORT[fromRoom];
      if (!allowed) throw new Error(`src/${from} is in a room ARCHITECTURE.md does not name: ${fromRoom}`);
      if (!allowed.includes(toRoom)) upward.push(`${from} -> ${target}`);
    }
  }
  return upward.sort();
}

/** Imports from one module to a higher one (`modules/sources/x.ts -> modules/activity/y.ts`). */
function upwardModuleImports(): string[] {
  const upward: string[] = [];
  for (const file of sourceFiles(path.join(SRC, 'modules'))) {
    const from = path.relative(SRC, file).split(path.sep).join('/');
    const fromModule = from.split('/')[1] ?? '';
    // modules/entities.ts is the list every module contributes to: it sits above them all.
    if (fromModule.endsWith('.ts')) continue;
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const target = path
        .relative(SRC, path.resolve(path.dirname(file), specifier))
        .split(path.sep)
        .join('/');
      const [room, toModule] = target.split('/');
      if (room !== 'modules' || !toModule || toModule === fromModule || toModule.endsWith('.ts')) continue;
      const [fromLayer, toLayer] = [MODULE_LAYERS.indexOf(fromModule), MODULE_LAYERS.indexOf(toModule)];
      if (fromLayer < 0 || toLayer < 0)
        throw new Error(`modules/${fromModule} or modules/${toModule} has no layer`);
      if (toLayer > fromLayer) upward.push(`${from} -> ${target}`);
    }
  }
  return upward.sort();
}

describe('import direction', () => {
  it('finds imports of every form', () => {
    const text = [
      "import { a } from '../lib/a.ts';",
      "import type { B } from './b.ts';",
      "export { c } from '../c.ts';",
      "const d = await import('./d.ts');",
      "import './side-effect.ts';",
      "import { z } from 'zod';",
    ].join('\n');
    expect(importsOf(text).sort()).toEqual([
      '../c.ts',
      '../lib/a.ts',
      './b.ts',
      './d.ts',
      './side-effect.ts',
    ]);
  });

  it('has no upward import beyond the recorded debts', () => {
    expect(upwardImports()).toEqual([...KNOWN_UPWARD].sort());
  });

  it('has no module importing a module above it', () => {
    expect(upwardModuleImports()).toEqual([]);
  });

  it('loads nothing heavy before the configuration parsed: main.ts imports only config and errors', () => {
    const main = readFileSync(path.join(SRC, 'main.ts'), 'utf8');
    const valueImports = [...main.matchAll(/^import\s+(?!type\b)[^;]*?from\s+['"]([^'"]+)['"]/gm)]
      .map((match) => match[1])
      // Node's own modules are already in memory.
      .filter((specifier) => !specifier?.startsWith('node:'));
    expect(valueImports.sort()).toEqual(['./config/config.ts', './lib/errors.ts']);
  });
});
