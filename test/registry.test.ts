import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeRegistry, type FakeRegistry } from './fake-registry.js';
import { MANIFEST_ACCEPT, MediaTypes } from './oci-content.js';
import { startRegistry, type RegistryAuth, type TestRegistry } from './registry.js';

/** Self-check of the registry test infrastructure: the real registry in each auth mode, and the fake. */

const basic = (username: string, password: string) =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** Answers the registry's challenge for `repo` the way a client would; returns the headers to send. */
async function authorize(
  registry: TestRegistry,
  auth: RegistryAuth,
  repo: string,
): Promise<Record<string, string>> {
  if (auth === 'none') return {};
  if (auth === 'htpasswd') return { Authorization: basic(registry.username, registry.password) };
  const challenge = await fetch(`${registry.url}/v2/${repo}/tags/list`);
  await challenge.text();
  const header = challenge.headers.get('www-authenticate') ?? '';
  const params: Record<string, string> = Object.fromEntries(
    [...header.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  );
  const tokenUrl = new URL(params.realm!);
  tokenUrl.searchParams.set('service', params.service!);
  tokenUrl.searchParams.set('scope', params.scope!);
  const response = await fetch(tokenUrl, {
    headers: { Authorization: basic(registry.username, registry.password) },
  });
  const body: any = await response.json();
  return { Authorization: `Bearer ${body.token}` };
}

describe.each<RegistryAuth>(['none', 'htpasswd', 'token'])('real registry, auth %s', (auth) => {
  let registry: TestRegistry;
  let image: string;
  let index: { digest: string; children: Record<string, string> };

  beforeAll(async () => {
    registry = await startRegistry({ auth });
    image = await registry.pushImage('team/api', 'v1.0.0', { annotations: { team: 'api' } });
    index = await registry.pushIndex('team/api', 'v1.1.0', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ]);
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('lists pushed tags and serves the manifests under their digests', async () => {
    const headers = await authorize(registry, auth, 'team/api');
    const tags = await fetch(`${registry.url}/v2/team/api/tags/list`, { headers });
    expect(tags.status).toBe(200);
    const body: any = await tags.json();
    // distribution 2.8 lists tags in no particular order, and children pushed by digest have none.
    expect([...body.tags].sort()).toEqual(['v1.0.0', 'v1.1.0']);

    const manifest = await fetch(`${registry.url}/v2/team/api/manifests/v1.0.0`, {
      method: 'HEAD',
      headers: { ...headers, Accept: MANIFEST_ACCEPT },
    });
    expect(manifest.headers.get('docker-content-digest')).toBe(image);

    const indexResponse = await fetch(`${registry.url}/v2/team/api/manifests/v1.1.0`, {
      headers: { ...headers, Accept: MANIFEST_ACCEPT },
    });
    expect(indexResponse.headers.get('content-type')).toBe(MediaTypes.ociIndex);
    expect(indexResponse.headers.get('docker-content-digest')).toBe(index.digest);
    const indexBody: any = await indexResponse.json();
    expect(
      indexBody.manifests.map((entry: any) => [
        `${entry.platform.os}/${entry.platform.architecture}`,
        entry.digest,
      ]),
    ).toEqual(Object.entries(index.children));
  });

  // Registered only where they apply, so the report shows no skipped tests.
  if (auth !== 'none')
    it('refuses a request without credentials', async () => {
      const response = await fetch(`${registry.url}/v2/team/api/tags/list`);
      await response.text();
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(
        auth === 'htpasswd' ? /^Basic realm=/ : /^Bearer realm="http:\/\/127\.0\.0\.1:\d+\/token"/,
      );
    });

  if (auth === 'token')
    it('issues useless tokens to anonymous callers and none for wrong credentials', async () => {
      const before = registry.tokenRequests;
      const challenge = await fetch(`${registry.url}/v2/team/api/tags/list`);
      await challenge.text();
      const realm = /realm="([^"]+)"/.exec(challenge.headers.get('www-authenticate') ?? '')![1]!;
      const scope = '?service=gantry-test-registry&scope=repository:team/api:pull';

      const wrong = await fetch(`${realm}${scope}`, {
        headers: { Authorization: basic(registry.username, 'wrong') },
      });
      await wrong.text();
      expect(wrong.status).toBe(401);

      const anonymous: any = await (await fetch(`${realm}${scope}`)).json();
      const denied = await fetch(`${registry.url}/v2/team/api/tags/list`, {
        headers: { Authorization: `Bearer ${anonymous.token}` },
      });
      await denied.text();
      expect(denied.status).toBe(401);
      expect(registry.tokenRequests - before).toBe(2);
    });

  if (auth === 'none')
    it('stores a Helm chart under its version with + as _', async () => {
      const digest = await registry.pushChart('charts/app', 'app', '1.2.3+build.1');
      const response = await fetch(`${registry.url}/v2/charts/app/manifests/1.2.3_build.1`, {
        headers: { Accept: MANIFEST_ACCEPT },
      });
      expect(response.headers.get('docker-content-digest')).toBe(digest);
      const manifest: any = await response.json();
      expect(manifest.config.mediaType).toBe(MediaTypes.helmConfig);
      expect(manifest.layers[0].mediaType).toBe(MediaTypes.helmChart);
      const config: any = await (
        await fetch(`${registry.url}/v2/charts/app/blobs/${manifest.config.digest}`)
      ).json();
      expect(config).toEqual({ apiVersion: 'v2', name: 'app', version: '1.2.3+build.1' });
    });
});

