import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import {
  CustomObjectsApi,
  KubeConfig,
  makeInformer,
  type KubernetesListObject,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { until } from './in-process-cli.js';
import { kubeconfigText, startKubectlHarness, type KubectlHarness } from './kubectl-harness.js';

/** Watches through real clients: `kubectl get -w`, and @kubernetes/client-node's informer. */
const api = 'kargo.akuity.io/v1alpha1';

let harness: KubectlHarness;
/** The server now running (a restart replaces the harness's). */
let gantry: RunningGantry;
const children: ChildProcess[] = [];

/** A call to Gantry's REST API as the initial admin, trusting the harness's certificate. */
function rest(method: string, path: string, body?: unknown): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${gantry.url}${path}`,
      {
        method,
        ca: harness.caPem,
        agent: false,
        headers: {
          authorization: `Bearer ${gantry.adminToken ?? ''}`,
          'content-type': 'application/json',
        },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          if ((res.statusCode ?? 500) >= 300)
            reject(new Error(`${method} ${path}: ${res.statusCode}: ${text}`));
          else resolve(JSON.parse(text) as Record<string, any>);
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const stage = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: api,
  kind: 'Stage',
  metadata: { name, namespace: 'demo', labels },
  spec: {
    requestedFreight: [{ origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } }],
    promotionTemplate: { spec: { steps: [{ uses: 'compose-output', config: { ok: true } }] } },
  },
});

beforeAll(async () => {
  harness = await startKubectlHarness();
  gantry = harness.gantry;
  await rest('PUT', '/v1/resources?force=true', {
    items: [
      { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
      {
        apiVersion: api,
        kind: 'Warehouse',
        metadata: { name: 'web', namespace: 'demo' },
        spec: {
          freightCreationPolicy: 'Manual',
          subscriptions: [{ image: { repoURL: '127.0.0.1:9/acme/web' } }],
        },
      },
      stage('dev'),
      {
        apiVersion: api,
        kind: 'Freight',
        metadata: { name: 'f1', namespace: 'demo' },
        alias: 'first',
        origin: { kind: 'Warehouse', name: 'web' },
        images: [{ repoURL: '127.0.0.1:9/acme/web', tag: '1.0.0' }],
      },
    ],
  });
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await gantry?.stop();
  if (harness) rmSync(harness.dir, { recursive: true, force: true });
});

describe('watches through Kubernetes clients', () => {
  it('kubectl get promotions -w shows a promotion from its creation to Succeeded', async () => {
    // -v=6 logs each request with its answer: the test knows when the watch is open.
    const child = spawn(
      'kubectl',
      [
        ...['--kubeconfig', harness.kubeconfig, '--cache-dir', join(harness.dir, 'kube-cache')],
        ...['get', 'promotions', '-w', '-v=6'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    // kubectl lists (nothing yet), then watches from the list's version.
    await until(
      () => Promise.resolve(/promotions\?resourceVersion=\d+&watch=true 200 OK/.test(err)),
      'kubectl to watch',
      30,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; kubectl printed:\n${out}\n${err}`);
    });
    const promotion = await rest('POST', '/v1/projects/demo/promotions', {
      apiVersion: api,
      kind: 'Promotion',
      metadata: { namespace: 'demo' },
      spec: { stage: 'dev', freight: 'first' },
    });
    const name = promotion.metadata.name as string;
    const freight = promotion.spec.freight as string;
    const row = (phase: string) =>
      new RegExp(`^${name.replaceAll('.', '\\.')}\\s+dev\\s+${freight}\\s+${phase}\\s+\\d+s$`, 'm');
    await until(
      () => Promise.resolve(row('Succeeded').test(out)),
      `kubectl to print ${name} Succeeded`,
      30,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; kubectl printed:\n${out}\n${err}`);
    });
    const lines = out.trim().split('\n');
    // The header once, then one row per change, the first before the promotion finished.
    expect(lines[0]).toMatch(/^NAME\s+SHARD\s+STAGE\s+FREIGHT\s+PHASE\s+AGE$/);
    expect(lines.filter((line) => line.startsWith('NAME'))).toHaveLength(1);
    expect(lines.slice(1).every((line) => line.startsWith(`${name} `))).toBe(true);
    // Created (no phase yet, or Pending): its one quick step saves no Running of its own.
    expect(lines[1]).toMatch(
      new RegExp(`^${name.replaceAll('.', '\\.')}\\s+dev\\s+${freight}\\s+(?:Pending\\s+)?\\d+s$`),
    );
    child.kill();
  });

  it('feeds a client-node informer that survives a server restart', async () => {
    const port = new URL(gantry.url).port;
    const kc = new KubeConfig();
    kc.loadFromString(
      kubeconfigText({
        server: gantry.url,
        caPem: harness.caPem,
        token: gantry.adminToken ?? '',
        user: 'program',
      }),
    );
    const custom = kc.makeApiClient(CustomObjectsApi);
    const seen: string[] = [];
    const informer = makeInformer<KubernetesObject>(
      kc,
      `/apis/${api}/namespaces/demo/stages`,
      () =>
        custom.listNamespacedCustomObject({
          group: 'kargo.akuity.io',
          version: 'v1alpha1',
          namespace: 'demo',
          plural: 'stages',
        }) as Promise<KubernetesListObject<KubernetesObject>>,
    );
    const record = (verb: string) => (object: KubernetesObject) =>
      seen.push(`${verb} ${object.metadata?.name} ${object.metadata?.labels?.color ?? ''}`.trim());
    informer.on('add', record('add'));
    informer.on('update', record('update'));
    informer.on('delete', record('delete'));
    // The documented way: an informer stops on an error and its owner starts it again.
    let errors = 0;
    let stopped = false;
    informer.on('error', () => {
      errors++;
      if (!stopped) setTimeout(() => void informer.start(), 50);
    });
    const waitFor = (what: string, check: () => boolean) =>
      until(() => Promise.resolve(check()), what, 20).catch((error: Error) => {
        throw new Error(`${error.message}; the informer saw ${seen.join(', ')}; ${errors} errors`);
      });
    await informer.start();
    try {
      await waitFor('the informer to list dev', () => seen.includes('add dev'));
      await rest('PUT', '/v1/resources', { items: [stage('qa')] });
      await waitFor('qa added', () => seen.includes('add qa'));
      await rest('PUT', '/v1/resources', { items: [stage('qa', { color: 'blue' })] });
      await waitFor('qa updated', () => seen.includes('update qa blue'));
      await rest('DELETE', '/v1/projects/demo/stages/qa');
      await waitFor('qa deleted', () => seen.includes('delete qa blue'));

      // Stopped and started again on the same data and port.
      await gantry.stop();
      gantry = await startGantry(
        resolveServerConfig(
          {
            port,
            dataDir: join(harness.dir, 'data'),
            minWarehouseInterval: '1h',
            tlsCertFile: join(harness.dir, 'cert.pem'),
            tlsPrivateKeyFile: join(harness.dir, 'key.pem'),
          },
          {},
        ),
        silentLogger,
      );
      expect(new URL(gantry.url).port).toBe(port);
      await rest('PUT', '/v1/resources', { items: [stage('dev', { color: 'green' })] });
      await waitFor('the change after the restart', () => seen.includes('update dev green'));
      // The restart reached the informer as an error, and its owner's restart recovered.
      expect(errors).toBeGreaterThan(0);
      expect(seen.filter((event) => event === 'add dev')).toHaveLength(1);
      expect(informer.list('demo').map((object) => object.metadata?.name)).toEqual(['dev']);
    } finally {
      stopped = true;
      await informer.stop();
    }
  });
});
