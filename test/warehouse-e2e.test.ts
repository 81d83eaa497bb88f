import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredResource } from '../src/api/resource.js';
import { resolveServerConfig } from '../src/config.js';
import { silentLogger } from '../src/logger.js';
import { startGantry, type RunningGantry } from '../src/main.js';
import { cliAgainst } from './in-process-cli.js';
import { startGitServer, type TestGitServer } from './git-server.js';
import { startRegistry, type TestRegistry } from './registry.js';

/**
 * Discovery end to end, through the CLI and the API of a real server: a real registry and a
 * real git server; refresh, Freight made automatically and by hand, `gantry get freight`, and
 * webhooks that refresh exactly the subscribed Warehouses.
 */
describe('Warehouses end to end', () => {
  let dir: string;
  let registry: TestRegistry;
  let git: TestGitServer;
  let gantry: RunningGantry;
  let gitops: string;

  const cli = cliAgainst(() => gantry, 'shop');
  const api = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${gantry.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${gantry.adminToken}`,
        ...(init?.headers as Record<string, string> | undefined),
      },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-warehouse-e2e-'));
    [registry, git] = await Promise.all([startRegistry(), startGitServer()]);
    gitops = git.createRepo('gitops', {
      'apps/api/values.yaml': 'tag: 1\n',
      'docs/README.md': 'hi\n',
    });
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    await registry.pushImage('shop/api', '1.0.0');
    const manifests = `
apiVersion: kargo.akuity.io/v1alpha1
kind: Project
metadata: {name: shop}
---
apiVersion: v1
kind: Secret
metadata: {name: hooks, namespace: shop}
stringData: {secret: github-hook-secret}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: ProjectConfig
metadata: {name: shop, namespace: shop}
spec:
  webhookReceivers:
  - name: github
    github: {secretRef: {name: hooks}}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: api, namespace: shop}
spec:
  subscriptions:
  - image: {repoURL: ${registry.host}/shop/api}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: config, namespace: shop}
spec:
  subscriptions:
  - git: {repoURL: ${gitops}, includePaths: [apps]}
---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: hand-made, namespace: shop}
spec:
  freightCreationPolicy: Manual
  subscriptions:
  - image: {repoURL: ${registry.host}/shop/api}
