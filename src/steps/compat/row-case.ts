import { expect, it } from 'vitest';
import type { StepDefinition } from '../../engine/step.js';
import { parseStepConfig } from '../../engine/step-config.js';

/** What every compat table row has: where it comes from, and why it differs or is not run. */
export interface CompatRow {
  /** `<file>_test.go Test<Name> <case name>` */
  upstream: string;
  /** Gantry deliberately differs (docs/compatibility.md says so): how the case is checked instead. */
  differs?: string | undefined;
  /** Not translatable: why. */
  skip?: string | undefined;
}

/**
 * Registers one table row as a vitest case: a row not run here is a test of its reason (never a
 * skipped test); a row where Gantry differs says so in its title.
 */
export function compatIt(row: CompatRow, run: () => Promise<void> | void): void {
  const title = row.differs ? `${row.upstream} (differs: ${row.differs})` : row.upstream;
  const reason = row.skip;
  if (reason)
    it(`${title} — not run here: ${reason}`, () => expect(reason.length).toBeGreaterThan(10));
  else it(title, run);
}

/** Kargo's convert tables: the config passes the step's schema, or fails naming `error`. */
export function expectConfigCheck(step: StepDefinition, config: unknown, error?: string): void {
  if (error === undefined) expect(() => parseStepConfig(step, config)).not.toThrow();
  else expect(() => parseStepConfig(step, config)).toThrow(error);
}
