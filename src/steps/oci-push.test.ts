import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type TestRegistry } from '../../test/registry.js';
import { createStepHarness, stepError } from '../../test/step-harness.js';
import { HttpGetter, type HttpRequestOptions } from '../sources/http-get.js';
import { ArtifactRegistryClient } from '../sources/oci/artifact-registry-client.js';
import { RegistryClient } from '../sources/oci/registry-client.js';
import { createOciPushStep, ociPushStep, parseOciReference } from './oci-push.js';

/** An HttpGetter that remembers what it was asked: `METHOD host/path?query`. */
class RecordingHttp extends HttpGetter {
  readonly calls: string[] = [];
  override request(url: string, options: HttpRequestOptions = {}) {
    this.calls.push(`${options.method ?? 'GET'} ${url.replace(/^https?:\/\//, '')}`);
    return super.request(url, options);
  }
  override open(url: string, options: HttpRequestOptions = {}) {
    this.calls.push(`${options.method ?? 'GET'} ${url.replace(/^https?:\/\//, '')}`);
    return super.open(url, options);
  }
}

const READ_ONLY = { username: 'reader', password: 'read-only-secret' };

/**
 * oci-push against two real registries (Debian's docker-registry): `a` with Basic auth, `b`
 * with Bearer tokens whose scopes its token server grants (and a read-only account).
 */
