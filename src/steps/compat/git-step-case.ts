import { compatIt, expectConfigCheck } from './row-case.js';
import type { StepDefinition } from '../../engine/step.js';

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
    compatIt(c, () => {
      expectConfigCheck(step, c.config, c.error);
    });
  }
}
