import { expect, it } from 'vitest';
import type { StepDefinition } from '../../engine/step.js';
import { parseStepConfig } from '../../engine/step-config.js';

/** One config-validation case of a Kargo git step table, as data. */
export interface GitConfigCase {
  /** `<file>_test.go <Test> <case name>` */
  upstream: string;
  config: Record<string, unknown>;
  /** A substring of the error; absent when Kargo accepts the config. */
  error?: string;
  /** Why the case cannot be translated. */
  skip?: string;
  /** Gantry deliberately differs (docs/compatibility.md says so); the case checks Gantry's way. */
  differs?: string;
}

/** Each case through the step's real config validation (what a Promotion runs it with). */
export function runGitConfigCases(step: StepDefinition, cases: GitConfigCase[]): void {
  for (const c of cases) {
    const title = c.differs ? `${c.upstream} (differs: ${c.differs})` : c.upstream;
    if (c.skip) {
      it(`${title} — not run here: ${c.skip}`, () => expect(c.skip!.length).toBeGreaterThan(10));
      continue;
    }
    it(title, () => {
      if (c.error === undefined) expect(() => parseStepConfig(step, c.config)).not.toThrow();
      else expect(() => parseStepConfig(step, c.config)).toThrow(c.error);
    });
  }
}
