import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTokens } from '../src/auth/api-tokens.js';
import { AuditLog } from '../src/audit/audit-log.js';
import { runCli } from '../src/cli/main.js';
import { startKubectlHarness, type KubectlHarness } from './kubectl-harness.js';

/**
 * kubectl's auth can-i, field selectors, describe, Events and Secrets against Gantry, for the
 * initial admin and a project viewer; and a kubeconfig printed by `gantry kubeconfig` used by
 * kubectl as it is.
 */
const api = 'kargo.akuity.io/v1alpha1';

let harness: KubectlHarness;
let viewerToken: string;
let viewer: string;

beforeAll(async () => {
  harness = await startKubectlHarness();
  const { store } = harness.gantry;
  await store.write(
    [
      { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
      ...['dev', 'prod'].map((name, i) => ({
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
      })),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'demo' },
        data: { password: Buffer.from('hunter22-value').toString('base64') },
      },
    ].map((object) => ({ op: 'create' as const, object })),
  );
  // What the REST API records when a user changes an object, for describe's Events.
  await new AuditLog({ store }).record([
    { actor: 'token:ci', action: 'update', kind: 'Stage', project: 'demo', name: 'dev' },
  ]);
  viewerToken = (
    await new ApiTokens({ store }).create({
      name: 'viewer',
      project: 'demo',
      role: 'kargo-viewer',
      createdBy: 'test',
    })
  ).token;
  viewer = harness.kubeconfigFor(viewerToken, 'viewer');
});

afterAll(async () => {
  await harness?.stop();
});

const kubectl = (...args: string[]) => harness.kubectl(args);
const asViewer = (...args: string[]) => harness.kubectl(args, { kubeconfig: viewer });

describe('kubectl auth can-i', () => {
  it('says yes and no for the admin and a viewer, as the Authorizer decides', async () => {
    const [adminSecrets, viewerSecrets, viewerStages, viewerCreate, viewerElsewhere] =
      await Promise.all([
        kubectl('auth', 'can-i', 'get', 'secrets'),
        asViewer('auth', 'can-i', 'get', 'secrets'),
        asViewer('auth', 'can-i', 'list', 'stages'),
        asViewer('auth', 'can-i', 'create', 'stages'),
        asViewer('auth', 'can-i', 'get', 'stages', '-n', 'other'),
      ]);
    expect([adminSecrets.code, adminSecrets.out.trim()]).toEqual([0, 'yes']);
    expect([viewerSecrets.code, viewerSecrets.out.trim()]).toEqual([
      1,
      'no - token:demo/viewer may not get secrets in project "demo"',
    ]);
    expect([viewerStages.code, viewerStages.out.trim()]).toEqual([0, 'yes']);
    expect(viewerCreate.code).toBe(1);
    expect(viewerElsewhere.code).toBe(1);
  });

  it('says who the caller is (auth whoami)', async () => {
    const { code, out } = await asViewer('auth', 'whoami');
    expect(code).toBe(0);
    expect(out).toMatch(/^Username\s+token:demo\/viewer$/m);
  });

  it('lists what the viewer may do', async () => {
    const { code, out } = await asViewer('auth', 'can-i', '--list');
    expect(code).toBe(0);
    expect(out).toMatch(/^stages\.kargo\.akuity\.io\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    expect(out).toMatch(/^namespaces\s+\[\]\s+\[demo\]\s+\[get watch\]$/m);
    expect(out).not.toMatch(/^secrets/m);
  });
});

describe('kubectl reads', () => {
  it('selects by field, and names a field it cannot select by', async () => {
    const [named, not, bad] = await Promise.all([
      kubectl('get', 'stages', '--field-selector', 'metadata.name=dev', '-o', 'name'),
      kubectl('get', 'stages', '-A', '--field-selector', 'metadata.name!=dev', '-o', 'name'),
      kubectl('get', 'stages', '--field-selector', 'spec.shard=x'),
    ]);
    expect(named.out.trim()).toBe('stage.kargo.akuity.io/dev');
    expect(not.out.trim()).toBe('stage.kargo.akuity.io/prod');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('field label not supported: spec.shard');
  });

  it('describes a Stage with its events, and lists events', async () => {
    const [described, events] = await Promise.all([
      kubectl('describe', 'stage', 'dev'),
      kubectl('get', 'events'),
    ]);
    expect(described.code).toBe(0);
    expect(described.out).toMatch(/^Name:\s+dev$/m);
    expect(described.out).toMatch(/^Namespace:\s+demo$/m);
    expect(described.out).toMatch(/^Kind:\s+Stage$/m);
    expect(described.out).toMatch(/^\s+Normal\s+Update\s+\S+\s+token:ci\s+update Stage dev$/m);
    expect(events.code).toBe(0);
    expect(events.out).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
    expect(events.out).toMatch(/\s+Normal\s+Update\s+stage\/dev\s+update Stage dev$/m);
  });

  it('shows Secrets in kube’s shape without their values, and none to the viewer', async () => {
    const [table, value, described, refused, refusedOne] = await Promise.all([
      kubectl('get', 'secrets'),
      kubectl('get', 'secret', 'creds', '-o', 'jsonpath={.data.password}'),
      kubectl('describe', 'secret', 'creds'),
      asViewer('get', 'secrets'),
      asViewer('get', 'secret', 'creds', '-o', 'yaml'),
    ]);
    expect(table.out).toMatch(/^creds\s+Opaque\s+\S+$/m);
    expect(Buffer.from(value.out, 'base64').toString()).toBe('***');
    expect(described.out).toMatch(/^password:\s+3 bytes$/m);
    for (const result of [table, value, described, refused, refusedOne]) {
      expect(result.out + result.err).not.toContain('hunter22');
      expect(result.out + result.err).not.toContain(
        Buffer.from('hunter22-value').toString('base64'),
      );
    }
    expect(refused.err).toContain('Error from server (Forbidden)');
    expect(refusedOne.err).toContain(
      'Error from server (Forbidden): secrets "creds" is forbidden: User "token:demo/viewer" cannot get resource "secrets" in API group "" in the namespace "demo"',
    );
    expect(refusedOne.out).toBe('');
  });
});

describe('gantry kubeconfig', () => {
  it('prints a kubeconfig kubectl uses as it is', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      ['kubeconfig', '-n', 'demo', '--certificate-authority', join(harness.dir, 'cert.pem')],
      {
        out: (text) => out.push(text),
        err: (text) => err.push(text),
        env: {
          GANTRY_SERVER: harness.gantry.url,
          GANTRY_TOKEN: viewerToken,
          GANTRY_CONFIG: '/nonexistent/gantry-test-config',
          GANTRY_DATA_DIR: '/nonexistent/gantry-test-data',
        },
      },
    );
    expect([code, err.join('\n')]).toEqual([0, '']);
    const file = join(harness.dir, 'kubeconfig-printed');
    writeFileSync(file, out.join('\n'));
    const [stages, canI] = await Promise.all([
      harness.kubectl(['get', 'stages', '-o', 'name'], { kubeconfig: file }),
      harness.kubectl(['auth', 'can-i', 'delete', 'stages/dev'], { kubeconfig: file }),
    ]);
    expect(stages.out.trim().split('\n')).toEqual([
      'stage.kargo.akuity.io/dev',
      'stage.kargo.akuity.io/prod',
    ]);
    expect(canI.out.trim()).toMatch(/^no - token:demo\/viewer may not delete stages "dev"/);
  });
});
