import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { cliAgainst } from './in-process-cli.js';

/** A Kargo project file as found in public repositories: Kubernetes kinds beside the pipeline. */
const KARGO_FILE = `apiVersion: v1
kind: Namespace
metadata:
  name: compat
  labels: {kargo.akuity.io/project: "true"}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata:
  name: compat
  namespace: compat
spec:
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: ci, namespace: compat}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci, namespace: compat}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: kargo-viewer}
subjects: [{kind: ServiceAccount, name: ci, namespace: compat}]
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: app, namespace: compat}
spec:
  freightCreationPolicy: Manual
  freightCreationCriteria:
  subscriptions:
  - name: app
    git:
      repoURL: http://127.0.0.1:9/compat/app.git
      commitSelectionStrategy: NewestTag
      allowTags: ^v1\\.
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: compat, namespace: compat}
spec:
  webhookReceivers:
  - name: ci
    generic:
      secretRef: {name: ci-webhook}
`;

/**
 * `gantry apply` of what Kargo's API server accepts: the file applies, and what Kargo (or
 * Gantry, for kinds it sets aside) warns about is printed as kubectl prints the API's
 * warnings, one `Warning: …` line each on standard error.
 */
describe('gantry apply of a Kargo project file', () => {
  let dir: string;
  let gantry: RunningGantry;
  const cli = cliAgainst(() => gantry, 'compat');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-admission-compat-'));
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
  });
  afterAll(async () => {
    await gantry?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies it, printing the warnings as Warning: lines on standard error', async () => {
    const path = join(dir, 'project.yaml');
    writeFileSync(path, KARGO_FILE);
    const applied = await cli(['apply', '-f', path]);
    expect(applied.code, applied.err).toBe(0);
    expect(applied.out.split('\n')).toEqual([
      'namespace/compat ignored',
      'project.kargo.akuity.io/compat created',
      'serviceaccount/ci ignored',
      'rolebinding/ci ignored',
      'warehouse.kargo.akuity.io/app created',
      'projectconfig.kargo.akuity.io/compat created',
    ]);
    expect(applied.err.split('\n')).toEqual([
      'Warning: Namespace "compat" (v1) ignored, not stored: a Gantry project is its own namespace',
      'Warning: ServiceAccount "ci" (v1) ignored, not stored: Gantry has no Kubernetes service accounts',
      'Warning: RoleBinding "ci" (rbac.authorization.k8s.io/v1) ignored, not stored: Gantry grants access with its own Role kind (rbac.kargo.akuity.io/v1alpha1)',
      'Warning: warehouse "app": spec.subscriptions[0].git.allowTags is deprecated (removed in Kargo v1.13): honoured as allowTagsRegexes; write allowTagsRegexes instead',
    ]);
    const warehouse = await gantry.store.get({
      kind: 'Warehouse',
      namespace: 'compat',
      name: 'app',
    });
    expect(warehouse?.spec).toMatchObject({
      subscriptions: [{ name: 'app', git: { allowTagsRegexes: ['^v1\\.'] } }],
    });
    expect(
      await gantry.store.get({ kind: 'ServiceAccount', namespace: 'compat', name: 'ci' }),
    ).toBeUndefined();
  });

  it('deletes with the same file, leaving alone what apply ignored (a Kubernetes Role is not a Gantry Role)', async () => {
    const gantryRole = join(dir, 'gantry-role.yaml');
    writeFileSync(
      gantryRole,
      'apiVersion: rbac.kargo.akuity.io/v1alpha1\nkind: Role\nmetadata: {name: reader, namespace: compat}\nrules: [{verbs: [get], resources: [stages]}]\n',
    );
    expect((await cli(['apply', '-f', gantryRole])).code).toBe(0);
    const file = join(dir, 'kubernetes-role.yaml');
    writeFileSync(
      file,
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: reader, namespace: compat}\nrules: []\n---\napiVersion: kargo.akuity.io/v1alpha1\nkind: Warehouse\nmetadata: {name: app, namespace: compat}\n',
    );
    const deleted = await cli(['delete', '-f', file]);
    expect(deleted.code, deleted.err).toBe(0);
    expect(deleted.out.split('\n')).toEqual([
      'role.rbac.authorization.k8s.io "reader" ignored',
      'warehouse.kargo.akuity.io "app" deleted',
    ]);
    expect(deleted.err).toBe(
      'Warning: Role "reader" (rbac.authorization.k8s.io/v1) ignored, not stored: Gantry grants access with its own Role kind (rbac.kargo.akuity.io/v1alpha1)',
    );
    expect(
      await gantry.store.get({ kind: 'Role', namespace: 'compat', name: 'reader' }),
    ).toBeDefined();
    expect(
      await gantry.store.get({ kind: 'Warehouse', namespace: 'compat', name: 'app' }),
    ).toBeUndefined();
  });
});
