import { compatIt } from './row-case.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import type { StepDefinition } from '../../engine/step.js';
import { parseStepConfig } from '../../engine/step-config.js';

/**
 * One case of Kargo's yaml-update / json-update test tables (yaml_updater_test.go,
 * json_updater_test.go, and the pkg/yaml and pkg/sjson tables their edits rest on), as data.
 * Paths are relative to the promotion's working directory.
 */
export interface ValueUpdateCase {
  /** `<file>_test.go Test<Name> <case name>` */
  upstream: string;
  config: unknown;
  /** Only check the config against the step's schema (Kargo's convert tables). */
  validateOnly?: boolean;
  /** Files before the run. */
  files?: Record<string, string>;
  /** Files after the run, byte for byte. */
  expectFiles?: Record<string, string>;
  /** Texts each file must contain after the run. */
  expectContains?: Record<string, string[]>;
  /** Files after the run, compared as JSON values (testify's JSONEq). */
  expectJson?: Record<string, unknown>;
  /** The `commitMessage` output. */
  commitMessage?: string;
  /** The run (or config check) fails; the message contains each of these texts. */
  error?: string | string[];
  /** Not translatable: why. */
  skip?: string;
  /** Gantry deliberately differs (docs/compatibility.md says so): how the case is checked instead. */
  differs?: string;
}

/** Registers one vitest case per table row. */
export function runValueUpdateCases(step: StepDefinition, cases: readonly ValueUpdateCase[]): void {
  for (const c of cases) {
    const errors = c.error === undefined ? [] : Array.isArray(c.error) ? c.error : [c.error];
    compatIt(c, async () => {
      if (c.validateOnly) {
        if (c.error === undefined) expect(() => parseStepConfig(step, c.config)).not.toThrow();
        else {
          let message = '';
          try {
            parseStepConfig(step, c.config);
          } catch (err) {
            message = (err as Error).message;
          }
          expect(message, 'the config is refused').not.toBe('');
          for (const text of errors) expect(message).toContain(text);
        }
        return;
      }
      const harness = createStepHarness();
      try {
        const at = (p: string) => join(harness.workDir.root, p);
        for (const [p, text] of Object.entries(c.files ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true, mode: 0o700 });
          writeFileSync(at(p), text, { mode: 0o600 });
        }
        if (c.error !== undefined) {
          const err = await stepError(harness.run(step, c.config));
          for (const text of errors) expect(err.message).toContain(text);
          // Nothing is written when an update fails.
          for (const [p, text] of Object.entries(c.files ?? {}))
            expect(readFileSync(at(p), 'utf8'), `${p} unchanged`).toBe(text);
        } else {
          const outcome = await harness.run(step, c.config);
          expect(outcome.status).toBe('Succeeded');
          if (c.commitMessage !== undefined)
            expect(outcome.output?.['commitMessage']).toBe(c.commitMessage);
        }
        for (const [p, text] of Object.entries(c.expectFiles ?? {}))
          expect(readFileSync(at(p), 'utf8'), p).toBe(text);
        for (const [p, texts] of Object.entries(c.expectContains ?? {}))
          for (const text of texts) expect(readFileSync(at(p), 'utf8'), p).toContain(text);
        for (const [p, value] of Object.entries(c.expectJson ?? {}))
          expect(JSON.parse(readFileSync(at(p), 'utf8')), p).toEqual(value);
      } finally {
        harness.cleanup();
      }
    });
  }
}
