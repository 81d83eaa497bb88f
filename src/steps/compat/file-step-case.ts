import { compatIt, expectConfigCheck } from './row-case.js';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import type { StepDefinition } from '../../engine/step.js';

/**
 * One case of a Kargo file-step test table (file_writer_test.go, file_copier_test.go,
 * file_deleter_test.go), as data. Paths are relative to the promotion's working directory;
 * `outside` files sit in its parent directory, where an escaping path would reach.
 */
export interface FileStepCase {
  /** `<file>_test.go Test<Name> <case name>` */
  upstream: string;
  config: unknown;
  /** Only check the config against the step's schema (Kargo's convert tables). */
  validateOnly?: boolean;
  /** Files before the run (created 0600, as upstream does). */
  files?: Record<string, string>;
  dirs?: string[];
  /** Symbolic links before the run: path → link text (relative to the working dir's parent with `outside:`). */
  links?: Record<string, string>;
  outside?: Record<string, string>;
  /** Files after the run; null means absent (not even a dangling link). */
  expectFiles?: Record<string, string | null>;
  /** Directories after the run; false means absent. */
  expectDirs?: Record<string, boolean>;
  /** Outside files that must survive. */
  expectOutside?: Record<string, string>;
  /** Permission bits after the run. */
  expectModes?: Record<string, number>;
  /** The run fails; the message contains this text ('' for any message). */
  error?: string;
  /** Whether the failure is terminal (Kargo's TerminalError) or retried (Errored). */
  terminal?: boolean;
  /** Not translatable: why. */
  skip?: string;
  /** Gantry deliberately differs (and docs/compatibility.md says so): how the case is checked instead. */
  differs?: string;
}

/** Registers one vitest case per table row. */
export function runFileStepCases(step: StepDefinition, cases: readonly FileStepCase[]): void {
  for (const c of cases) {
    compatIt(c, async () => {
      if (c.validateOnly) {
        expectConfigCheck(step, c.config, c.error);
        return;
      }
      const harness = createStepHarness();
      try {
        const root = harness.workDir.root;
        const parent = dirname(root);
        const at = (p: string) => join(root, p);
        for (const [p, text] of Object.entries(c.outside ?? {})) {
          mkdirSync(dirname(join(parent, p)), { recursive: true });
          writeFileSync(join(parent, p), text, { mode: 0o600 });
        }
        for (const d of c.dirs ?? []) mkdirSync(at(d), { recursive: true, mode: 0o700 });
        for (const [p, text] of Object.entries(c.files ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true, mode: 0o700 });
          writeFileSync(at(p), text, { mode: 0o600 });
        }
        for (const [p, target] of Object.entries(c.links ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true });
          symlinkSync(
            target.startsWith('outside:') ? join(parent, target.slice(8)) : target,
            at(p),
          );
        }
        if (c.error !== undefined) {
          const err = await stepError(harness.run(step, c.config));
          expect(err.message).toContain(c.error);
          if (c.terminal !== undefined) expect(err.terminal).toBe(c.terminal);
        } else {
          const outcome = await harness.run(step, c.config);
          expect(outcome.status).toBe('Succeeded');
        }
        for (const [p, text] of Object.entries(c.expectFiles ?? {})) {
          if (text === null) expect(entryExists(at(p)), `${p} is absent`).toBe(false);
          else expect(readFileSync(at(p), 'utf8'), p).toBe(text);
        }
        for (const [p, present] of Object.entries(c.expectDirs ?? {})) {
          const isDir = existsSync(at(p)) && statSync(at(p)).isDirectory();
          expect(isDir, `${p} is ${present ? '' : 'not '}a directory`).toBe(present);
        }
        for (const [p, text] of Object.entries(c.expectOutside ?? {}))
          expect(readFileSync(join(parent, p), 'utf8'), p).toBe(text);
        for (const [p, mode] of Object.entries(c.expectModes ?? {}))
          expect(statSync(at(p)).mode & 0o7777, p).toBe(mode);
      } finally {
        harness.cleanup();
      }
    });
  }
}

function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