describe('fake registry', () => {
  let fake: FakeRegistry;
  afterAll(async () => {
    await fake?.stop();
  });

  it('pages tags in lexical order with Link headers, and rate limits', async () => {
    fake = await startFakeRegistry({ pageSize: 3 });
    fake.setTags('team/api', ['g', 'c', 'a', 'e', 'b', 'f', 'd']);

    const pages: string[][] = [];
    let next: string | undefined = '/v2/team/api/tags/list';
    while (next) {
      const response: Response = await fetch(`${fake.url}${next}`);
      pages.push(((await response.json()) as any).tags);
      next = /^<([^>]+)>; rel="next"$/.exec(response.headers.get('link') ?? '')?.[1];
    }
    expect(pages).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/v2/team/api/tags/list',
      '/v2/team/api/tags/list?last=c&n=3',
      '/v2/team/api/tags/list?last=f&n=3',
    ]);

    fake.resetRequests();
    fake.rateLimit(1, 7);
    const limited = await fetch(`${fake.url}/v2/team/api/tags/list?n=2`);
    await limited.text();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    const retried = await fetch(`${fake.url}/v2/team/api/tags/list?n=2`);
    expect(((await retried.json()) as any).tags).toEqual(['a', 'b']);
    expect(fake.requests).toHaveLength(2);
  });

  it('challenges for a bearer token and accepts the one it issued', async () => {
    const secured = await startFakeRegistry({ auth: 'bearer', username: 'ci', password: 'pw' });
    try {
      const digest = secured.addImage('team/api', 'v1', { annotations: { a: 'b' } });
      const challenge = await fetch(`${secured.url}/v2/team/api/manifests/v1`, { method: 'HEAD' });
      expect(challenge.status).toBe(401);
      expect(challenge.headers.get('www-authenticate')).toBe(
        `Bearer realm="${secured.url}/token",service="fake",scope="repository:team/api:pull"`,
      );

      const wrong = await fetch(`${secured.url}/token?service=fake`, {
        headers: { Authorization: basic('ci', 'nope') },
      });
      await wrong.text();
      expect(wrong.status).toBe(401);
      const { token }: any = await (
        await fetch(`${secured.url}/token?service=fake&scope=repository:team/api:pull`, {
          headers: { Authorization: basic('ci', 'pw') },
        })
      ).json();

      const manifest = await fetch(`${secured.url}/v2/team/api/manifests/v1`, {
        method: 'HEAD',
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(manifest.status).toBe(200);
      expect(manifest.headers.get('docker-content-digest')).toBe(digest);
      expect(secured.tokenRequests).toBe(2);
    } finally {
      await secured.stop();
    }
  });
});
