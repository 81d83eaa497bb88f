import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'ui/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // No GANTRY_* setting of the user's reaches a test (test/isolated-env.ts).
    setupFiles: ['test/isolated-env.ts'],
    // Timeouts detect a hung test; they are not how tests wait. Generous, so that a machine
    // whose cores are all busy (another build, a CPU burner) slows the suite but never fails it.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
