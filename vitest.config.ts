import { defineConfig } from 'vitest/config';
import { SlowFirstSequencer } from './test/slow-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'ui/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // No GANTRY_* setting of the user's reaches a test (test/isolated-env.ts).
    setupFiles: ['test/isolated-env.ts'],
    // Timeouts detect a hung test; they are not how tests wait. Generous, so that a machine
    // whose cores are all busy (another build, a CPU burner) slows the suite but never fails it.
    testTimeout: 60_000,
    // Three files at once on a 2-core machine (vitest would run one): files spend much of their
    // time waiting on a server, a git push or a browser, and a third keeps the cores busy
    // meanwhile. Nothing here depends on having a core to itself (scripts/test-under-load.sh
    // runs the suite with every core busy).
    maxWorkers: 3,
    // Files share a worker's modules instead of importing everything again for each file
    // (importing was 110 of the suite's 380 s). Safe because nothing here keeps module-level
    // state (docs/testing.md); each file still gets its own setup (isolated-env.ts).
    isolate: false,
    hookTimeout: 120_000,
    // The slowest files first (test/file-durations.json), so none of them starts last.
    sequence: { sequencer: SlowFirstSequencer },
  },
});
