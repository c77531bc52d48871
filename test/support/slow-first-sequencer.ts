import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that mostly wait (child processes, fresh PostgreSQL clusters, deadlines of a hostile fake)
 * start first. vitest orders by the durations it cached on the last run, and by file size when it
 * has none — so on a fresh clone (CI) these short files started last and stretched the run.
 */
const SLOW_FIRST = [
  'test/foundation/process.test.ts',
  'test/reliability/process-faults.test.ts',
  'test/sync/bounded-sync.drill.test.ts',
  'test/e2e/outside-in.test.ts',
  'test/foundation/newcomer.test.ts',
  'test/reliability/database-restart.drill.test.ts',
  'test/reliability/startup-failures.test.ts',
];

export default class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = SLOW_FIRST.findIndex((name) => spec.moduleId.endsWith(name));
      return index === -1 ? SLOW_FIRST.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
