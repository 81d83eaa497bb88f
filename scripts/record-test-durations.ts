import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Writes test/file-durations.json (each test file's duration in ms, rounded) from a vitest
 * JSON report: `npx vitest run --reporter=json --outputFile=/tmp/vitest.json` then
 * `node --import tsx scripts/record-test-durations.ts /tmp/vitest.json`. The suite's
 * sequencer (test/slow-first-sequencer.ts) starts the slowest files first.
 */
const report = process.argv[2];
if (!report) {
  console.error('usage: record-test-durations.ts <vitest JSON report>');
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const parsed = JSON.parse(readFileSync(report, 'utf8')) as {
  testResults: Array<{ name: string; startTime: number; endTime: number }>;
};
const durations = Object.fromEntries(
  parsed.testResults
    .map((file) => [relative(root, file.name), Math.round(file.endTime - file.startTime)] as const)
    .sort((a, b) => b[1] - a[1]),
);
writeFileSync(join(root, 'test', 'file-durations.json'), `${JSON.stringify(durations, null, 2)}\n`);
console.log(`recorded ${Object.keys(durations).length} files`);