`;
    writeFileSync(join(dir, 'shop.yaml'), manifests);
    const applied = await cli(['apply', '-f', join(dir, 'shop.yaml')]);
    expect(applied.err).toBe('');
  });
  afterAll(async () => {
    await gantry.stop();
    await Promise.all([registry.stop(), git.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refreshes a Warehouse from the CLI and shows the Freight it made', async () => {
    await registry.pushImage('shop/api', '1.1.0');
    const refreshed = await cli(['refresh', 'warehouse', 'api']);
    expect(refreshed.err).toBe('');
    expect(refreshed.code).toBe(0);
    expect(refreshed.out).toMatch(
      /^warehouse\.kargo\.akuity\.io\/api refreshed: created Freight [a-z]+-[a-z]+$/,
    );
    const listed = await cli(['get', 'freight']);
    expect(listed.out.split('\n')[0]).toMatch(
      /^NAME\s+ALIAS\s+ORIGIN \(KIND\)\s+ORIGIN \(NAME\)\s+ARTIFACTS\s+AGE$/,
    );
    expect(listed.out).toContain(`${registry.host}/shop/api:1.1.0`);
  });

  it('says why a refresh found nothing to do, and fails for an unknown Warehouse', async () => {
    const again = await cli(['refresh', 'warehouse', 'api']);
    expect(again.out).toMatch(/refreshed: newest artifacts are in Freight [a-z]+-[a-z]+ already$/);
    const missing = await cli(['refresh', 'warehouse', 'nope']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('Warehouse "nope"');
  });

  it('assembles Freight by hand from what a Manual Warehouse discovered', async () => {
    const refreshed = await cli(['refresh', 'warehouse', 'hand-made']);
    expect(refreshed.out).toContain('Freight is created by hand');
    const created = await cli([
      'create',
      'freight',
      '--warehouse',
      'hand-made',
      '--image',
      `${registry.host}/shop/api:1.0.0`,
      '--alias',
      'first-cut',
    ]);
    expect(created.err).toBe('');
    expect(created.out).toMatch(
      /^freight\.kargo\.akuity\.io\/[0-9a-f]{40} created \(alias first-cut\)$/,
    );
    const name = /freight\.kargo\.akuity\.io\/([0-9a-f]{40})/.exec(created.out)![1]!;
    const { body } = await api(`/v1/projects/shop/freight/${name}`);
    const images = (body as { images?: Array<{ digest?: string }> }).images;
    expect(images?.[0]?.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('publishes webhook URLs and refreshes exactly the subscribed Warehouses on a signed push', async () => {
    let url: string | undefined;
    // Deadlines here only detect a hang (generous for a busy machine).
    for (const deadline = Date.now() + 60_000; !url && Date.now() < deadline;) {
      const { body } = await api('/v1/projects/shop/projectconfigs/shop');
      url = (body.status as { webhookReceivers?: Array<{ url?: string }> } | undefined)
        ?.webhookReceivers?.[0]?.url;
      if (!url) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(url).toMatch(new RegExp(`^${gantry.url}/webhook/github/[0-9a-f]{64}$`));
    const annotation = async (name: string) => {
      const { body } = await api(`/v1/projects/shop/warehouses/${name}`);
      return (body.metadata as StoredResource['metadata']).annotations?.['kargo.akuity.io/refresh'];
    };
    const before = { api: await annotation('api'), config: await annotation('config') };
    const push = (paths: string[]) =>
      JSON.stringify({
        ref: 'refs/heads/main',
        repository: { clone_url: gitops, full_name: 'acme/gitops' },
        commits: [{ added: [], modified: paths, removed: [] }],
      });
    const send = (body: string, secret: string) =>
      api(new URL(url!).pathname, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      });

    const forged = await send(push(['apps/api/values.yaml']), 'wrong-secret');
    expect(forged.status).toBe(401);
    expect(await annotation('config')).toBe(before.config);

    const docsOnly = await send(push(['docs/README.md']), 'github-hook-secret');
    expect(docsOnly.status).toBe(200);
    expect(docsOnly.body.refreshed).toEqual([]);

    // A new commit under apps/, which the Warehouse will only see when the webhook says so
    // (the server's minimum interval is an hour).
    const work = join(dir, 'gitops-work');
    // Asynchronously: the git server runs in this process and must keep answering.
    const gitIn = (cwd: string, args: string[]) =>
      promisify(execFile)('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd });
    await gitIn(dir, ['clone', '-q', gitops, work]);
    writeFileSync(join(work, 'apps/api/values.yaml'), 'tag: 2\n');
    await gitIn(work, ['commit', '-qam', 'bump api']);
    await gitIn(work, ['push', '-q', 'origin', 'HEAD:main']);
    const accepted = await send(push(['apps/api/values.yaml']), 'github-hook-secret');
    expect(accepted.status).toBe(200);
    expect(accepted.body.refreshed).toEqual(['config']);
    expect(await annotation('config')).not.toBe(before.config);
    expect(await annotation('api')).toBe(before.api);

    // The refresh discovers the git repository and makes Freight of its newest commit.
    const head = git.git('gitops', ['rev-parse', 'main']).trim();
    type Commit = { id?: string; message?: string };
    let newest: Commit | undefined;
    for (const deadline = Date.now() + 60_000; newest?.id !== head && Date.now() < deadline;) {
      const { items } = await gantry.store.list('Freight', { namespace: 'shop' });
      newest = items
        .flatMap((f) => (f as { commits?: Commit[] }).commits ?? [])
        .find((commit) => commit.id === head);
      if (newest?.id !== head) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(newest).toMatchObject({ id: head, message: 'bump api' });

    const unknown = await api('/webhook/github/0000', { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });
});
