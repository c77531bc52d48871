import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './test/support/slow-first-sequencer.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/network-fence.ts'],
    // Each file gets its own database cloned from a migrated template; files run in parallel.
    pool: 'forks',
    // Many files mostly wait (child processes, PostgreSQL restarts, timeouts of a hostile fake):
    // more workers than CPUs overlap the waiting. Measured on the idle 2-CPU machine, 784 tests:
    // 82 s with 3, 81–91 s with 4; 173 s with 2 under load (115 s with 4 under the same load).
    maxWorkers: 3,
    // Modules load once per worker instead of once per file (the suite spent half its time
    // importing); each file still gets its own database, so files stay independent.
    isolate: false,
    sequence: { sequencer: SlowFirstSequencer },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
