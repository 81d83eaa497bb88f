import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStepHarness, type StepHarness } from '../../test/step-harness.js';
import { StepError } from '../engine/step-error.js';
import { composeOutputStep } from './compose-output.js';
import { failStep } from './fail.js';
import { BUILTIN_STEPS } from './index.js';
import { yamlParseStep } from './yaml-parse.js';
import { yamlUpdateStep } from './yaml-update.js';

describe('built-in steps', () => {
  it('lists every step module exactly once, with a unique kind', () => {
    const dir = new URL('.', import.meta.url).pathname;
    const modules = readdirSync(dir).filter(
      (file) =>
        file.endsWith('.ts') &&
        !file.endsWith('.test.ts') &&
        readFileSync(join(dir, file), 'utf8').includes('defineStep({'),
    );
    expect(BUILTIN_STEPS).toHaveLength(modules.length);
    expect(new Set(BUILTIN_STEPS.map((step) => step.kind)).size).toBe(BUILTIN_STEPS.length);
    for (const step of BUILTIN_STEPS) expect(step.description.length).toBeGreaterThan(0);
  });

  describe('file steps', () => {
    let harness: StepHarness;
    const write = (path: string, text: string) => {
      const file = join(harness.workDir.root, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    };
    beforeEach(() => {
      harness = createStepHarness();
    });
    afterEach(() => harness.cleanup());

    it('yaml-parse extracts values with expressions', async () => {
      write(
        'repo/values.yaml',
        'spec:\n  values:\n    deployment:\n      tag: "1.2.1"\n  replicas: 3\n',
      );
      const result = await harness.run(yamlParseStep, {
        path: 'repo/values.yaml',
        outputs: [
          { name: 'oldTag', fromExpression: 'spec.values.deployment.tag' },
          { name: 'double', fromExpression: 'spec.replicas * 2' },
        ],
      });
      expect(result.output).toEqual({ oldTag: '1.2.1', double: 6 });
      const missing = await harness
        .run(yamlParseStep, {
          path: 'repo/values.yaml',
          outputs: [{ name: 'x', fromExpression: 'spec.nope.deeper' }],
        })
        .catch((e: unknown) => e);
      expect((missing as StepError).message).toBe(
        'failed to extract outputs: error evaluating expression "spec.nope.deeper" (outputs[0].fromExpression): column 11: cannot fetch deeper from <nil>',
      );
      const absent = await harness
        .run(yamlParseStep, {
          path: 'repo/none.yaml',
          outputs: [{ name: 'x', fromExpression: 'a' }],
        })
        .catch((e: unknown) => e);
      expect((absent as StepError).message).toBe(
        'error reading YAML file "repo/none.yaml": no such file or directory',
      );
    });

    it('yaml-update reports what it changed', async () => {
      write('v.yaml', 'a:\n  b: 1 # note\n');
      const result = await harness.run(yamlUpdateStep, {
        path: 'v.yaml',
        updates: [{ key: 'a.b', value: 2 }],
      });
      expect(readFileSync(join(harness.workDir.root, 'v.yaml'), 'utf8')).toBe(
        'a:\n  b: 2 # note\n',
      );
      expect(result.output).toEqual({ commitMessage: 'Updated v.yaml\n\n- a.b: 2' });
      const bad = await harness
        .run(yamlUpdateStep, { path: 'v.yaml', updates: [{ key: 'a..b', value: 2 }] })
        .catch((e: unknown) => e);
      expect((bad as StepError).message).toContain('empty key part in key "a..b"');
    });

    it('compose-output and fail', async () => {
      expect((await harness.run(composeOutputStep, { a: 1, b: 'x' })).output).toEqual({
        a: 1,
        b: 'x',
      });
      expect(await harness.run(failStep, { message: 'not today' })).toMatchObject({
        status: 'Failed',
        message: 'failed: not today',
      });
    });
  });
});
