import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
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

type Image = { repoURL?: string; tag?: string; digest?: string };

/**
 * Hand-made Freight is checked against its sources, end to end through the CLI and the API of
 * a real server with a real registry (Debian's docker-registry): a tag that exists gets its
 * digest, a missing tag, a wrong digest or a tag outside the subscription is refused and
 * changes nothing, `--force` skips the registry (not the subscription) and marks the Freight,
 * and a registry that cannot be reached says so. Git commits must exist in their repository
 * (a real git http-backend).
 */
describe('hand-made Freight checked against its sources', () => {
  let dir: string;
  let registry: TestRegistry;
  let git: TestGitServer;
  let repo: string;
  let commit: string;
  let gantry: RunningGantry;
  /** Accepts connections and drops them: a registry that cannot be reached. */
  let deaf: Server;
  let deafHost: string;
  let digest100: string;
  const cli = cliAgainst(() => gantry, 'checks');
  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${gantry.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${gantry.adminToken}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const freightList = async () =>
    (await gantry.store.list('Freight', { namespace: 'checks' })).items as Array<
      StoredResource & { images?: Image[]; charts?: Array<{ version?: string }> }
    >;
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const freightYaml = (warehouse: string, image: string) =>
    `apiVersion: kargo.akuity.io/v1alpha1
kind: Freight
metadata: {name: hand, namespace: checks}
origin: {kind: Warehouse, name: ${warehouse}}
images: [${image}]
`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-freight-checks-'));
    deaf = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => deaf.listen(0, '127.0.0.1', resolve));
    deafHost = `127.0.0.1:${(deaf.address() as { port: number }).port}`;
    [registry, git] = await Promise.all([startRegistry(), startGitServer()]);
    repo = git.createRepo('app', { 'README.md': 'hi\n' });
    commit = git.commitFiles('app', { 'README.md': 'hello\n' }, 'say hello');
    gantry = await startGantry(
      resolveServerConfig(
        { port: '0', dataDir: join(dir, 'data'), minWarehouseInterval: '1h' },
        {},
      ),
      silentLogger,
    );
    digest100 = await registry.pushImage('acme/app', '1.0.0');
    await registry.pushImage('acme/app', '2.0.0');
    await registry.pushImage('acme/app', '1.1.0-rc1');
    await registry.pushIndex('acme/multi', '1.0.0', [{ os: 'linux', architecture: 'amd64' }]);
    await registry.pushChart('charts/web', 'web', '1.2.0');
    const warehouse = (name: string, subscription: string) => `---
apiVersion: kargo.akuity.io/v1alpha1
kind: Warehouse
metadata: {name: ${name}, namespace: checks}
spec:
  freightCreationPolicy: Manual
  subscriptions:
  - ${subscription}
`;
    const applied = await cli([
      'apply',
      '-f',
      file(
        'checks.yaml',
        [
          'apiVersion: kargo.akuity.io/v1alpha1\nkind: Project\nmetadata: {name: checks}\n',
          warehouse(
            'app',
            `image: {repoURL: ${registry.host}/acme/app, constraint: ^1.0.0, ignoreTagsRegexes: ['-rc']}`,
          ),
          warehouse('arm', `image: {repoURL: ${registry.host}/acme/multi, platform: linux/arm64}`),
          warehouse(
            'web',
            `chart: {repoURL: 'oci://${registry.host}/charts/web', semverConstraint: ^1.0.0}`,
          ),
          warehouse('gone', `image: {repoURL: ${deafHost}/acme/app}`),
          warehouse('config', `git: {repoURL: '${repo}'}`),
        ].join(''),
      ),
    ]);
    expect(applied.err).toBe('');
  });
  afterAll(async () => {
    await gantry?.stop();
    await registry?.stop();
    await git?.stop();
    await new Promise((resolve) => deaf?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills in the digest of a tag that exists', async () => {
    const applied = await cli([
      'apply',
      '-f',
      file('ok.yaml', freightYaml('app', `{repoURL: ${registry.host}/acme/app, tag: 1.0.0}`)),
    ]);
    expect(applied.err).toBe('');
    expect(applied.out).toMatch(/^freight\.kargo\.akuity\.io\/[0-9a-f]{40} created$/);
    const [freight] = await freightList();
    expect(freight?.images?.[0]).toMatchObject({ tag: '1.0.0', digest: digest100 });
    expect(freight?.metadata.annotations?.['gantry.io/forced-by']).toBeUndefined();
    // Applied again, the same manifest finds the same Freight (its name includes the digest).
    const again = await cli(['apply', '-f', join(dir, 'ok.yaml')]);
    expect(again.out).toBe(`freight.kargo.akuity.io/${freight!.metadata.name} unchanged`);
    expect(await freightList()).toHaveLength(1);
  });

  it.each([
    [
      'a tag the registry does not have',
      ['--image', 'REGISTRY/acme/app:1.9.9'],
      'images[0]: REGISTRY/acme/app:1.9.9: tag not found in the registry',
    ],
    [
      'a tag outside the constraint',
      ['--image', 'REGISTRY/acme/app:2.0.0'],
      `images[0]: REGISTRY/acme/app:2.0.0: tag outside the subscription's constraint "^1.0.0"`,
    ],
    [
      'a tag the subscription ignores',
      ['--image', 'REGISTRY/acme/app:1.1.0-rc1'],
      'images[0]: REGISTRY/acme/app:1.1.0-rc1: tag excluded by the subscription (allowTagsRegexes / ignoreTagsRegexes)',
    ],
    [
      'an image not built for the subscription platform',
      ['--warehouse', 'arm', '--image', 'REGISTRY/acme/multi:1.0.0'],
      "images[0]: REGISTRY/acme/multi:1.0.0: not built for platform linux/arm64 (the subscription's platform)",
    ],
    [
      'a chart version the repository does not publish',
      ['--warehouse', 'web', '--chart', 'oci://REGISTRY/charts/web:1.3.0'],
      'charts[0]: oci://REGISTRY/charts/web:1.3.0: version not found in the chart repository',
    ],
  ])('refuses %s and creates nothing', async (_what, args, message) => {
    const before = (await freightList()).length;
    const withHost = args.map((arg) => arg.replace('REGISTRY', registry.host));
    const created = await cli([
      'create',
      'freight',
      ...(withHost.includes('--warehouse') ? [] : ['--warehouse', 'app']),
      ...withHost,
    ]);
    expect(created.code).not.toBe(0);
    expect(created.err).toContain(message.replaceAll('REGISTRY', registry.host));
    expect(await freightList()).toHaveLength(before);
  });

  it('refuses a digest that is not the tag’s, through the API too', async () => {
    const before = (await freightList()).length;
    const wrong = `sha256:${'0'.repeat(64)}`;
    const { status, body } = await api('/v1/projects/checks/freight', {
      method: 'POST',
      body: JSON.stringify({
        apiVersion: 'kargo.akuity.io/v1alpha1',
        kind: 'Freight',
        metadata: { name: 'x' },
        origin: { kind: 'Warehouse', name: 'app' },
        images: [{ repoURL: `${registry.host}/acme/app`, tag: '1.0.0', digest: wrong }],
      }),
    });
    expect(status).toBe(400);
    expect(body.error.message).toContain(
      `images[0]: ${registry.host}/acme/app:1.0.0: digest ${wrong} does not match the registry's ${digest100} for this tag`,
    );
    expect(await freightList()).toHaveLength(before);
  });

  it('accepts a published chart version', async () => {
    const created = await cli([
      'create',
      'freight',
      '--warehouse',
      'web',
      '--chart',
      `oci://${registry.host}/charts/web:1.2.0`,
    ]);
    expect(created.err).toBe('');
    expect((await freightList()).some((f) => f.charts?.[0]?.version === '1.2.0')).toBe(true);
  });

  it('says when the registry cannot be reached, and suggests --force', async () => {
    const before = (await freightList()).length;
    const created = await cli([
      'create',
      'freight',
      '--warehouse',
      'gone',
      '--image',
      `${deafHost}/acme/app:1.0.0`,
    ]);
    expect(created.code).not.toBe(0);
    expect(created.err).toContain(`images[0] ${deafHost}/acme/app:1.0.0: cannot reach registry`);
    expect(created.err).toContain('--force');
    expect(await freightList()).toHaveLength(before);
  });

  it('creates forced Freight without asking the registry, and marks it', async () => {
    const created = await cli([
      'create',
      'freight',
      '--warehouse',
      'app',
      '--image',
      `${registry.host}/acme/app:1.9.9`,
      '--force',
    ]);
    expect(created.err).toBe('');
    expect(created.out).toContain('forced: its registries were not checked');
    const forced = (await freightList()).find((f) => f.images?.[0]?.tag === '1.9.9');
    expect(forced?.images?.[0]?.digest).toBeUndefined();
    expect(forced?.metadata.annotations?.['gantry.io/forced-by']).toBe('token:initial-admin');
    const { body } = await api(
      `/v1/projects/checks/events?kind=Freight&name=${forced!.metadata.name}`,
    );
    expect(JSON.stringify(body)).toContain('forced: created without checking its artifacts');
    // Applied again without --force, the manifest keeps the mark.
    const reapplied = await cli([
      'apply',
      '-f',
      file(
        'forced.yaml',
        freightYaml('app', `{repoURL: ${registry.host}/acme/app, tag: 1.9.9}`).replace(
          'name: hand',
          `name: ${forced!.metadata.name}`,
        ),
      ),
    ]);
    expect(reapplied.err).toBe('');
    const after = await gantry.store.get({
      kind: 'Freight',
      namespace: 'checks',
      name: forced!.metadata.name,
    });
    expect(after?.metadata.annotations?.['gantry.io/forced-by']).toBe('token:initial-admin');
  });

  it('forced or not, an artifact outside the subscription is refused', async () => {
    const created = await cli([
      'create',
      'freight',
      '--warehouse',
      'app',
      '--image',
      `${registry.host}/acme/app:3.0.0`,
      '--force',
    ]);
    expect(created.code).not.toBe(0);
    expect(created.err).toContain(`tag outside the subscription's constraint "^1.0.0"`);
    const forcedApi = await api('/v1/projects/checks/freight?force=true', {
      method: 'POST',
      body: JSON.stringify({
        kind: 'Freight',
        metadata: { name: 'x' },
        origin: { kind: 'Warehouse', name: 'gone' },
        images: [{ repoURL: `${deafHost}/acme/app`, tag: '1.0.0' }],
      }),
    });
    expect(forcedApi.status).toBe(201);
  });

  it('checks a commit against its repository, and fills in its id and message', async () => {
    const missing = await cli([
      'create',
      'freight',
      '--warehouse',
      'config',
      '--commit',
      `${repo}@${'0'.repeat(40)}`,
    ]);
    expect(missing.err).toContain(
      `commits[0]: ${repo}@${'0'.repeat(40)}: commit not found in the repository`,
    );
    const odd = await cli([
      'create',
      'freight',
      '--warehouse',
      'config',
      '--commit',
      `${repo}@HEAD`,
    ]);
    expect(odd.err).toContain(
      `commits[0]: ${repo}@HEAD: the commit id must be a hexadecimal commit SHA`,
    );
    const created = await cli([
      'create',
      'freight',
      '--warehouse',
      'config',
      '--commit',
      `${repo}@${commit.slice(0, 10)}`,
    ]);
    expect(created.err).toBe('');
    const made = (await freightList()).find(
      (f) => (f as { commits?: unknown[] }).commits !== undefined,
    ) as { commits?: Array<{ id?: string; message?: string }> } | undefined;
    expect(made?.commits?.[0]).toMatchObject({ id: commit, message: 'say hello' });
  });
});
