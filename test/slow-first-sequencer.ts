import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Runs the slowest test files first, so that on a clean clone (where vitest has no record of
 * earlier runs and would start the largest files first) the long ones do not start last and
 * leave the other workers idle at the end. Durations come from test/file-durations.json
 * (scripts/record-test-durations.ts refreshes it); a file not listed counts as a middling one.
 * Only the order changes: every file still runs.
 */
const DURATIONS = join(import.meta.dirname, 'file-durations.json');
const UNKNOWN_MS = 5_000;

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const known = existsSync(DURATIONS)
      ? (JSON.parse(readFileSync(DURATIONS, 'utf8')) as Record<string, number>)
      : {};
    const root = this.ctx.config.root;
    const duration = (file: TestSpecification) =>
      known[relative(root, file.moduleId)] ?? UNKNOWN_MS;
    const base = await super.sort(files);
    // A stable sort: files of equal duration keep vitest's own order.
    return base
      .map((file, index) => ({ file, index, ms: duration(file) }))
      .sort((a, b) => b.ms - a.ms || a.index - b.index)
      .map(({ file }) => file);
  }
}
