import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { expect, it } from 'vitest';
import { memoryChartSource } from '../../../test/memory-chart-source.js';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import { parseStepConfig } from '../../engine/step-config.js';
import { helmUpdateChartStep } from '../helm-update-chart.js';

/**
 * One case of Kargo's helm-update-chart tables (helm_chart_updater_test.go and the
 * pkg/helm dependency manager tests it rests on), as data. Repositories are served by
 * test/memory-chart-source.ts: URL → chart → versions.
 */
export interface HelmChartCase {
  /** `<file>_test.go Test<Name> <case name>` */
  upstream: string;
  config: unknown;
  /** Only check the config against the step's schema (Kargo's convert table). */
  validateOnly?: boolean;
  repositories?: Record<string, Record<string, string[]>>;
  /** Files before the run, relative to the working directory. */
  files?: Record<string, string>;
  /** Symbolic links before the run: path → target (as written in the link). */
  links?: Record<string, string>;
  /** Files made beside the working directory (`../<path>` from it), outside it. */
  outside?: Record<string, string>;
  expectFiles?: Record<string, string>;
  expectContains?: Record<string, string[]>;
  expectMissing?: Record<string, string[]>;
  /** Exactly these file names in this directory after the run. */
  expectListing?: Record<string, string[]>;
  /** The `commitMessage` output; null when the step has no output. */
  commitMessage?: string | null;
  /** Lines the commit message holds, in any order (Kargo's come from a Go map). */
  commitLines?: string[];
  error?: string | string[];
  skip?: string;
}

export function runHelmChartCases(cases: readonly HelmChartCase[]): void {
  for (const c of cases) {
    if (c.skip) {
      it(`${c.upstream} — not run here: ${c.skip}`, () =>
        expect(c.skip!.length).toBeGreaterThan(10));
      continue;
    }
    const errors = c.error === undefined ? [] : Array.isArray(c.error) ? c.error : [c.error];
    it(c.upstream, async () => {
      if (c.validateOnly) {
        let message = '';
        try {
          parseStepConfig(helmUpdateChartStep, c.config);
        } catch (err) {
          message = (err as Error).message;
        }
        if (c.error === undefined) expect(message).toBe('');
        else {
          expect(message, 'the config is refused').not.toBe('');
          for (const text of errors) expect(message).toContain(text);
        }
        return;
      }
      const harness = createStepHarness({ charts: memoryChartSource(c.repositories ?? {}) });
      try {
        const at = (p: string) => join(harness.workDir.root, p);
        for (const [p, text] of Object.entries(c.files ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true, mode: 0o700 });
          writeFileSync(at(p), text, { mode: 0o600 });
        }
        for (const [p, text] of Object.entries(c.outside ?? {})) {
          mkdirSync(dirname(at(`../${p}`)), { recursive: true, mode: 0o700 });
          writeFileSync(at(`../${p}`), text, { mode: 0o600 });
        }
        for (const [p, target] of Object.entries(c.links ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true, mode: 0o700 });
          symlinkSync(target, at(p));
        }
        if (c.error !== undefined) {
          const err = await stepError(harness.run(helmUpdateChartStep, c.config));
          for (const text of errors) expect(err.message).toContain(text);
        } else {
          const outcome = await harness.run(helmUpdateChartStep, c.config);
          expect(outcome.status).toBe('Succeeded');
          const message = outcome.output?.['commitMessage'];
          if (c.commitMessage === null) expect(outcome.output).toBeUndefined();
          else if (c.commitMessage !== undefined) expect(message).toBe(c.commitMessage);
          if (c.commitLines) {
            const lines = String(message).split('\n');
            expect(lines.slice(2).sort()).toEqual([...c.commitLines].sort());
          }
        }
        for (const [p, text] of Object.entries(c.expectFiles ?? {}))
          expect(readFileSync(at(p), 'utf8'), p).toBe(text);
        for (const [p, texts] of Object.entries(c.expectContains ?? {}))
          for (const text of texts) expect(readFileSync(at(p), 'utf8'), p).toContain(text);
        for (const [p, texts] of Object.entries(c.expectMissing ?? {}))
          for (const text of texts) expect(readFileSync(at(p), 'utf8'), p).not.toContain(text);
        for (const [p, names] of Object.entries(c.expectListing ?? {}))
          expect(existsSync(at(p)) ? readdirSync(at(p)).sort() : [], p).toEqual([...names].sort());
      } finally {
        harness.cleanup();
      }
    });
  }
}
