import { createHash } from 'node:crypto';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startRegistry, type TestRegistry } from '../../../test/registry.js';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import { noArtifactRegistry, type ArtifactRegistry } from '../../artifacts/artifact-registry.js';
import type { StepDefinition } from '../../engine/step.js';
import { HttpGetter } from '../../sources/http-get.js';
import { ArtifactRegistryClient } from '../../sources/oci/artifact-registry-client.js';
import { RegistryClient } from '../../sources/oci/registry-client.js';
import { annotationScopes, createOciPushStep, MAX_OCI_PUSH_BYTES } from '../oci-push.js';
import { ociPushCases, type OciPushCase } from './oci-push.cases.js';
import { compatIt, expectConfigCheck } from './row-case.js';

describe('oci-push as Kargo (oci_pusher_test.go)', { timeout: 120_000 }, () => {
  let registry: TestRegistry;
  let http: HttpGetter;
  let artifacts: ArtifactRegistryClient;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    http = new HttpGetter();
    artifacts = new ArtifactRegistryClient(new RegistryClient({ http, attempts: 1 }));
    const [image, index, annotated] = await Promise.all([
      registry.pushImage('test/image', 'v1.0.0'),
      registry.pushIndex('test/multiarch', 'v1.0.0', [
        { os: 'linux', architecture: 'amd64' },
        { os: 'linux', architecture: 'arm64' },
      ]),
      registry.pushImage('test/annotated', 'v1', { annotations: { existing: 'annotation' } }),
      registry.pushImage('test/scoped', 'v1'),
      registry.pushArtifact('test/oci', 'v1', []),
    ]);
    Object.assign(digests, { $IMAGE: image, $INDEX: index.digest, $ANNOTATED: annotated });
  });
  afterAll(async () => {
    http.close();
    await registry.stop();
  });

  /** The case's values with `$REGISTRY` and the digests of the fixtures filled in. */
  const fill = <T>(value: T): T => {
    let text = JSON.stringify(value).replaceAll('$REGISTRY', registry.host);
    for (const [name, digest] of Object.entries(digests)) text = text.replaceAll(name, digest);
    return JSON.parse(text) as T;
  };

  /** A registry with one source manifest of a media type no registry would store. */
  const oddSource = (mediaType: string): ArtifactRegistry => {
    const bytes = Buffer.from('{}');
    return {
      ...noArtifactRegistry,
      rawManifest: () =>
        Promise.resolve({
          mediaType,
          bytes,
          digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
        }),
    };
  };

  const expectAnnotations = (
    actual: unknown,
    expected: Record<string, string | null> | undefined,
  ) => {
    const annotations = (actual ?? {}) as Record<string, string>;
    for (const [key, value] of Object.entries(expected ?? {}))
      expect(annotations[key], key).toBe(value ?? undefined);
  };

  const check = async (c: OciPushCase) => {
    if (c.scopes) {
      const { annotations, index, manifest } = c.scopes;
      expect(annotationScopes(annotations)).toEqual({ index, manifest });
      return;
    }
    const config = fill(c.config ?? {});
    let step: StepDefinition = createOciPushStep({
      maxArtifactBytes: c.maxArtifactBytes ?? MAX_OCI_PUSH_BYTES,
    });
    if (c.validateOnly) return expectConfigCheck(step, config, c.error);
    // Kargo's run tables call run directly: the config is not checked first.
    if (c.unchecked) step = { ...step, configSchema: z.any() };
    const harness = createStepHarness({
      artifacts: c.sourceMediaType ? oddSource(c.sourceMediaType) : artifacts,
    });
    const credentialsFor = (url: string) =>
      url === c.credentialsError
        ? Promise.reject(new Error('source cred error'))
        : Promise.resolve({ username: registry.username, password: registry.password });
    try {
      if (c.error !== undefined) {
        const err = await stepError(harness.run(step, config, { credentialsFor }));
        expect(err.message).toContain(c.error);
        if (c.terminal !== undefined) expect(err.terminal).toBe(c.terminal);
        return;
      }
      const outcome = await harness.run(step, config, { credentialsFor });
      expect(outcome.status).toBe('Succeeded');
      if (c.output) expect(outcome.output).toMatchObject(fill(c.output));
      if (!c.dest) return;
      const dest = fill(c.dest);
      const stored = await registry.manifest(dest.repo, dest.reference);
      expect(stored).toBeDefined();
      expect(stored?.digest).toBe((outcome.output as { digest: string }).digest);
      if (dest.digest) expect(stored?.digest).toBe(dest.digest);
      if (dest.index !== undefined) expect(Array.isArray(stored?.body.manifests)).toBe(dest.index);
      expectAnnotations(stored?.body.annotations, dest.annotations);
      if (dest.childAnnotations) {
        const entries = stored?.body.manifests as Array<{ digest: string }>;
        expect(entries.length).toBeGreaterThan(0);
        for (const entry of entries) {
          const child = await registry.manifest(dest.repo, entry.digest);
          expect(child?.digest).toBe(entry.digest);
          expectAnnotations(child?.body.annotations, dest.childAnnotations);
        }
      }
    } finally {
      harness.cleanup();
    }
  };

  for (const c of ociPushCases) compatIt(c, () => check(c));
});
