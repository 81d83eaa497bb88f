import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStepHarness, type StepHarness } from '../../../test/step-harness.js';
import { parseStepConfig } from '../../engine/step-config.js';
import { kustomizeSetImageStep } from '../kustomize-set-image.js';
import { kustomizeSetImageCases } from './kustomize-set-image.cases.js';

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

describe('kustomize-set-image as Kargo (kustomize_image_setter_test.go)', () => {
  let harness: StepHarness | undefined;
  afterEach(() => harness?.cleanup());

  for (const c of kustomizeSetImageCases) {
    const title = c.differs ? `${c.upstream} (differs: ${c.differs})` : c.upstream;
    if (c.skip) {
      it(`${title} — not run here: ${c.skip}`, () => expect(c.skip!.length).toBeGreaterThan(10));
      continue;
    }
    if (c.valid !== undefined) {
      it(title, () => {
        const parse = () => parseStepConfig(kustomizeSetImageStep, c.config);
        if (c.valid === true) expect(parse).not.toThrow();
        else expect(parse).toThrow(c.valid);
      });
      continue;
    }
    it(title, async () => {
      harness = createStepHarness({ freight: c.freight ?? [] });
      const root = harness.workDir.root;
      for (const [path, content] of Object.entries(c.files ?? {})) {
        mkdirSync(dirname(join(root, path)), { recursive: true });
        writeFileSync(join(root, path), content);
      }
      const run = harness.run(kustomizeSetImageStep, c.config);
      if (c.error) await expect(run).rejects.toThrow(c.error);
      else {
        const outcome = await run;
        expect(outcome.status).toBe('Succeeded');
        if (c.wantOutput !== undefined) expect(outcome.output ?? null).toEqual(c.wantOutput);
      }
      if (c.wantFiles) {
        expect(listFiles(root).sort()).toEqual(Object.keys(c.wantFiles).sort());
        for (const [path, content] of Object.entries(c.wantFiles))
          expect(readFileSync(join(root, path), 'utf8'), path).toBe(content);
      }
      for (const [path, parts] of Object.entries(c.wantContains ?? {}))
        for (const part of parts) expect(readFileSync(join(root, path), 'utf8')).toContain(part);
    });
  }
});
