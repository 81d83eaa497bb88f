import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { content } from '../../../test/oci-content.js';
import { startRegistry, type TestRegistry } from '../../../test/registry.js';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import { parseStepConfig } from '../../engine/step-config.js';
import { HttpGetter } from '../../sources/http-get.js';
import { ArtifactRegistryClient } from '../../sources/oci/artifact-registry-client.js';
import { RegistryClient } from '../../sources/oci/registry-client.js';
import { ociDownloadStep } from '../oci-download.js';
import { ociDownloadCases, type OciDownloadCase } from './oci-download.cases.js';

describe('oci-download as Kargo (oci_downloader_test.go)', { timeout: 120_000 }, () => {
  let registry: TestRegistry;
  let http: HttpGetter;
  let artifacts: ArtifactRegistryClient;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'htpasswd' });
    http = new HttpGetter();
    artifacts = new ArtifactRegistryClient(new RegistryClient({ http, attempts: 1 }));
    await registry.pushArtifact('art', 'v1', [
      content('text/plain', 'first layer\n'),
      content('application/vnd.example.second', 'second layer\n'),
    ]);
    await registry.pushArtifact('empty', 'v1', []);
    await registry.pushChart('chart', 'chart', '1.0.0');
  });
  afterAll(async () => {
    http.close();
    await registry.stop();
  });

  const fill = <T>(value: T): T =>
    JSON.parse(JSON.stringify(value).replaceAll('$REGISTRY', registry.host)) as T;

  const check = async (c: OciDownloadCase) => {
    const config = fill(c.config);
    if (c.validateOnly) {
      let message = '';
      try {
        parseStepConfig(ociDownloadStep, config);
      } catch (err) {
        message = (err as Error).message;
      }
      if (c.error === undefined) expect(message).toBe('');
      else expect(message).toContain(c.error);
      return;
    }
    const harness = createStepHarness({ artifacts });
    const lookups: Array<{ kind: string; url: string }> = [];
    const credentialsFor = (url: string, kind?: string) => {
      lookups.push({ kind: kind ?? 'git', url });
      return Promise.resolve({ username: registry.username, password: registry.password });
    };
    try {
      for (const [path, text] of Object.entries(c.files ?? {})) {
        mkdirSync(dirname(join(harness.workDir.root, path)), { recursive: true });
        writeFileSync(join(harness.workDir.root, path), text);
      }
      if (c.error !== undefined) {
        const err = await stepError(harness.run(ociDownloadStep, config, { credentialsFor }));
        expect(err.message).toContain(c.error);
        for (const [path, text] of Object.entries(c.files ?? {}))
          expect(readFileSync(join(harness.workDir.root, path), 'utf8')).toBe(text);
        return;
      }
      const outcome = await harness.run(ociDownloadStep, config, { credentialsFor });
      expect(outcome.status).toBe('Succeeded');
      if (c.expectFile) {
        const file = join(harness.workDir.root, c.expectFile.path);
        expect(readFileSync(file, 'utf8')).toBe(c.expectFile.content);
        expect(statSync(file).mode & 0o777).toBe(0o600);
      }
      if (c.lookup) expect(lookups).toEqual([fill(c.lookup)]);
    } finally {
      harness.cleanup();
    }
  };

  for (const c of ociDownloadCases) {
    const title = c.differs ? `${c.upstream} (differs: ${c.differs})` : c.upstream;
    if (c.notRun)
      it(`${title} — not run here: ${c.notRun}`, () =>
        expect(c.notRun!.length).toBeGreaterThan(10));
    else it(title, () => check(c));
  }
});
