import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ArgoCdKubeClient, ARGOCD_FIELD_MANAGER, TRACKING_LABEL } from './argocd-kube-client.js';
import { startKubectlHarness, type KubectlHarness, type KubectlResult } from './kubectl-harness.js';
import { refusedAddress, type RefusedAddress } from './refused-address.js';

/**
 * Server-side apply against Gantry (issue 18): `kubectl apply --server-side` of a small project
 * twice, a second field manager in conflict, `--force-conflicts`, an edit by another manager,
 * managedFields in `-o yaml --show-managed-fields`; then an Argo CD-like sync of the same kind
 * of project (test/argocd-kube-client.ts), with pruning by the tracking label.
 */
let harness: KubectlHarness;
let refused: RefusedAddress;
let validate: string[];

type Obj = Record<string, unknown>;

function ok(result: KubectlResult): string {
  expect(result.code, `${result.err}${result.out}`).toBe(0);
  return result.out;
}

const kubectl = (args: string[]) => harness.kubectl(args);

/** A small project: the Project (first, as Argo CD's sync wave -1), a Warehouse, a Stage and a ConfigMap. */
function project(name: string, shard: string): string {
  return `apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: ${name}
  annotations:
    argocd.argoproj.io/sync-wave: "-1"
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata:
  name: web
  namespace: ${name}
spec:
  interval: 5m0s
  subscriptions:
    - image:
        repoURL: ${refused.host}/acme/web
        constraint: ^1.0.0
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Stage
metadata:
  name: dev
  namespace: ${name}
  labels:
    tier: dev
spec:
  shard: ${shard}
  requestedFreight:
    - origin: {kind: Warehouse, name: web}
      sources: {direct: true}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${name}
data:
  color: blue
  size: large
`;
}

beforeAll(async () => {
  harness = await startKubectlHarness();
  refused = await refusedAddress();
  // kubectl validates against the server's OpenAPI where it is served; otherwise the server does.
  const openapi = await harness.kubectl(['get', '--raw', '/openapi/v2']);
  validate = openapi.code === 0 ? [] : ['--validate=false'];
});

afterAll(async () => {
  await harness?.stop();
  await refused?.close();
});

/**
 * What an apply that changes nothing leaves as it was, for the objects of a namespace
 * (resourceVersions move as controllers write status meanwhile).
 */
async function unchangedParts(namespace: string): Promise<string> {
  return ok(
    await kubectl([
      'get',
      'stages,warehouses,configmaps',
      '-n',
      namespace,
      '--show-managed-fields',
      '-o',
      'jsonpath={range .items[*]}{.metadata.generation} {.spec} {.data} {.metadata.managedFields}{"\\n"}{end}',
    ]),
  );
}

describe('kubectl apply --server-side', () => {
  const file = () => join(harness.dir, 'shop.yaml');
  /** `kubectl apply --server-side` of the project as field manager `manager`. */
  const applyAs = (manager: string, ...flags: string[]) =>
    kubectl([
      'apply',
      '--server-side',
      '--field-manager',
      manager,
      ...flags,
      ...validate,
      '-f',
      file(),
    ]);
  const shard = async () =>
    ok(await kubectl(['get', 'stage', 'dev', '-n', 'shop', '-o', 'jsonpath={.spec.shard}']));
  const managed = async (): Promise<Obj[]> => {
    const yaml = ok(
      await kubectl(['get', 'stage', 'dev', '-n', 'shop', '-o', 'yaml', '--show-managed-fields']),
    );
    return ((parse(yaml) as Obj)['metadata'] as Obj)['managedFields'] as Obj[];
  };

  it('applies a project, then again with nothing changed; managedFields show who owns what', async () => {
    writeFileSync(file(), project('shop', 'east'));
    const first = ok(await applyAs('kubectl'));
    expect(first).toContain('project.kargo.akuity.io/shop serverside-applied');
    expect(first).toContain('stage.kargo.akuity.io/dev serverside-applied');
    expect(first).toContain('warehouse.kargo.akuity.io/web serverside-applied');
    expect(first).toContain('configmap/settings serverside-applied');
    const before = await unchangedParts('shop');
    ok(await applyAs('kubectl'));
    expect(await unchangedParts('shop')).toBe(before);

    const entries = await managed();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'kargo.akuity.io/v1alpha1',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:tier': {} } },
        'f:spec': { 'f:requestedFreight': {}, 'f:shard': {} },
      },
    });
    expect(entries[0]!['time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Without the flag kubectl hides them, as against Kubernetes.
    const plain = ok(await kubectl(['get', 'stage', 'dev', '-n', 'shop', '-o', 'yaml']));
    expect(plain).not.toContain('managedFields');
  });

  it('refuses a second manager changing a field kubectl owns, until it forces', async () => {
    writeFileSync(file(), project('shop', 'west'));
    const refusedApply = await applyAs('other');
    expect(refusedApply.code).not.toBe(0);
    expect(refusedApply.err).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl": .spec.shard',
    );
    expect(await shard()).toBe('east');

    const forced = ok(await applyAs('other', '--force-conflicts'));
    expect(forced).toContain('stage.kargo.akuity.io/dev serverside-applied');
    expect(await shard()).toBe('west');
    const owners = Object.fromEntries(
      (await managed()).map((e) => [e['manager'], JSON.stringify(e['fieldsV1'])]),
    );
    expect(owners['other']).toContain('"f:shard"');
    expect(owners['kubectl']).not.toContain('"f:shard"');
    // Both applied the same tier label: shared, no conflict.
    expect(owners['other']).toContain('"f:tier"');
    expect(owners['kubectl']).toContain('"f:tier"');
  });

  it('a field another writer changed (kubectl patch, an Update) conflicts with that manager', async () => {
    ok(
      await kubectl([
        'patch',
        'stage',
        'dev',
        '-n',
        'shop',
        '--type',
        'merge',
        '-p',
        '{"spec":{"shard":"north"}}',
      ]),
    );
    const entries = await managed();
    expect(entries.find((e) => e['manager'] === 'kubectl-patch')).toMatchObject({
      operation: 'Update',
      fieldsV1: { 'f:spec': { 'f:shard': {} } },
    });
    // -v=8 shows the Status kubectl got: 409 Conflict with FieldManagerConflict causes.
    const raw = await applyAs('other', '-v=8');
    expect(raw.code).not.toBe(0);
    expect(raw.err).toContain(
      'conflict with "kubectl-patch" using kargo.akuity.io/v1alpha1: .spec.shard',
    );
    expect(raw.err).toMatch(/Response Status: 409 Conflict/);
    expect(raw.err).toMatch(/reason.{0,4}:.{0,4}FieldManagerConflict/);
  });
});