describe('oci-push on real registries', { timeout: 120_000 }, () => {
  let a: TestRegistry;
  let b: TestRegistry;
  let http: RecordingHttp;
  let artifacts: ArtifactRegistryClient;
  let image: string;
  let index: { digest: string; children: Record<string, string> };
  let chart: string;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      startRegistry({ auth: 'htpasswd' }),
      startRegistry({ auth: 'token', readOnly: READ_ONLY }),
    ]);
    http = new RecordingHttp();
    artifacts = new ArtifactRegistryClient(new RegistryClient({ http, attempts: 1 }));
    [image, index, chart] = await Promise.all([
      a.pushImage('team/api', 'v1', { annotations: { existing: 'kept' } }),
      a.pushIndex('team/web', 'v1', [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64', variant: 'v8' },
        { os: 'windows', architecture: 'amd64' },
      ]),
      a.pushChart('charts/shop', 'shop', '1.2.3'),
      b.pushImage('team/api', 'v1'),
    ]);
  });
  afterAll(async () => {
    http.close();
    await Promise.all([a.stop(), b.stop()]);
  });

  /** Each registry's own credentials (or `override` for one repository); lookups are recorded. */
  function credentials(override?: { url: string; username: string; password: string }) {
    const lookups: string[] = [];
    const credentialsFor = (url: string, kind?: string) => {
      lookups.push(`${kind} ${url}`);
      const host = url.replace(/^oci:\/\//, '').split('/')[0];
      if (override && url === override.url)
        return Promise.resolve({ username: override.username, password: override.password });
      const registry = host === a.host ? a : b;
      return Promise.resolve({ username: registry.username, password: registry.password });
    };
    return { lookups, credentialsFor };
  }

  async function push(config: Record<string, unknown>, options: { plan?: boolean } = {}) {
    const harness = createStepHarness({ artifacts, plan: options.plan ?? false });
    const creds = credentials();
    try {
      const from = http.calls.length;
      const outcome = await harness.run(ociPushStep, config, {
        credentialsFor: creds.credentialsFor,
      });
      return { outcome, lookups: creds.lookups, calls: http.calls.slice(from), logs: harness.logs };
    } finally {
      harness.cleanup();
    }
  }

  it('copies an image to another repository of its registry by mounting its blobs', async () => {
    const { outcome, calls } = await push({
      srcRef: `${a.host}/team/api:v1`,
      destRef: `${a.host}/prod/api:v1`,
    });
    expect(outcome).toMatchObject({
      status: 'Succeeded',
      output: { image: `${a.host}/prod/api:v1`, digest: image, tag: 'v1' },
    });
    const copied = await a.manifest('prod/api', 'v1');
    expect(copied?.digest).toBe(image);
    expect((copied?.body.annotations as Record<string, string>).existing).toBe('kept');
    const mounts = calls.filter((c) =>
      c.startsWith(`POST ${a.host}/v2/prod/api/blobs/uploads/?mount=`),
    );
    expect(mounts).toHaveLength(2); // config and layer
    expect(mounts.every((c) => c.endsWith('&from=team%2Fapi'))).toBe(true);
    expect(calls.filter((c) => /^PUT .*\/blobs\/uploads\//.test(c))).toEqual([]);
  });

  it('copies an index with every platform to another registry, with push scope there only', async () => {
    const scopesBefore = b.tokenScopes.length;
    const { outcome, lookups, calls } = await push({
      srcRef: `${a.host}/team/web:v1`,
      destRef: `${b.host}/prod/web:2.0`,
    });
    expect(outcome).toMatchObject({
      status: 'Succeeded',
      output: { image: `${b.host}/prod/web:2.0`, digest: index.digest, tag: '2.0' },
    });
    expect(lookups).toEqual([`image ${a.host}/team/web`, `image ${b.host}/prod/web`]);
    const copied = await b.manifest('prod/web', '2.0');
    expect(copied?.digest).toBe(index.digest);
    expect(copied?.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    for (const digest of Object.values(index.children)) {
      const child = await b.manifest('prod/web', digest);
      expect(child?.digest).toBe(digest);
      const blobs = [
        child?.body.config as { digest: string },
        ...(child?.body.layers as Array<{ digest: string }>),
      ];
      for (const blob of blobs) expect(await b.hasBlob('prod/web', blob.digest)).toBe(true);
    }
    // Three images of a config and a layer each, streamed across: no mount between registries.
    expect(
      calls.filter((c) => c.startsWith(`PUT ${b.host}/v2/prod/web/blobs/uploads/`)),
    ).toHaveLength(6);
    expect(calls.some((c) => c.includes('mount='))).toBe(false);
    expect(new Set(b.tokenScopes.slice(scopesBefore))).toEqual(
      new Set(['repository:prod/web:pull,push']),
    );
  });

  it('copies a Docker-format image as it is, media type and digest', async () => {
    const docker = await a.pushImage('team/legacy', 'v1', { format: 'docker' });
    const { outcome } = await push({
      srcRef: `${a.host}/team/legacy:v1`,
      destRef: `${b.host}/prod/legacy:v1`,
    });
    expect((outcome.output as { digest: string }).digest).toBe(docker);
    const copied = await b.manifest('prod/legacy', 'v1');
    expect(copied?.digest).toBe(docker);
    expect(copied?.mediaType).toBe('application/vnd.docker.distribution.manifest.v2+json');
  });

  it('retags in place without moving a blob', async () => {
    const { outcome, calls } = await push({
      srcRef: `${a.host}/team/api@${image}`,
      destRef: `${a.host}/team/api:stable`,
    });
    expect(outcome.output).toEqual({
      image: `${a.host}/team/api:stable`,
      digest: image,
      tag: 'stable',
    });
    expect((await a.manifest('team/api', 'stable'))?.digest).toBe(image);
    expect(calls.filter((c) => c.startsWith('POST ') || c.includes('/blobs/uploads/'))).toEqual([]);
    expect(calls.filter((c) => c.startsWith('PUT '))).toEqual([
      `PUT ${a.host}/v2/team/api/manifests/stable`,
    ]);
  });

  it('copies a Helm chart (oci://) with its media types, under Helm credentials', async () => {
    const { outcome, lookups } = await push({
      srcRef: `oci://${a.host}/charts/shop:1.2.3`,
      destRef: `oci://${b.host}/charts/shop:1.2.3`,
    });
    expect(outcome.output).toEqual({
      image: `${b.host}/charts/shop:1.2.3`,
      digest: chart,
      tag: '1.2.3',
    });
    expect(lookups).toEqual([
      `helm oci://${a.host}/charts/shop`,
      `helm oci://${b.host}/charts/shop`,
    ]);
    const copied = await b.manifest('charts/shop', '1.2.3');
    expect(copied?.digest).toBe(chart);
    expect((copied?.body.config as { mediaType: string }).mediaType).toBe(
      'application/vnd.cncf.helm.config.v1+json',
    );
    expect((copied?.body.layers as Array<{ mediaType: string }>)[0]?.mediaType).toBe(
      'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
    );
  });

  it('annotates an index and its images, and reports the digest the registry stored', async () => {
    const { outcome } = await push({
      srcRef: `${a.host}/team/web:v1`,
      destRef: `${b.host}/prod/web:annotated`,
      annotations: { 'index:release': '2.0 & up', 'manifest:built-by': 'ci', team: 'web' },
    });
    const digest = (outcome.output as { digest: string }).digest;
    expect(digest).not.toBe(index.digest);
    const copied = await b.manifest('prod/web', 'annotated');
    expect(copied?.digest).toBe(digest);
    expect(copied?.body.annotations).toEqual({ release: '2.0 & up' });
    const entries = copied?.body.manifests as Array<{ digest: string; size: number }>;
    expect(entries).toHaveLength(3);
    for (const entry of entries) {
      expect(Object.values(index.children)).not.toContain(entry.digest);
      const child = await b.manifest('prod/web', entry.digest);
      expect(child?.digest).toBe(entry.digest);
      expect(child?.body.annotations).toEqual({ 'built-by': 'ci', team: 'web' });
    }
  });

  it('a missing source is a terminal error, and nothing is pushed', async () => {
    const err = await stepError(
      push({ srcRef: `${a.host}/team/none:v1`, destRef: `${b.host}/prod/none:v1` }),
    );
    expect(err.terminal).toBe(true);
    expect(err.message).toBe(
      `failed to get source artifact "${a.host}/team/none:v1": registry answered 404: manifest v1 not found`,
    );
    expect(await b.manifest('prod/none', 'v1')).toBeUndefined();
  });

  it('a push the destination refuses to these credentials is terminal and names no secret', async () => {
    for (const [registry, account, source] of [
      [b, READ_ONLY, a],
      [a, { username: a.username, password: 'wrong-password-123' }, b],
      [a, { username: a.username, password: 'wrong-password-123' }, a],
    ] as const) {
      const harness = createStepHarness({ artifacts });
      const creds = credentials({ url: `${registry.host}/refused/api`, ...account });
      try {
        const err = await stepError(
          harness.run(
            ociPushStep,
            { srcRef: `${source.host}/team/api:v1`, destRef: `${registry.host}/refused/api:v1` },
            { credentialsFor: creds.credentialsFor },
          ),
        );
        expect(err.terminal).toBe(true);
        expect(err.message).toContain(`"${registry.host}/refused/api:v1"`);
        expect(err.message).toContain("the project's credentials for this repository were refused");
        expect(err.message).not.toContain(account.password);
        expect(await registry.manifest('refused/api', 'v1')).toBeUndefined();
      } finally {
        harness.cleanup();
      }
    }
  });

  it('plan mode reads the source and pushes nothing', async () => {
    const { outcome, calls, logs } = await push(
      { srcRef: `${a.host}/team/web:v1`, destRef: `${b.host}/planned/web:v1` },
      { plan: true },
    );
    expect(outcome.output).toEqual({
      image: `${b.host}/planned/web:v1`,
      digest: index.digest,
      tag: 'v1',
    });
    expect(calls.filter((c) => !/^(GET|HEAD) /.test(c))).toEqual([]);
    expect(calls.some((c) => c.includes(b.host))).toBe(false);
    expect(logs.join('\n')).toContain('plan: would push');
    expect(await b.manifest('planned/web', 'v1')).toBeUndefined();
  });

  it('a copy larger than the limit is refused before anything moves; a retag is never limited', async () => {
    const tiny = createOciPushStep({ maxArtifactBytes: 100 });
    const harness = createStepHarness({ artifacts });
    const creds = credentials();
    try {
      const err = await stepError(
        harness.run(
          tiny,
          { srcRef: `${a.host}/team/web:v1`, destRef: `${a.host}/big/web:v1` },
          { credentialsFor: creds.credentialsFor },
        ),
      );
      expect(err.terminal).toBe(true);
      expect(err.message).toMatch(
        /^compressed artifact size \d+ bytes exceeds maximum allowed size of 100 bytes$/,
      );
      expect(await a.manifest('big/web', 'v1')).toBeUndefined();
      const retag = await harness.run(
        tiny,
        { srcRef: `${a.host}/team/web:v1`, destRef: `${a.host}/team/web:same` },
        { credentialsFor: creds.credentialsFor },
      );
      expect(retag.status).toBe('Succeeded');
    } finally {
      harness.cleanup();
    }
  });
});

describe('parseOciReference', () => {
  it.each([
    [
      'oci://127.0.0.1:5000/charts/shop:1.0',
      '127.0.0.1:5000/charts/shop',
      '1.0',
      'helm',
      'oci://127.0.0.1:5000/charts/shop',
    ],
    ['ghcr.io/acme/api:v1', 'ghcr.io/acme/api', 'v1', 'image', 'ghcr.io/acme/api'],
    ['ghcr.io/acme/api', 'ghcr.io/acme/api', 'latest', 'image', 'ghcr.io/acme/api'],
    ['nginx:1.27', 'nginx', '1.27', 'image', 'nginx'],
  ])('%s', (ref, repository, reference, kind, credentialsUrl) => {
    expect(parseOciReference(ref)).toMatchObject({ repository, reference, kind, credentialsUrl });
  });

  it('a digest wins over a tag written before it, and Docker Hub names agree', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseOciReference(`ghcr.io/acme/api:v1@${digest}`)).toMatchObject({
      repository: 'ghcr.io/acme/api',
      reference: digest,
      tag: '',
    });
    expect(parseOciReference('nginx:1').context).toBe(
      parseOciReference('docker.io/library/nginx:2').context,
    );
  });

  it.each([
    ['invalid::ref', '"invalid:" is not a repository name'],
    ['ghcr.io/Acme/api:v1', 'is not a repository name'],
    ['ghcr.io/acme/api@sha256:abc', 'is not a sha256 digest'],
  ])('%s is refused', (ref, why) => {
    expect(() => parseOciReference(ref)).toThrow(why);
  });
});
