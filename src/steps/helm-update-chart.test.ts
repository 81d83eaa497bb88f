import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHelmRepository, type HelmRepository } from '../../test/helm-repository.js';
import { startRegistry, type TestRegistry } from '../../test/registry.js';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import { packChart, readChartArchive } from '../helm/chart-archive.js';
import { lockDigest, parseLock } from '../helm/chart-lock.js';
import { parseChartMetadata } from '../helm/chart-metadata.js';
import { HttpGetter } from '../sources/http-get.js';
import { ChartSourceClient } from '../sources/helm/chart-source-client.js';
import { RegistryClient } from '../sources/oci/registry-client.js';
import { helmUpdateChartStep } from './helm-update-chart.js';

/**
 * helm-update-chart against real repositories: a classic chart repository over HTTP
 * (test/helm-repository.ts) and Debian's docker-registry with Basic auth holding charts as OCI
 * artifacts (test/registry.ts), reached through ChartSourceClient as the server reaches them.
 * Kargo's own cases are in compat/helm-update-chart.cases.ts.
 */
describe('helm-update-chart with real chart repositories', { timeout: 120_000 }, () => {
  let repo: HelmRepository;
  let registry: TestRegistry;
  let http: HttpGetter;
  let charts: ChartSourceClient;

  const archive = (name: string, version: string, extra = '') =>
    packChart(name, [
      {
        path: 'Chart.yaml',
        content: Buffer.from(`apiVersion: v2\nname: ${name}\nversion: ${version}\n${extra}`),
      },
      { path: 'values.yaml', content: Buffer.from(`image: ${name}:${version}\n`) },
    ]);

  function publish(versions: Record<string, string[]>) {
    for (const [name, list] of Object.entries(versions))
      for (const version of list) repo.setFile(`${name}-${version}.tgz`, archive(name, version));
    repo.setIndex(
      Object.fromEntries(
        Object.entries(versions).map(([name, list]) => [
          name,
          list.map((version) => ({ version })),
        ]),
      ),
    );
  }

  beforeAll(async () => {
    [repo, registry] = await Promise.all([
      startHelmRepository(),
      startRegistry({ auth: 'htpasswd' }),
    ]);
    http = new HttpGetter();
    charts = new ChartSourceClient(http, new RegistryClient({ http, attempts: 1 }));
    await registry.pushChart('charts/db', 'db', '0.2.0');
    await registry.pushChart('charts/db', 'db', '0.2.5+build.7');
    await registry.pushChart('charts/db', 'db', '0.3.0');
  });
  afterAll(async () => {
    http.close();
    await Promise.all([repo.stop(), registry.stop()]);
  });

  function withChart(harness: StepHarness, files: Record<string, string>) {
    for (const [path, text] of Object.entries(files)) {
      const at = join(harness.workDir.root, path);
      mkdirSync(dirname(at), { recursive: true });
      writeFileSync(at, text);
    }
    return (path: string) => readFileSync(join(harness.workDir.root, path));
  }

  it('resolves a range from an HTTP index, fetches the archive and pins it; a re-run changes nothing; a new version moves it', async () => {
    publish({ web: ['1.0.0', '1.2.0', '2.0.0'], other: ['9.9.9'] });
    const harness = createStepHarness({ charts });
    try {
      const chartYaml = `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n  # the front end\n  - name: web\n    version: ^1.0.0\n    repository: ${repo.url}\n`;
      const read = withChart(harness, {
        'app/Chart.yaml': chartYaml,
        'app/charts/README.md': 'not a chart\n',
      });
      const first = await harness.run(helmUpdateChartStep, { path: 'app' });
      expect(first.output).toEqual({
        commitMessage: 'Updated chart dependencies for app\n\n- web: 1.2.0',
      });
      expect(read('app/Chart.yaml').toString()).toBe(chartYaml);
      expect(read('app/charts/web-1.2.0.tgz').equals(archive('web', '1.2.0'))).toBe(true);
      const lockText = read('app/Chart.lock').toString();
      expect(lockText).toBe(
        `dependencies:\n- name: web\n  repository: ${repo.url}\n  version: 1.2.0\ndigest: ${lockDigest(parseChartMetadata(chartYaml).dependencies, [{ name: 'web', repository: repo.url, version: '1.2.0' }])}\ngenerated: "2026-11-22T10:00:00Z"\n`,
      );

      // Nothing new: no output, Chart.lock byte for byte as it was.
      const again = await harness.run(
        helmUpdateChartStep,
        { path: 'app' },
        { now: () => new Date('2026-12-01T00:00:00Z') },
      );
      expect(again).toEqual({ status: 'Succeeded' });
      expect(read('app/Chart.lock').toString()).toBe(lockText);

      publish({ web: ['1.0.0', '1.2.0', '1.3.0', '2.0.0'] });
      const moved = await harness.run(helmUpdateChartStep, { path: 'app' });
      expect(moved.output?.['commitMessage']).toBe(
        'Updated chart dependencies for app\n\n- web: 1.2.0 -> 1.3.0',
      );
      expect(readdirSync(join(harness.workDir.root, 'app/charts')).sort()).toEqual([
        'README.md',
        'web-1.3.0.tgz',
      ]);
      expect(parseLock(read('app/Chart.lock').toString()).dependencies).toEqual([
        { name: 'web', repository: repo.url, version: '1.3.0' },
      ]);
    } finally {
      harness.cleanup();
    }
  });

  // The new value is written as Kargo's yaml-update writes it (quotes only where YAML needs them).
  it('sets the versions `charts` names in Chart.yaml, leaving the rest of the file as it was', async () => {
    publish({ web: ['1.0.0', '1.2.0'] });
    const harness = createStepHarness({ charts });
    try {
      const read = withChart(harness, {
        'app/Chart.yaml': `apiVersion: v2\nname: app   # keep\nversion: 0.1.0\ndependencies:\n  - name: web\n    version: "1.0.0"\n    repository: ${repo.url}\n`,
      });
      const outcome = await harness.run(helmUpdateChartStep, {
        path: 'app',
        charts: [{ repository: repo.url, name: 'web', version: '1.2.0' }],
      });
      expect(outcome.output?.['commitMessage']).toBe(
        'Updated chart dependencies for app\n\n- web: 1.2.0',
      );
      expect(read('app/Chart.yaml').toString()).toBe(
        `apiVersion: v2\nname: app   # keep\nversion: 0.1.0\ndependencies:\n  - name: web\n    version: 1.2.0\n    repository: ${repo.url}\n`,
      );
      expect(existsSync(join(harness.workDir.root, 'app/charts/web-1.2.0.tgz'))).toBe(true);
    } finally {
      harness.cleanup();
    }
  });

  it('pulls charts from an OCI registry with the project credentials, resolving ranges over the tags', async () => {
    const harness = createStepHarness({
      charts,
      credentials: { username: registry.username, password: registry.password },
    });
    try {
      const oci = `oci://${registry.host}/charts`;
      const read = withChart(harness, {
        'app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: db\n  version: ~0.2.0-0\n  repository: ${oci}\n`,
      });
      const outcome = await harness.run(helmUpdateChartStep, { path: 'app' });
      expect(outcome.output?.['commitMessage']).toBe(
        'Updated chart dependencies for app\n\n- db: 0.2.5+build.7',
      );
      const meta = await readChartArchive(read('app/charts/db-0.2.5+build.7.tgz'));
      expect([meta.name, meta.version]).toEqual(['db', '0.2.5+build.7']);
      expect(parseLock(read('app/Chart.lock').toString()).dependencies).toEqual([
        { name: 'db', repository: oci, version: '0.2.5+build.7' },
      ]);
    } finally {
      harness.cleanup();
    }
  });

  it('says the registry refused when the project has no credentials for it', async () => {
    const harness = createStepHarness({ charts });
    try {
      withChart(harness, {
        'app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: db\n  version: 0.2.0\n  repository: oci://${registry.host}/charts\n`,
      });
      const err = await stepError(harness.run(helmUpdateChartStep, { path: 'app' }));
      expect(err.message).toContain(`could not download oci://${registry.host}/charts/db:0.2.0`);
      expect(err.message).toContain('no credentials matched this repository');
      expect(err.terminal).toBe(true);
    } finally {
      harness.cleanup();
    }
  });

  it('packages a file:// dependency honouring its .helmignore', async () => {
    const harness = createStepHarness({ charts });
    try {
      const read = withChart(harness, {
        'app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: lib\n  version: ">=1.0.0"\n  repository: file://../lib\n`,
        'lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 1.4.0\n',
        'lib/templates/cm.yaml': 'kind: ConfigMap\n',
        'lib/templates/.hidden.yaml': 'ignored by default\n',
        'lib/secret.txt': 'ignored by .helmignore\n',
        'lib/.helmignore': 'secret.txt\n',
      });
      const outcome = await harness.run(helmUpdateChartStep, { path: 'app' });
      expect(outcome.output?.['commitMessage']).toBe(
        'Updated chart dependencies for app\n\n- lib: 1.4.0',
      );
      const listing = gunzipSync(read('app/charts/lib-1.4.0.tgz')).toString('latin1');
      expect(listing).toContain('lib/templates/cm.yaml');
      expect(listing).toContain('lib/.helmignore');
      expect(listing).not.toContain('lib/secret.txt');
      expect(listing).not.toContain('lib/templates/.hidden.yaml');
    } finally {
      harness.cleanup();
    }
  });

  it("fails with the repository's answer when its index cannot be had", async () => {
    const harness = createStepHarness({ charts });
    try {
      withChart(harness, {
        'app/Chart.yaml': `apiVersion: v2\nname: app\nversion: 0.1.0\ndependencies:\n- name: web\n  version: "*"\n  repository: ${repo.url}/missing\n`,
      });
      const err = await stepError(harness.run(helmUpdateChartStep, { path: 'app' }));
      expect(err.message).toBe(
        `looks like "${repo.url}/missing" is not a valid chart repository or cannot be reached: failed to fetch ${repo.url}/missing/index.yaml : 404`,
      );
    } finally {
      harness.cleanup();
    }
  });
});
