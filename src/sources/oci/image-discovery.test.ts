import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageSubscriptionSchema } from '../../api/warehouse.js';
import { startFakeRegistry, type FakeRegistry } from '../../../test/fake-registry.js';
import { startRegistry, type TestRegistry } from '../../../test/registry.js';
import { DiscoveryError, type DiscoveryContext, type DiscoveryCredentials } from '../discovery.js';
import { HttpGetter } from '../http-get.js';
import { ImageDiscovery } from './image-discovery.js';
import { RegistryClient } from './registry-client.js';

const context = (
  options: { credentials?: DiscoveryCredentials; revalidate?: boolean } = {},
): DiscoveryContext => ({
  project: 'demo',
  credentialsFor: () => Promise.resolve(options.credentials),
  signal: new AbortController().signal,
  revalidate: options.revalidate ?? false,
  now: () => new Date(),
});

const subscription = (fields: Record<string, unknown>) => imageSubscriptionSchema.parse(fields);

async function failure(promise: Promise<unknown>): Promise<DiscoveryError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DiscoveryError) return err;
    throw err;
  }
  throw new Error('expected a DiscoveryError');
}

describe('ImageDiscovery', () => {
  const http = new HttpGetter();
  let open: TestRegistry;
  let basic: TestRegistry;
  let token: TestRegistry;
  let fake: FakeRegistry;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    [open, basic, token, fake] = await Promise.all([
      startRegistry(),
      startRegistry({ auth: 'htpasswd' }),
      startRegistry({ auth: 'token' }),
      startFakeRegistry({ pageSize: 1000 }),
    ]);
    const builds: Array<[string, string]> = [
      ['1.0.0', '2026-01-01T00:00:00Z'],
      ['1.2.0', '2026-03-01T00:00:00Z'],
      ['1.10.0', '2026-02-01T00:00:00Z'],
      ['2.0.0-rc.1', '2026-04-01T00:00:00Z'],
      ['latest', '2026-01-15T00:00:00Z'],
    ];
    for (const [tag, created] of builds)
      digests[tag] = await open.pushImage('team/api', tag, {
        created,
        annotations: { 'org.opencontainers.image.source': 'https://github.com/acme/api' },
      });
    await basic.pushImage('team/api', '1.0.0');
    await token.pushImage('team/api', '1.0.0');
  });
  afterAll(async () => {
    http.close();
    await Promise.all([open.stop(), basic.stop(), token.stop(), fake.stop()]);
  });

  const discovery = () => new ImageDiscovery(new RegistryClient({ http }));

  it.each([
    // Without a constraint every version counts, pre-releases too (as in Kargo).
    ['SemVer (strict, the default)', {}, ['2.0.0-rc.1', '1.10.0', '1.2.0', '1.0.0']],
    ['SemVer with a constraint', { constraint: '>=1.1, <2' }, ['1.10.0', '1.2.0']],
    [
      'Lexical',
      { imageSelectionStrategy: 'Lexical' },
      ['latest', '2.0.0-rc.1', '1.2.0', '1.10.0', '1.0.0'],
    ],
    [
      'NewestBuild (config creation time)',
      { imageSelectionStrategy: 'NewestBuild' },
      ['2.0.0-rc.1', '1.2.0', '1.10.0', 'latest', '1.0.0'],
    ],
    [
      'NewestBuild with a discoveryLimit and an ignore regex',
      { imageSelectionStrategy: 'NewestBuild', discoveryLimit: 2, ignoreTagsRegexes: ['rc'] },
      ['1.2.0', '1.10.0'],
    ],
    [
      'Digest (follows a mutable tag)',
      { imageSelectionStrategy: 'Digest', constraint: 'latest' },
      ['latest'],
    ],
  ])('%s', async (_name, fields, tags) => {
    const found = await discovery().discover(
      subscription({ repoURL: `${open.host}/team/api`, ...fields }),
      undefined,
      context(),
    );
    expect(found.references?.map((r) => r.tag)).toEqual(tags);
    for (const reference of found.references ?? []) {
      expect(reference.digest).toBe(digests[reference.tag]);
      expect(reference.annotations?.['org.opencontainers.image.source']).toBe(
        'https://github.com/acme/api',
      );
    }
  });

  it('records build times for NewestBuild', async () => {
    const found = await discovery().discover(
      subscription({ repoURL: `${open.host}/team/api`, imageSelectionStrategy: 'NewestBuild' }),
      undefined,
      context(),
    );
    expect(found.references?.[0]).toMatchObject({
      tag: '2.0.0-rc.1',
      createdAt: '2026-04-01T00:00:00.000Z',
    });
  });

  it('matches a platform variant exactly, as Kargo (linux/arm64/v8)', async () => {
    const index = await open.pushIndex('team/variant', '1.0.0', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    await open.pushIndex('team/variant', '1.1.0', [{ os: 'linux', architecture: 'arm64' }]);
    const discover = (platform: string) =>
      discovery().discover(
        subscription({ repoURL: `${open.host}/team/variant`, platform }),
        undefined,
        context(),
      );
    const v8 = await discover('linux/arm64/v8');
    expect(v8.platform).toBe('linux/arm64/v8');
    expect(v8.references?.map((r) => [r.tag, r.digest])).toEqual([['1.0.0', index.digest]]);
    // Without a variant, an entry that names one does not match (Kargo compares all three).
    expect((await discover('linux/arm64')).references?.map((r) => r.tag)).toEqual(['1.1.0']);
  });

  it('picks from image indexes by platform and skips images built for another one', async () => {
    const index = await open.pushIndex('team/multi', '3.0.0', [
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64' },
    ]);
    await open.pushImage('team/multi', '3.1.0', { os: 'linux', architecture: 'arm64' });
    const amd = await open.pushImage('team/multi', '2.9.0', { os: 'linux', architecture: 'amd64' });
    const found = await discovery().discover(
      subscription({ repoURL: `${open.host}/team/multi`, platform: 'linux/amd64' }),
      undefined,
      context(),
    );
    expect(found.platform).toBe('linux/amd64');
    expect(found.references?.map((r) => [r.tag, r.digest])).toEqual([
      ['3.0.0', index.digest],
      ['2.9.0', amd],
    ]);
    const any = await discovery().discover(
      subscription({ repoURL: `${open.host}/team/multi` }),
      undefined,
      context(),
    );
    expect(any.references?.map((r) => r.tag)).toEqual(['3.1.0', '3.0.0', '2.9.0']);
  });

  it('sees a re-pushed mutable tag with Digest, and a re-pushed version on refresh', async () => {
    const images = discovery();
    const follow = subscription({
      repoURL: `${open.host}/team/moving`,
      imageSelectionStrategy: 'Digest',
      constraint: 'stable',
    });
    await open.pushImage('team/moving', 'stable');
    await open.pushImage('team/moving', '1.0.0');
    const first = await images.discover(follow, undefined, context());
    const moved = await open.pushImage('team/moving', 'stable');
    const second = await images.discover(follow, first, context());
    expect(second.references?.[0]?.digest).toBe(moved);
    expect(second.references?.[0]?.digest).not.toBe(first.references?.[0]?.digest);

    const versions = subscription({ repoURL: `${open.host}/team/moving` });
    const before = await images.discover(versions, undefined, context());
    const repushed = await open.pushImage('team/moving', '1.0.0');
    // An interval discovery trusts the tag it saw last time; an explicit refresh looks again.
    expect((await images.discover(versions, before, context())).references?.[0]?.digest).toBe(
      before.references?.[0]?.digest,
    );
    expect(
      (await images.discover(versions, before, context({ revalidate: true }))).references?.[0]
        ?.digest,
    ).toBe(repushed);
  });

  it('authenticates with Basic credentials, and says why it cannot', async () => {
    const sub = subscription({ repoURL: `${basic.host}/team/api` });
    expect((await failure(discovery().discover(sub, undefined, context()))).message).toBe(
      'registry answered 401: no credentials matched this repository',
    );
    const refused = await failure(
      discovery().discover(
        sub,
        undefined,
        context({ credentials: { username: 'ci', password: 'nope' } }),
      ),
    );
    expect(refused.message).toBe(
      "registry answered 401: the project's credentials for this repository were refused",
    );
    expect(refused.message).not.toContain('nope');
    expect(refused.transient).toBe(false);
    const found = await discovery().discover(
      sub,
      undefined,
      context({ credentials: { username: basic.username, password: basic.password } }),
    );
    expect(found.references?.map((r) => r.tag)).toEqual(['1.0.0']);
  });

  it('gets bearer tokens from the challenge and reuses them until they expire', async () => {
    const images = discovery();
    const sub = subscription({ repoURL: `${token.host}/team/api` });
    const credentials = { username: token.username, password: token.password };
    const anonymous = await failure(images.discover(sub, undefined, context()));
    expect(anonymous.message).toMatch(/^registry answered 401: no credentials matched/);
    const before = token.tokenRequests;
    const first = await images.discover(sub, undefined, context({ credentials }));
    expect(first.references?.map((r) => r.tag)).toEqual(['1.0.0']);
    expect(token.tokenRequests).toBe(before + 1);
    await images.discover(sub, first, context({ credentials }));
    expect(token.tokenRequests).toBe(before + 1);
  });

  it('follows Link pagination and costs one request when nothing changed', async () => {
    const tags = Array.from({ length: 2_500 }, (_, i) => `1.${Math.floor(i / 100)}.${i % 100}`);
    fake.setTags('big/app', tags);
    const registry = new RegistryClient({ http });
    const images = new ImageDiscovery(registry);
    const sub = subscription({ repoURL: `${fake.host}/big/app` });
    fake.resetRequests();
    const first = await images.discover(sub, undefined, context());
    expect(first.references?.map((r) => r.tag).slice(0, 3)).toEqual([
      '1.24.99',
      '1.24.98',
      '1.24.97',
    ]);
    expect(first.references).toHaveLength(20);
    const listing = fake.requests.filter((r) => r.path.includes('/tags/list'));
    expect(listing).toHaveLength(3);
    expect(fake.requests).toHaveLength(3 + 20);

    fake.resetRequests();
    const again = await images.discover(sub, first, context());
    expect(again).toEqual(first);
    expect(fake.requests.filter((r) => !r.path.includes('/tags/list'))).toEqual([]);

    fake.setTags('big/app', [...tags, '1.25.0']);
    fake.resetRequests();
    const newer = await images.discover(sub, again, context());
    expect(newer.references?.[0]?.tag).toBe('1.25.0');
    expect(fake.requests.filter((r) => r.path.includes('/manifests/'))).toHaveLength(1);
  });

  it('waits out 429 answers and retries', async () => {
    fake.addImage('limited/app', '1.0.0');
    const images = new ImageDiscovery(new RegistryClient({ http }));
    fake.rateLimit(2, 0);
    fake.resetRequests();
    const found = await images.discover(
      subscription({ repoURL: `${fake.host}/limited/app` }),
      undefined,
      context(),
    );
    expect(found.references?.map((r) => r.tag)).toEqual(['1.0.0']);
    expect(fake.requests.filter((r) => r.path.includes('/tags/list'))).toHaveLength(3);
  });

  it('reports an unreachable registry as transient and a missing repository as not', async () => {
    const unreachable = await failure(
      new ImageDiscovery(new RegistryClient({ http, attempts: 1 })).discover(
        subscription({ repoURL: '127.0.0.1:1/team/api' }),
        undefined,
        context(),
      ),
    );
    expect(unreachable.message).toMatch(/^cannot reach registry 127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect(unreachable.transient).toBe(true);
    const missing = await failure(
      discovery().discover(
        subscription({ repoURL: `${open.host}/team/nothing` }),
        undefined,
        context(),
      ),
    );
    expect(missing.message).toBe('registry answered 404: repository not found');
    const none = await discovery().discover(
      subscription({ repoURL: `${open.host}/team/api`, constraint: '^9' }),
      undefined,
      context(),
    );
    expect(none.references).toEqual([]);
  });
});
