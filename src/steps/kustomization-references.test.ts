import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import { kustomizeBuildStep } from './kustomize-build.js';

const CONFIG_MAP = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {a: b}\n`;

/**
 * kustomize keeps a kustomization's *files* under its root but lets a base *directory* be
 * anywhere: Gantry checks every local path a kustomization names before kustomize runs.
 * `outside/base` is a kustomization next to the working directory (another project's tree).
 */
describe('kustomize-build and paths a kustomization names', () => {
  let harness: StepHarness;
  let outside: string;
  const write = (path: string, text: string) => {
    const file = join(harness.workDir.root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  };

  beforeEach(() => {
    harness = createStepHarness();
    outside = mkdtempSync(join(tmpdir(), 'gantry-kustomize-outside-'));
    mkdirSync(join(outside, 'base'));
    writeFileSync(join(outside, 'base', 'kustomization.yaml'), 'resources: [cm.yaml]\n');
    writeFileSync(join(outside, 'base', 'cm.yaml'), CONFIG_MAP('other-projects-secret'));
  });
  afterEach(() => {
    harness.cleanup();
    rmSync(outside, { recursive: true, force: true });
  });

  it.each<[string, () => void, RegExp]>([
    [
      'a base directory up and out',
      () =>
        write(
          'app/kustomization.yaml',
          `resources: [${join('..', '..', '..', outside, 'base')}]\n`,
        ),
      /app\/kustomization\.yaml: resources\[0\]: .* leaves the promotion's working directory/,
    ],
    [
      'an absolute base',
      () => write('app/kustomization.yaml', `resources: [${join(outside, 'base')}]\n`),
      /app\/kustomization\.yaml: resources\[0\]: .* is absolute/,
    ],
    [
      'a link to a directory outside',
      () => {
        write('app/kustomization.yaml', 'components: [linked]\n');
        symlinkSync(join(outside, 'base'), join(harness.workDir.root, 'app', 'linked'));
      },
      /components\[0\]: .* through a symbolic link/,
    ],
    [
      'an inside base that reaches out in turn',
      () => {
        write('app/kustomization.yaml', 'resources: [../base]\n');
        write('base/kustomization.yaml', `bases: [${join('..', '..', '..', outside, 'base')}]\n`);
      },
      /base\/kustomization\.yaml: bases\[0\]: .* leaves/,
    ],
    [
      'a generator file outside',
      () =>
        write(
          'app/kustomization.yaml',
          `configMapGenerator:\n- name: x\n  files: [key=${join('..', '..', '..', outside, 'base', 'cm.yaml')}]\n`,
        ),
      /configMapGenerator\[0\]\.files\[0\]: .* leaves/,
    ],
    [
      'a patch outside',
      () =>
        write(
          'app/kustomization.yaml',
          `patches:\n- path: ${join('..', '..', '..', outside, 'base', 'cm.yaml')}\n`,
        ),
      /patches\[0\]\.path: .* leaves/,
    ],
  ])('refuses %s, before kustomize runs', async (_, setup, message) => {
    setup();
    const err = await stepError(
      harness.run(kustomizeBuildStep, { path: 'app', outPath: 'out.yaml' }),
    );
    expect(err.terminal).toBe(true);
    expect(err.message).toMatch(message);
  });

  it('renders bases, components and generator files inside the working directory', async () => {
    write(
      'app/kustomization.yaml',
      'resources: [../base, cm.yaml]\nconfigMapGenerator:\n- name: gen\n  files: [data=data.txt]\n',
    );
    write('app/cm.yaml', CONFIG_MAP('app'));
    write('app/data.txt', 'hello');
    write('base/kustomization.yaml', 'resources: [cm.yaml]\n');
    write('base/cm.yaml', CONFIG_MAP('base'));
    await harness.run(kustomizeBuildStep, { path: 'app', outPath: 'out.yaml' });
    const rendered = readFileSync(join(harness.workDir.root, 'out.yaml'), 'utf8');
    expect(rendered).toContain('name: base');
    expect(rendered).toContain('name: app');
    expect(rendered).toMatch(/name: gen-\w+/);
  });
});
