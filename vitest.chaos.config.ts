import { defineConfig } from 'vitest/config';

/**
 * The fault-injection suite (`npm run test:chaos`, test/chaos): real replicas on a real
 * PostgreSQL, killed, paused and cut off. Longer than the main suite's files, so CI runs it
 * after the README's test command (.ci/run); one file at a time, since each starts its own
 * replicas and kills them.
 */
export default defineConfig({
  test: {
    include: ['test/chaos/**/*.chaos.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/isolated-env.ts'],
    testTimeout: 900_000,
    hookTimeout: 300_000,
    maxWorkers: 1,
  },
});
