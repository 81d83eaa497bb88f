import { compatIt } from './row-case.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import type { StepDefinition, StepStatus } from '../../engine/step.js';
import { parseStepConfig } from '../../engine/step-config.js';

/**
 * One case of a Kargo test table for a step that reads files at most and answers with a status,
 * outputs or metadata writes (yaml_parser_test.go, json_parser_test.go, failer_test.go,
 * metadata_setter_test.go, output_composer.go), as data. Paths are relative to the promotion's
 * working directory.
 */
export interface SimpleStepCase {
  /** `<file>_test.go Test<Name> <case name>` */
  upstream: string;
  config: unknown;
  /** Only check the config against the step's schema (Kargo's convert tables). */
  validateOnly?: boolean;
  /** Files before the run. */
  files?: Record<string, string>;
  dirs?: string[];
  /** The status the step answers with (default Succeeded, unless `error`). */
  status?: StepStatus;
  /** The outputs, compared as JSON values. */
  output?: Record<string, unknown>;
  /** The step's message (a Failed step's reason). */
  message?: string;
  /** The set-metadata writes the step asks for, in order. */
  metadataWrites?: Array<{ kind: string; name: string; values: Record<string, unknown> }>;
  /** The run (or the config check) fails; the message contains each of these texts. */
  error?: string | string[];
  /** Whether the failure is terminal (Kargo's TerminalError) or retried (Errored). */
  terminal?: boolean;
  /** Not translatable: why. */
  skip?: string;
  /** Gantry deliberately differs (and docs/compatibility.md says so): how the case is checked instead. */
  differs?: string;
}

/** Registers one vitest case per table row. */
export function runSimpleStepCases(step: StepDefinition, cases: readonly SimpleStepCase[]): void {
  for (const c of cases) {
    const errors = c.error === undefined ? [] : [c.error].flat();
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
        for (const d of c.dirs ?? []) mkdirSync(at(d), { recursive: true });
        for (const [p, text] of Object.entries(c.files ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true });
          writeFileSync(at(p), text);
        }
        if (c.error !== undefined) {
          const err = await stepError(harness.run(step, c.config));
          for (const text of errors) expect(err.message).toContain(text);
          if (c.terminal !== undefined) expect(err.terminal).toBe(c.terminal);
          return;
        }
        const outcome = await harness.run(step, c.config);
        expect(outcome.status).toBe(c.status ?? 'Succeeded');
        if (c.output !== undefined)
          expect(JSON.parse(JSON.stringify(outcome.output ?? {}))).toEqual(c.output);
        if (c.message !== undefined) expect(outcome.message).toBe(c.message);
        if (c.metadataWrites !== undefined)
          expect(harness.metadataWrites).toEqual(c.metadataWrites);
      } finally {
        harness.cleanup();
      }
    });
  }
}
