import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartSubscriptionSchema } from '../../api/warehouse.js';
import { startHelmRepository, type HelmRepository } from '../../../test/helm-repository.js';
import { startRegistry, type TestRegistry } from '../../../test/registry.js';
import { DiscoveryError, type DiscoveryContext, type DiscoveryCredentials } from '../discovery.js';
import { HttpGetter } from '../http-get.js';
import { RegistryClient } from '../oci/registry-client.js';
import { ChartDiscovery } from './chart-discovery.js';

const context = (credentials?: DiscoveryCredentials): DiscoveryContext => ({
  project: 'demo',
  credentialsFor: () => Promise.resolve(credentials),
  signal: new AbortController().signal,
  revalidate: false,
  now: () => new Date(),
});

const subscription = (fields: Record<string, unknown>) => chartSubscriptionSchema.parse(fields);

async function failure(promise: Promise<unknown>): Promise<DiscoveryError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DiscoveryError) return err;
    throw err;
  }
  throw new Error('expected a DiscoveryError');
}

describe('ChartDiscovery', () => {
  const http = new HttpGetter();
  let classic: HelmRepository;
  let secured: HelmRepository;
  let registry: TestRegistry;

  beforeAll(async () => {
    [classic, secured, registry] = await Promise.all([
      startHelmRepository(),
      startHelmRepository({ username: 'ci', password: 'helm-pass' }),
      startRegistry(),
    ]);
    classic.setIndex({
      api: [
        { version: '0.9.0' },
        { version: '1.0.0' },
        { version: '1.2.0-rc.1' },
        { version: '1.1.0' },
      ],
      worker: [{ version: '3.0.0' }],
    });
    secured.setIndex({ api: [{ version: '2.0.0' }] });
  });
  afterAll(async () => {
    http.close();
    await Promise.all([classic.stop(), secured.stop(), registry.stop()]);
  });

  const discovery = () => new ChartDiscovery(http, new RegistryClient({ http }));

  it.each([
    ['every version, highest first', {}, ['1.2.0-rc.1', '1.1.0', '1.0.0', '0.9.0']],
    ['within a constraint', { semverConstraint: '^1.0.0' }, ['1.1.0', '1.0.0']],
    ['up to the discoveryLimit', { discoveryLimit: 2 }, ['1.2.0-rc.1', '1.1.0']],
  ])('lists a classic repository chart: %s', async (_name, fields, versions) => {
    const found = await discovery().discover(
      subscription({ repoURL: classic.url, name: 'api', ...fields }),
      undefined,
      context(),
    );
    expect(found.versions).toEqual(versions);
    expect(found.name).toBe('api');
  });

  it('revalidates index.yaml with its ETag: an unchanged index costs a 304', async () => {
    const charts = discovery();
    const sub = subscription({ repoURL: `${classic.url}/`, name: 'worker' });
    await charts.discover(sub, undefined, context());
    const seen = classic.requests.length;
    expect((await charts.discover(sub, undefined, context())).versions).toEqual(['3.0.0']);
    expect(classic.requests.length).toBe(seen + 1);
    classic.setIndex({ worker: [{ version: '3.0.0' }, { version: '3.1.0' }] });
    expect((await charts.discover(sub, undefined, context())).versions).toEqual(['3.1.0', '3.0.0']);
  });

  it('says what is wrong with a repository', async () => {
    const missing = await failure(
      discovery().discover(
        subscription({ repoURL: classic.url, name: 'nope' }),
        undefined,
        context(),
      ),
    );
    expect(missing.message).toBe(`no chart named nope in ${classic.url}/index.yaml`);
    const broken = await startHelmRepository();
    broken.setFile('index.yaml', 'entries: [unclosed');
    const malformed = await failure(
      discovery().discover(
        subscription({ repoURL: broken.url, name: 'api' }),
        undefined,
        context(),
      ),
    );
    expect(malformed.message).toMatch(
      new RegExp(`^${broken.url}/index.yaml is not a Helm repository index: `),
    );
    broken.setFile('index.yaml', 'apiVersion: v1\n');
    const noEntries = await failure(
      discovery().discover(
        subscription({ repoURL: broken.url, name: 'api' }),
        undefined,
        context(),
      ),
    );
    expect(noEntries.message).toBe(
      `${broken.url}/index.yaml is not a Helm repository index: it has no entries map`,
    );
    await broken.stop();
  });

  it('uses the project credentials for a protected repository', async () => {
    const sub = subscription({ repoURL: secured.url, name: 'api' });
    expect((await failure(discovery().discover(sub, undefined, context()))).message).toBe(
      'repository answered 401: no credentials matched this repository',
    );
    const found = await discovery().discover(
      sub,
      undefined,
      context({ username: 'ci', password: 'helm-pass' }),
    );
    expect(found.versions).toEqual(['2.0.0']);
  });

  it('lists an OCI chart by its tags, with + written as _', async () => {
    await registry.pushChart('charts/api', 'api', '1.0.0');
    await registry.pushChart('charts/api', 'api', '1.1.0+build.7');
    const found = await discovery().discover(
      subscription({ repoURL: `oci://${registry.host}/charts/api`, semverConstraint: '>=1.0' }),
      undefined,
      context(),
    );
    expect(found.versions).toEqual(['1.1.0+build.7', '1.0.0']);
  });
});
