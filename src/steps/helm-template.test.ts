import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import { helmTemplateStep, splitTemplateOutput, splitYamlDocuments } from './helm-template.js';

/*
 * How helm-template runs helm: the invocation and environment, checked with a recording
 * stand-in put first on the PATH (the rendering itself is checked against the real Helm 3 in
 * compat/helm-template-compat.test.ts), a PATH without helm, and a run stopped midway.
 */

let harness: StepHarness;
let bin: string;
let savedPath: string | undefined;

beforeEach(() => {
  harness = createStepHarness();
  bin = mkdtempSync(join(tmpdir(), 'gantry-helm-bin-'));
  savedPath = process.env.PATH;
  const chart = {
    'chart/Chart.yaml': 'apiVersion: v2\nname: app\nversion: 1.0.0\n',
    'chart/templates/cm.yaml': 'kind: ConfigMap\n',
    'values.yaml': 'a: b\n',
  };
  for (const [path, text] of Object.entries(chart)) {
    mkdirSync(dirname(join(harness.workDir.root, path)), { recursive: true });
    writeFileSync(join(harness.workDir.root, path), text);
  }
});

afterEach(() => {
  process.env.PATH = savedPath;
  harness.cleanup();
  rmSync(bin, { recursive: true, force: true });
});

/** A `helm` that records its arguments, environment and the files it was given, then `script`. */
function fakeHelm(script: string): void {
  const helm = join(bin, 'helm');
  writeFileSync(
    helm,
    [
      '#!/bin/sh',
      `out=${JSON.stringify(bin)}`,
      'printf "%s\\n" "$@" > "$out/args"',
      'env | sort > "$out/env"',
      'ls -A "$HELM_PLUGINS" "$HELM_CONFIG_HOME" > "$out/dirs" 2>&1',
      script,
      '',
    ].join('\n'),
  );
  chmodSync(helm, 0o755);
  process.env.PATH = `${bin}:${savedPath ?? ''}`;
}