describe('an Argo CD-like sync (ServerSideApply=true, label tracking, prune)', () => {
  it('discovers, applies each manifest as argocd-controller with the tracking label, and prunes what left Git', async () => {
    const manifests = [
      ...parseAllDocuments(project('store', 'east')).map((doc) => doc.toJSON() as Obj),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'store' },
        stringData: { username: 'ci', password: 'hunter2' },
      },
    ];
    const client = new ArgoCdKubeClient(
      {
        server: harness.gantry.url,
        bearerToken: harness.gantry.adminToken ?? '',
        caData: Buffer.from(harness.caPem).toString('base64'),
      },
      'store',
      // Projects are also served as core namespaces carrying the same labels: a label-tracking
      // Argo CD must not see them twice (docs/kubernetes-api.md).
      [{ apiGroups: [''], kinds: ['Namespace'] }],
    );
    const resources = await client.discover();
    expect(resources.map((r) => `${r.group}/${r.plural}`)).toEqual(
      expect.arrayContaining(['kargo.akuity.io/stages', 'kargo.akuity.io/projects', '/configmaps']),
    );
    expect(client.requests.slice(0, 3)).toEqual(['GET /version', 'GET /api', 'GET /apis']);
    expect(client.requests).toContain('GET /openapi/v2');
    for (const kind of ['kargo.akuity.io/v1alpha1/Stage', '/v1/ConfigMap', '/v1/Secret'])
      expect(client.models.get(kind), kind).toHaveProperty('properties.metadata');

    const first = await client.sync(manifests, { prune: true });
    expect(first.applied.map((a) => a.key)).toEqual([
      'kargo.akuity.io/Project:/store',
      '/Secret:store/creds',
      '/ConfigMap:store/settings',
      'kargo.akuity.io/Stage:store/dev',
      'kargo.akuity.io/Warehouse:store/web',
    ]);
    expect(first.pruned).toEqual([]);
    const stage = parse(
      ok(
        await kubectl([
          'get',
          'stage',
          'dev',
          '-n',
          'store',
          '-o',
          'yaml',
          '--show-managed-fields',
        ]),
      ),
    ) as Obj;
    const metadata = stage['metadata'] as Obj;
    expect(metadata['labels']).toMatchObject({ tier: 'dev', [TRACKING_LABEL]: 'store' });
    expect(metadata['managedFields']).toMatchObject([
      { manager: ARGOCD_FIELD_MANAGER, operation: 'Apply' },
    ]);
    const labelled = ok(
      await kubectl([
        'get',
        'stages,warehouses,configmaps',
        '-n',
        'store',
        '-l',
        `${TRACKING_LABEL}=store`,
        '-o',
        'name',
      ]),
    );
    expect(labelled.trim().split('\n')).toHaveLength(3);
    // Why the client excludes core namespaces: the Project is also a Namespace with its labels.
    expect(
      ok(await kubectl(['get', 'namespaces', '-l', `${TRACKING_LABEL}=store`, '-o', 'name'])),
    ).toBe('namespace/store\n');

    // A second sync, unchanged, changes nothing (no controller writes Secrets meanwhile).
    const before = await unchangedParts('store');
    const again = await client.sync(manifests, { prune: true });
    expect(await unchangedParts('store')).toBe(before);
    const secretVersion = (result: typeof first) =>
      result.applied.find((a) => a.key === '/Secret:store/creds')?.resourceVersion;
    expect(secretVersion(again)).toBe(secretVersion(first));

    // Someone changes the Stage by hand; Argo CD's forced apply takes the field back.
    ok(
      await kubectl([
        'patch',
        'stage',
        'dev',
        '-n',
        'store',
        '--type',
        'merge',
        '-p',
        '{"spec":{"shard":"west"}}',
      ]),
    );
    await client.sync(manifests, { prune: true });
    expect(
      ok(await kubectl(['get', 'stage', 'dev', '-n', 'store', '-o', 'jsonpath={.spec.shard}'])),
    ).toBe('east');

    // The ConfigMap leaves Git: the next sync deletes it, and only it.
    const withoutSettings = manifests.filter((m) => m['kind'] !== 'ConfigMap');
    const pruning = await client.sync(withoutSettings, { prune: true });
    expect(pruning.pruned).toEqual(['/ConfigMap:store/settings']);
    expect(client.requests).toContain('DELETE /api/v1/namespaces/store/configmaps/settings');
    const gone = await kubectl(['get', 'configmap', 'settings', '-n', 'store']);
    expect(gone.err).toContain('configmaps "settings" not found');
    expect(ok(await kubectl(['get', 'stage', 'dev', '-n', 'store', '-o', 'name']))).toBe(
      'stage.kargo.akuity.io/dev\n',
    );
  });
});
