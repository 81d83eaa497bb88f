import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadKubeConfig } from './load-kube-config.js';

const kubeconfig = stringify({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [
    { name: 'dev', cluster: { server: 'https://dev.example:6443' } },
    { name: 'prod', cluster: { server: 'https://prod.example:6443' } },
  ],
  users: [{ name: 'gantry', user: { token: 't' } }],
  contexts: [
    { name: 'dev', context: { cluster: 'dev', user: 'gantry' } },
    { name: 'prod', context: { cluster: 'prod', user: 'gantry' } },
  ],
  'current-context': 'dev',
});

describe('loadKubeConfig', () => {
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-kubeconfig-'));
    path = join(dir, 'config');
    writeFileSync(path, kubeconfig);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("uses the file's current context, or the one named", () => {
    expect(loadKubeConfig({ kubeconfig: path }).getCurrentCluster()?.server).toBe(
      'https://dev.example:6443',
    );
    expect(loadKubeConfig({ kubeconfig: path, context: 'prod' }).getCurrentCluster()?.server).toBe(
      'https://prod.example:6443',
    );
  });

  it.each([
    [
      'an unknown context',
      () => ({ kubeconfig: path, context: 'staging' }),
      /^kubeconfig .*\/config has no context "staging" \(it has: dev, prod\)$/,
    ],
    [
      'a missing file',
      () => ({ kubeconfig: join(dir, 'nope') }),
      /^could not load kubeconfig .*\/nope: .*ENOENT/,
    ],
    [
      'a file and inCluster together',
      () => ({ kubeconfig: path, inCluster: true }),
      /^a kubeconfig file and inCluster exclude each other/,
    ],
  ])('refuses %s with an Invalid error', (_, options, message) => {
    let thrown: unknown;
    try {
      loadKubeConfig(options());
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ name: 'GantryError', code: 'Invalid' });
    expect((thrown as Error).message).toMatch(message);
  });

  it('refuses inCluster outside a pod', () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      expect(() => loadKubeConfig({ inCluster: true })).toThrow(
        /KUBERNETES_SERVICE_HOST is not set/,
      );
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });

  it('reads a file that names no current context as one without a cluster', () => {
    writeFileSync(path, stringify({ apiVersion: 'v1', kind: 'Config', clusters: [] }));
    expect(() => loadKubeConfig({ kubeconfig: path })).toThrow(/names no cluster/);
  });
});
