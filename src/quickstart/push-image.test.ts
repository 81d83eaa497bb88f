import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDockerRegistry, type DockerRegistry } from './docker-registry.js';
import { imageExists, pushImage } from './push-image.js';
import { refusedAddress } from '../../test/refused-address.js';

/** Against Debian's docker-registry, run as the quickstart runs it, on a free port. */
describe('pushImage and startDockerRegistry', () => {
  let dir: string;
  let registry: DockerRegistry;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-quickstart-registry-'));
    registry = await startDockerRegistry({ dir, host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes a valid OCI image the registry serves by tag, with its own digest per push', async () => {
    const options = { registryUrl: registry.url, repository: 'acme/frontend', tag: '1.3.0' };
    expect(await imageExists(options)).toBe(false);
    const digest = await pushImage(options);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await imageExists(options)).toBe(true);
    const manifest = await fetch(`${registry.url}/v2/acme/frontend/manifests/1.3.0`, {
      headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(manifest.headers.get('docker-content-digest')).toBe(digest);
    const body = (await manifest.json()) as {
      config: { digest: string };
      layers: Array<{ digest: string }>;
    };
    for (const blob of [body.config, ...body.layers]) {
      const response = await fetch(`${registry.url}/v2/acme/frontend/blobs/${blob.digest}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const tags = (await (await fetch(`${registry.url}/v2/acme/frontend/tags/list`)).json()) as {
      tags: string[];
    };
    expect(tags.tags).toEqual(['1.3.0']);
    const again = await pushImage({ ...options, now: new Date(Date.now() + 1000) });
    expect(again).not.toBe(digest);
  });

  it.each([
    ['Acme/Frontend', '1.0.0', /not a repository name/],
    ['acme/frontend', '-bad', /not an image tag/],
    ['acme/frontend', 'a b', /not an image tag/],
  ])('refuses %s:%s, pushing nothing', async (repository, tag, message) => {
    await expect(pushImage({ registryUrl: registry.url, repository, tag })).rejects.toThrow(
      message,
    );
  });

  it('says when nothing listens at the registry address', async () => {
    const refused = await refusedAddress();
    await expect(
      pushImage({ registryUrl: refused.url, repository: 'acme/frontend', tag: '1.0.0' }).finally(
        () => refused.close(),
      ),
    ).rejects.toThrow(`could not push ${refused.host}/acme/frontend:1.0.0`);
  });

  it('a taken port is an error naming it; a missing program says how to install it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(
        startDockerRegistry({ dir: join(dir, 'second'), host: '127.0.0.1', port }),
      ).rejects.toThrow(`the demo registry cannot listen on 127.0.0.1:${port}: the port is in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
    await expect(
      startDockerRegistry({
        dir: join(dir, 'third'),
        host: '127.0.0.1',
        port: 0,
        program: '/nonexistent/docker-registry',
      }),
    ).rejects.toThrow(/apt-get install docker-registry/);
  });
});
