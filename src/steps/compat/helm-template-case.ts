import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { memoryChartSource } from '../../../test/memory-chart-source.js';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import { helmTemplateStep, resourceFileName } from '../helm-template.js';
import { compatIt, expectConfigCheck, type CompatRow } from './row-case.js';

/**
 * One row of Kargo's helm-template tables (helm_template_runner_test.go), as data, run against
 * the real `helm` (Helm 3, scripts/install-helm.sh). Paths are relative to the promotion's
 * working directory; `outside` files sit in its parent, where an escaping path would reach.
 */
export interface HelmTemplateCase extends CompatRow {
  config: unknown;
  /** Only check the config against the step's schema (Kargo's convert table). */
  validateOnly?: boolean;
  /** The project the Stage belongs to (Kargo's default namespace). */
  project?: string;
  files?: Record<string, string>;
  /** Files made by code (a packaged chart). */
  binaryFiles?: Record<string, () => Buffer>;
  /** Symbolic links before the run: path → link text (`outside:` for the parent directory). */
  links?: Record<string, string>;
  outside?: Record<string, string>;
  /** Chart repositories for buildDependencies: URL → chart name → versions. */
  repositories?: Record<string, Record<string, string[]>>;
  /** The run fails (or the config is refused); the message contains this text. */
  error?: string;
  terminal?: boolean;
  /** Files after the run (exact text); null means absent. */
  expectFiles?: Record<string, string | null>;
  expectContains?: Record<string, string[]>;
  expectMissing?: Record<string, string[]>;
  /** Directory → the names it holds. */
  expectListing?: Record<string, string[]>;
  expectOutside?: Record<string, string>;
}

/** A row of Kargo's generateResourceFilename / extractObjectMetadata tables. */
export interface ResourceFileNameCase extends CompatRow {
  resource: string;
  /** '' when Kargo finds no kind or name (the writer then uses resource-0.yaml). */
  fileName: string;
}

export function runHelmTemplateCases(cases: readonly HelmTemplateCase[]): void {
  for (const c of cases) {
    compatIt(c, async () => {
      if (c.validateOnly) {
        expectConfigCheck(helmTemplateStep, c.config, c.error);
        return;
      }
      const harness = createStepHarness({ charts: memoryChartSource(c.repositories ?? {}) });
      try {
        const root = harness.workDir.root;
        const parent = dirname(root);
        const at = (p: string) => join(root, p);
        const put = (path: string, content: string | Buffer) => {
          mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
          writeFileSync(path, content, { mode: 0o600 });
        };
        for (const [p, text] of Object.entries(c.outside ?? {})) put(join(parent, p), text);
        for (const [p, text] of Object.entries(c.files ?? {})) put(at(p), text);
        for (const [p, make] of Object.entries(c.binaryFiles ?? {})) put(at(p), make());
        for (const [p, target] of Object.entries(c.links ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true });
          symlinkSync(
            target.startsWith('outside:') ? join(parent, target.slice(8)) : target,
            at(p),
          );
        }
        const overrides = c.project === undefined ? {} : { project: c.project };
        if (c.error !== undefined) {
          const err = await stepError(harness.run(helmTemplateStep, c.config, overrides));
          expect(err.message).toContain(c.error);
          if (c.terminal !== undefined) expect(err.terminal).toBe(c.terminal);
        } else {
          const outcome = await harness.run(helmTemplateStep, c.config, overrides);
          expect(outcome.status).toBe('Succeeded');
        }
        for (const [p, text] of Object.entries(c.expectFiles ?? {})) {
          if (text === null) expect(existsSync(at(p)), `${p} is absent`).toBe(false);
          else expect(readFileSync(at(p), 'utf8'), p).toBe(text);
        }
        for (const [p, texts] of Object.entries(c.expectContains ?? {}))
          for (const text of texts) expect(readFileSync(at(p), 'utf8'), p).toContain(text);
        for (const [p, texts] of Object.entries(c.expectMissing ?? {}))
          for (const text of texts) expect(readFileSync(at(p), 'utf8'), p).not.toContain(text);
        for (const [p, names] of Object.entries(c.expectListing ?? {}))
          expect(existsSync(at(p)) ? readdirSync(at(p)).sort() : [], p).toEqual([...names].sort());
        for (const [p, text] of Object.entries(c.expectOutside ?? {}))
          expect(readFileSync(join(parent, p), 'utf8'), p).toBe(text);
      } finally {
        harness.cleanup();
      }
    });
  }
}

export function runResourceFileNameCases(cases: readonly ResourceFileNameCase[]): void {
  for (const c of cases) compatIt(c, () => expect(resourceFileName(c.resource)).toBe(c.fileName));
}
