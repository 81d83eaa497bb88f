import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryChartSource } from '../../test/memory-chart-source.js';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import { copyStep } from './copy.js';
import { deleteStep } from './delete.js';
import { fileWriteStep } from './file-write.js';
import { gitClearStep } from './git-clear.js';
import { gitTagStep } from './git-tag.js';
import { compileGlob } from '../api/glob.js';
import { helmUpdateChartStep } from './helm-update-chart.js';
import { jsonParseStep } from './json-parse.js';
import { jsonUpdateStep } from './json-update.js';
import { kustomizeBuildStep } from './kustomize-build.js';
import { kustomizeSetImageStep } from './kustomize-set-image.js';

const freight = [
  {
    name: 'f1',
    origin: { kind: 'Warehouse' as const, name: 'w' },
    images: [{ repoURL: 'ghcr.io/acme/api', tag: '1.2.2', digest: 'sha256:abc' }],
    charts: [{ repoURL: 'oci://ghcr.io/acme/charts/redis', version: '18.1.0' }],
  },
];

describe('file and manifest steps', () => {
  let harness: StepHarness;
  const path = (p: string) => join(harness.workDir.root, p);
  const write = (p: string, text: string) => {
    mkdirSync(dirname(path(p)), { recursive: true });
    writeFileSync(path(p), text);
  };
  const read = (p: string) => readFileSync(path(p), 'utf8');
  const fails = async (promise: Promise<unknown>) => (await stepError(promise)).message;

  beforeEach(() => {
    harness = createStepHarness({ freight });
  });
  afterEach(() => harness.cleanup());

  it('copy copies files and directories, never through links out of the working directory', async () => {
    write('src/a.txt', 'a');
    write('src/sub/b.txt', 'b');
    await harness.run(copyStep, { inPath: 'src', outPath: 'out/copy' });
    expect(read('out/copy/sub/b.txt')).toBe('b');
    await harness.run(copyStep, { inPath: 'src/a.txt', outPath: 'single.txt' });
    expect(read('single.txt')).toBe('a');
    expect(await fails(harness.run(copyStep, { inPath: 'nope', outPath: 'x' }))).toBe(
      'failed to copy "nope" to "x": inPath does not exist',
    );
    expect(
      await fails(harness.run(copyStep, { inPath: '../../etc/passwd', outPath: 'x' })),
    ).toContain("leaves the promotion's working directory");
  });

  it('delete removes paths, globs, and is strict on request', async () => {
    write('a/one.yaml', '1');
    write('a/two.yaml', '2');
    write('a/keep.txt', 'k');
    write('b/deep/three.yaml', '3');
    await harness.run(deleteStep, { paths: ['a/*.yaml', 'b/**/*.yaml'], pathsAreGlobs: true });
    expect(readdirSync(path('a'))).toEqual(['keep.txt']);
    expect(existsSync(path('b/deep/three.yaml'))).toBe(false);
    await harness.run(deleteStep, { path: 'a' });
    expect(existsSync(path('a'))).toBe(false);
    expect(await fails(harness.run(deleteStep, { path: 'gone', strict: true }))).toBe(
      'path: path "gone" does not exist',
    );
    expect(await fails(harness.run(deleteStep, {}))).toBe(
      'invalid config for delete: set exactly one of path or paths',
    );
  });

  it('globs match as shells do', () => {
    expect(compileGlob('*.yaml').test('a.yaml')).toBe(true);
    expect(compileGlob('*.yaml').test('d/a.yaml')).toBe(false);
    expect(compileGlob('**/*.yaml').test('d/e/a.yaml')).toBe(true);
    expect(compileGlob('a?c').test('abc')).toBe(true);
    expect(compileGlob('[ab].txt').test('b.txt')).toBe(true);
  });

  it('file-write writes contents with permissions, and respects overwrite', async () => {
    await harness.run(fileWriteStep, {
      path: 'out/values.yaml',
      contents: 'a: 1\n',
      permissions: '0644',
    });
    expect(read('out/values.yaml')).toBe('a: 1\n');
    expect(statSync(path('out/values.yaml')).mode & 0o777).toBe(0o644);
    expect(
      await fails(
        harness.run(fileWriteStep, { path: 'out/values.yaml', contents: 'x', overwrite: false }),
      ),
    ).toBe('path: out/values.yaml already exists (set overwrite: true to replace it)');
    expect(
      await fails(harness.run(fileWriteStep, { path: 'x', contents: 'x', permissions: 'rwx' })),
    ).toContain('permissions: must be octal file permissions');
  });

  it('json-parse and json-update', async () => {
    write('p.json', '{\n    "image": {\n        "tag": "1.0"\n    },\n    "list": [1, 2]\n}\n');
    expect(
      (
        await harness.run(jsonParseStep, {
          path: 'p.json',
          outputs: [{ name: 'tag', fromExpression: 'image.tag' }],
        })
      ).output,
    ).toEqual({ tag: '1.0' });
    const result = await harness.run(jsonUpdateStep, {
      path: 'p.json',
      updates: [
        { key: 'image.tag', value: '2.0' },
        { key: 'list.1', value: 5 },
        { key: 'new\\.key', value: true },
      ],
    });
    // Edited in place as Kargo (sjson): a new key is appended compactly before the last brace.
    expect(read('p.json')).toBe(
      '{\n    "image": {\n        "tag": "2.0"\n    },\n    "list": [1, 5]\n,"new.key":true}',
    );
    expect(result.output?.commitMessage).toContain('- image.tag: "2.0"');
    write('bad.json', '{');
    expect(
      await fails(
        harness.run(jsonParseStep, {
          path: 'bad.json',
          outputs: [{ name: 'x', fromExpression: 'a' }],
        }),
      ),
    ).toContain('could not parse JSON file "bad.json"');
  });

  it('git-clear keeps only .git; git-tag tags HEAD', async () => {
    execFileSync('git', ['init', '-q', '-b', 'main', path('repo')]);
    write('repo/a.txt', 'a');
    write('repo/dir/b.txt', 'b');
    execFileSync('git', ['-C', path('repo'), 'add', '-A']);
    execFileSync('git', [
      '-C',
      path('repo'),
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      'commit',
      '-qm',
      'c',
    ]);
    const tagged = await harness.run(gitTagStep, {
      path: 'repo',
      tag: 'v1.0.0',
      message: 'release',
    });
    expect(tagged.output?.commit).toBe(
      execFileSync('git', ['-C', path('repo'), 'rev-parse', 'HEAD'])
        .toString()
        .trim(),
    );
    expect(execFileSync('git', ['-C', path('repo'), 'tag', '-n1']).toString()).toMatch(
      /^v1\.0\.0 +release\n$/,
    );
    await harness.run(gitClearStep, { path: 'repo' });
    expect(readdirSync(path('repo'))).toEqual(['.git']);
  });

  it('kustomize-set-image edits the images list, from config or from the Freight', async () => {
    write(
      'base/kustomization.yaml',
      '# base\nresources:\n  - deployment.yaml\nimages:\n  - name: ghcr.io/acme/other\n    newTag: "0.1"\n',
    );
    const result = await harness.run(kustomizeSetImageStep, { path: 'base' });
    expect(read('base/kustomization.yaml')).toBe(
      '# base\nresources:\n  - deployment.yaml\nimages:\n- name: ghcr.io/acme/api\n  newTag: 1.2.2\n  digest: sha256:abc\n- name: ghcr.io/acme/other\n  newTag: "0.1"\n',
    );
    expect(result.output?.commitMessage).toBe(
      'Updated base to use new image\n\n- ghcr.io/acme/api:1.2.2@sha256:abc',
    );
    await harness.run(kustomizeSetImageStep, {
      path: 'base',
      images: [{ image: 'ghcr.io/acme/other', digest: 'sha256:def', newName: 'mirror/other' }],
    });
    expect(read('base/kustomization.yaml')).toContain(
      '- name: ghcr.io/acme/other\n  newName: mirror/other\n  digest: sha256:def\n',
    );
    expect(await fails(harness.run(kustomizeSetImageStep, { path: 'nowhere' }))).toBe(
      'could not discover kustomization file: could not find any Kustomization files in "nowhere"',
    );
  });

  it('kustomize-build renders with kustomize or kubectl, or says neither exists', async () => {
    write(
      'app/kustomization.yaml',
      'resources:\n  - cm.yaml\nimages:\n  - name: nginx\n    newTag: "1.2"\n',
    );
    write(
      'app/cm.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.0\n',
    );
    const available = ['kustomize', 'kubectl'].some((tool) => {
      try {
        execFileSync('sh', ['-c', `command -v ${tool}`]);
        return true;
      } catch {
        return false;
      }
    });
    if (!available) {
      expect(
        await fails(harness.run(kustomizeBuildStep, { path: 'app', outPath: 'out.yaml' })),
      ).toBe(
        'neither kustomize nor kubectl is installed: kustomize-build needs one of them on the PATH',
      );
      return;
    }
    await harness.run(kustomizeBuildStep, { path: 'app', outPath: 'out/all.yaml' });
    expect(read('out/all.yaml')).toContain('image: nginx:1.2');
    await harness.run(kustomizeBuildStep, { path: 'app', outPath: 'rendered' });
    expect(readdirSync(path('rendered')).sort()).toEqual([
      'configmap-settings.yaml',
      'deployment-web.yaml',
    ]);
  });

  it('helm-update-chart sets dependency versions', async () => {
    write(
      'chart/Chart.yaml',
      'apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  - name: redis\n    repository: oci://ghcr.io/acme/charts\n    version: 17.0.0\n',
    );
    const charts = memoryChartSource({
      'oci://ghcr.io/acme/charts': { redis: ['17.0.0', '18.1.0'] },
    });
    const result = await harness.run(
      helmUpdateChartStep,
      {
        path: 'chart',
        charts: [{ repository: 'oci://ghcr.io/acme/charts', name: 'redis', version: '18.1.0' }],
      },
      { charts },
    );
    expect(charts.requests).toEqual(['pull oci://ghcr.io/acme/charts/redis:18.1.0']);
    expect(read('chart/Chart.yaml')).toContain('    version: 18.1.0\n');
    expect(result.output?.commitMessage).toBe(
      'Updated chart dependencies for chart\n\n- redis: 18.1.0',
    );
    expect(
      await fails(
        harness.run(helmUpdateChartStep, {
          path: 'chart',
          charts: [{ repository: 'https://x', name: 'nope', version: '1.0.0' }],
        }),
      ),
    ).toBe(
      'charts[0]: no dependency in Chart.yaml matches update with repository "https://x" and name "nope"',
    );
  });

  it('refuses to write through a link that leads out of the working directory', async () => {
    mkdirSync(path('d'));
    symlinkSync('/tmp', path('d/out'));
    expect(
      await fails(harness.run(fileWriteStep, { path: 'd/out/evil.txt', contents: 'x' })),
    ).toContain('through a symbolic link');
  });
});
