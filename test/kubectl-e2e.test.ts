import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';

/**
 * The real kubectl (v1.32, installed on the machine) against a Gantry serving HTTPS with a
 * certificate made here by openssl: kubectl sends its bearer token only over HTTPS. kubectl
 * runs as a child process, awaited, so the server in this process keeps answering.
 */
const run = promisify(execFile);
const api = 'kargo.akuity.io/v1alpha1';

let dir: string;
let gantry: RunningGantry;
let kubeconfig: string;

async function kubectl(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kube-cache'), ...args],
      { encoding: 'utf8' },
    );
    return { code: 0, out: stdout, err: stderr };
  } catch (err) {
    const failed = err as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, out: failed.stdout ?? '', err: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gantry-kubectl-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '1',
    '-subj',
    '/CN=gantry-test',
    '-addext',
    'subjectAltName=IP:127.0.0.1',
  ]);
  gantry = await startGantry(
    resolveServerConfig(
      {
        port: '0',
        dataDir: join(dir, 'data'),
        minWarehouseInterval: '1h',
        tlsCertFile: cert,
        tlsPrivateKeyFile: key,
      },
      {},
    ),
    silentLogger,
  );
  expect(gantry.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: gantry',
      '  cluster:',
      `    server: ${gantry.url}`,
      `    certificate-authority-data: ${readFileSync(cert).toString('base64')}`,
      'users:',
      '- name: admin',
      '  user:',
      `    token: ${gantry.adminToken}`,
      'contexts:',
      '- name: gantry',
      '  context: {cluster: gantry, user: admin, namespace: demo}',
      'current-context: gantry',
      '',
    ].join('\n'),
  );
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
  await gantry?.stop();
  rmSync(dir, { recursive: true, force: true });
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

  it('gets Stages as a table with Kargo’s columns, and as yaml, names and jsonpath', async () => {
    const table = await kubectl('get', 'stages');
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(
      /^NAME\s+SHARD\s+CURRENT FREIGHT\s+HEALTH\s+READY\s+STATUS\s+AGE$/,
    );
    expect(table.out).toMatch(/^dev\s/m);
    expect(table.out).toMatch(/^staging\s/m);
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