describe('helm-template runs helm', () => {
  it('as `helm template` with Kargo’s settings as flags, names after `--`', async () => {
    fakeHelm('printf -- "---\\n# Source: app/templates/cm.yaml\\nkind: ConfigMap\\n"');
    process.env.HELM_REPOSITORY_CONFIG = '/root/.config/helm/repositories.yaml';
    process.env.GANTRY_SECRETS_KEY = 'not for helm';
    try {
      await harness.run(helmTemplateStep, {
        path: 'chart',
        outPath: 'out.yaml',
        releaseName: '-release',
        namespace: 'prod',
        valuesFiles: ['values.yaml'],
        setValues: [
          { key: 'image.tag', value: 'v1,x' },
          { key: 'note', value: '-a', literal: true },
        ],
        includeCRDs: true,
        skipTests: true,
        disableHooks: true,
        kubeVersion: '1.29.0',
        apiVersions: ['monitoring.coreos.com/v1'],
      });
    } finally {
      delete process.env.HELM_REPOSITORY_CONFIG;
      delete process.env.GANTRY_SECRETS_KEY;
    }
    const args = readFileSync(join(bin, 'args'), 'utf8').trimEnd().split('\n');
    expect(args.slice(0, -1)).toEqual([
      'template',
      '--namespace=prod',
      '--include-crds',
      '--skip-tests',
      '--no-hooks',
      '--kube-version=1.29.0',
      '--api-versions=monitoring.coreos.com/v1',
      expect.stringMatching(/^--values=\/.*\/values-0\.yaml$/),
      '--set=image.tag=v1,x',
      '--set-literal=note=-a',
      '--',
      '-release',
    ]);
    // A private copy of the chart, not the working directory's.
    const chart = args.at(-1)!;
    expect(chart.startsWith(harness.workDir.root)).toBe(false);
    expect(existsSync(chart)).toBe(false); // removed after the run
    const env = readFileSync(join(bin, 'env'), 'utf8');
    expect(env).not.toContain('GANTRY_SECRETS_KEY');
    expect(env).not.toContain('/root/.config/helm');
    expect(env).toContain('KUBECONFIG=/dev/null\n');
    for (const name of ['HOME', 'HELM_CONFIG_HOME', 'HELM_PLUGINS', 'HELM_REPOSITORY_CONFIG'])
      expect(env).toMatch(new RegExp(`^${name}=${tmpdir()}/gantry-helm-template-`, 'm'));
    expect(readFileSync(join(harness.workDir.root, 'out.yaml'), 'utf8')).toBe(
      '---\n# Source: app/templates/cm.yaml\nkind: ConfigMap\n',
    );
  });

  it('uses the project as the namespace when none is given', async () => {
    fakeHelm('true');
    await harness.run(
      helmTemplateStep,
      { path: 'chart', outPath: 'o.yaml', releaseName: 'r' },
      {
        project: 'shop',
      },
    );
    expect(readFileSync(join(bin, 'args'), 'utf8')).toContain('--namespace=shop\n');
  });

  it('fails, naming what is missing, when helm is not installed', async () => {
    process.env.PATH = bin; // an empty directory
    const err = await stepError(
      harness.run(helmTemplateStep, { path: 'chart', outPath: 'o.yaml', releaseName: 'r' }),
    );
    expect(err.message).toContain('helm is not installed');
    expect(err.message).toContain('Helm 3 on the PATH');
    expect(err.terminal).toBe(true);
  });

  it("reports helm's error without the server's temporary paths", async () => {
    fakeHelm(
      'for a; do last="$a"; done; echo "Error: cannot load $last/Chart.yaml: bad" >&2; exit 1',
    );
    const err = await stepError(
      harness.run(helmTemplateStep, { path: 'chart', outPath: 'o.yaml', releaseName: 'r' }),
    );
    expect(err.message).toBe('failed to render chart: cannot load chart/Chart.yaml: bad');
    expect(err.message).not.toContain(tmpdir());
    expect(err.terminal).toBe(false);
  });

  it('stops helm when the promotion is aborted', async () => {
    fakeHelm(`touch "$out/started"; exec sleep 600`);
    const controller = new AbortController();
    const run = harness.run(
      helmTemplateStep,
      { path: 'chart', outPath: 'o.yaml', releaseName: 'r' },
      { signal: controller.signal },
    );
    await expect.poll(() => existsSync(join(bin, 'started')), { timeout: 30_000 }).toBe(true);
    controller.abort();
    await expect(run).rejects.toThrow();
    expect(existsSync(join(harness.workDir.root, 'o.yaml'))).toBe(false);
  });
});

describe('helm template output', () => {
  it('splits into manifests and the trailing hooks', () => {
    const out = [
      '---',
      '# Source: a/templates/one.yaml',
      'kind: A',
      '---',
      '# Source: a/crds/crd.yaml',
      'kind: CRD',
      '---',
      'kind: CRD2',
      '---',
      '# Source: a/templates/hook.yaml',
      'kind: Job',
      'metadata:',
      '  annotations:',
      '    helm.sh/hook: pre-install',
      '',
      '',
    ].join('\n');
    expect(splitTemplateOutput(out)).toEqual({
      manifests: [
        { source: 'a/templates/one.yaml', content: 'kind: A' },
        { source: 'a/crds/crd.yaml', content: 'kind: CRD\n---\nkind: CRD2' },
      ],
      hooks: [
        {
          source: 'a/templates/hook.yaml',
          content: 'kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install\n',
        },
      ],
    });
    expect(splitTemplateOutput('\n')).toEqual({ manifests: [], hooks: [] });
  });

  it('splits documents as Kubernetes’ YAML reader does', () => {
    expect(splitYamlDocuments('---\na: 1\n--- # two\nb: 2\n---\n')).toEqual(['a: 1\n', 'b: 2\n']);
    expect(() => splitYamlDocuments('a: 1\n--- b: 2\n')).toThrow('invalid Yaml document separator');
  });
});
