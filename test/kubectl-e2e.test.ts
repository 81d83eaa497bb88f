import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubectlHarness, type KubectlHarness } from './kubectl-harness.js';

/** kubectl's reads: discovery, get in every output form, namespaces, errors. */
const api = 'kargo.akuity.io/v1alpha1';

let harness: KubectlHarness;
let gantry: KubectlHarness['gantry'];
const kubectl = (...args: string[]) => harness.kubectl(args);

beforeAll(async () => {
  harness = await startKubectlHarness();
  gantry = harness.gantry;
  expect(gantry.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  // The pipeline, written through the store: this file is about kubectl's reads.
  await gantry.store.write([
    { op: 'create', object: { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } } },
    ...['dev', 'staging'].map((name, i) => ({
      op: 'create' as const,
      object: {
        apiVersion: api,
        kind: 'Stage',
        metadata: { name, namespace: 'demo' },
        spec: {
          requestedFreight: [
            {
              origin: { kind: 'Warehouse', name: 'web' },
              sources: i === 0 ? { direct: true } : { stages: ['dev'] },
            },
          ],
        },
      },
    })),
  ]);
});

afterAll(async () => {
  await harness?.stop();
});

describe('kubectl against Gantry', () => {
  it('lists the API resources, by Kargo’s names', async () => {
    const { code, out } = await kubectl('api-resources', '--api-group=kargo.akuity.io');
    expect(code).toBe(0);
    expect(out).toMatch(/^freights\s+kargo\.akuity\.io\/v1alpha1\s+true\s+Freight$/m);
    expect(out).toMatch(
      /^promotions\s+promo,promos\s+kargo\.akuity\.io\/v1alpha1\s+true\s+Promotion$/m,
    );
    expect(out).toMatch(/^stages\s+kargo\.akuity\.io\/v1alpha1\s+true\s+Stage$/m);
  });

  it('gets Stages as a table with Kargo’s columns, wide, and as yaml, json, names and jsonpath', async () => {
    const table = await kubectl('get', 'stages');
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(
      /^NAME\s+SHARD\s+CURRENT FREIGHT\s+HEALTH\s+READY\s+STATUS\s+AGE$/,
    );
    expect(table.out).toMatch(/^dev\s/m);
    expect(table.out).toMatch(/^staging\s/m);
    // Kargo's Stage columns have no priority-1 column: wide shows the same ones.
    const wide = await kubectl('get', 'stages', '-o', 'wide');
    expect(wide.out.split('\n')[0]).toMatch(/^NAME\s+SHARD\s+CURRENT FREIGHT\s+HEALTH\s+READY/);
    const json = JSON.parse((await kubectl('get', 'stages', '-o', 'json')).out) as {
      kind: string;
      items: Array<{ kind: string; metadata: { name: string } }>;
    };
    expect(json.kind).toBe('List');
    expect(json.items.map((item) => `${item.kind}/${item.metadata.name}`)).toEqual([
      'Stage/dev',
      'Stage/staging',
    ]);
    const all = await kubectl('get', 'stages', '-A');
    expect(all.out).toMatch(/^demo\s+dev\s/m);
    const yaml = await kubectl('get', 'stage', 'dev', '-o', 'yaml');
    expect(yaml.out).toContain('kind: Stage');
    expect(yaml.out).toContain('namespace: demo');
    const names = await kubectl('get', 'stages', '-o', 'name');
    expect(names.out.trim().split('\n')).toEqual([
      'stage.kargo.akuity.io/dev',
      'stage.kargo.akuity.io/staging',
    ]);
    const path = await kubectl(
      'get',
      'stage',
      'staging',
      '-o',
      'jsonpath={.spec.requestedFreight[0].sources.stages[0]}',
    );
    expect(path.out).toBe('dev');
  });

  it('shows Projects as namespaces', async () => {
    const { code, out } = await kubectl('get', 'namespaces');
    expect(code).toBe(0);
    expect(out).toMatch(/^demo\s+Active\s/m);
  });

  it('prints kube-apiserver’s messages for errors', async () => {
    const missing = await kubectl('get', 'stage', 'qa');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain(
      'Error from server (NotFound): stages.kargo.akuity.io "qa" not found',
    );
    const version = await kubectl('version');
    expect(version.out).toMatch(/Server Version: v1\.32\.0\+gantry-/);
  });
});
