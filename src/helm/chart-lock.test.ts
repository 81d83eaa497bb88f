import { describe, expect, it } from 'vitest';
import { lockDigest, lockTime, parseLock, renderLock } from './chart-lock.js';
import { parseChartMetadata } from './chart-metadata.js';

/*
 * The digest vector is a Chart.yaml and the Chart.lock `helm dependency update` wrote for it,
 * from Helm's own test data (helm/helm v3.21.3,
 * pkg/chartutil/testdata/import-values-from-enabled-subchart/parent-chart): conditions, tags,
 * import-values and a `>=` constraint (which Go's JSON encoder escapes) all enter the digest.
 */
const PARENT_CHART = `apiVersion: v2
name: parent-chart
version: v0.1.0
appVersion: v0.1.0
dependencies:
  - name: dev
    repository: "file://envs/dev"
    version: ">= 0.0.1"
    condition: dev.enabled,global.dev.enabled
    tags:
      - dev
    import-values:
      - data

  - name: prod
    repository: "file://envs/prod"
    version: ">= 0.0.1"
    condition: prod.enabled,global.prod.enabled
    tags:
      - prod
    import-values:
      - data
`;
const PARENT_LOCK = `dependencies:
- name: dev
  repository: file://envs/dev
  version: v0.1.0
- name: prod
  repository: file://envs/prod
  version: v0.1.0
digest: sha256:9403fc24f6cf9d6055820126cf7633b4bd1fed3c77e4880c674059f536346182
generated: "2020-02-03T10:38:51.180474+01:00"
`;

describe('Chart.lock as helm writes it', () => {
  it("computes Helm's digest of the requested and locked dependencies", () => {
    const requested = parseChartMetadata(PARENT_CHART).dependencies;
    const lock = parseLock(PARENT_LOCK);
    expect(lockDigest(requested, lock.dependencies)).toBe(lock.digest);
  });

  it('changes the digest with anything Helm hashes', () => {
    const requested = parseChartMetadata(PARENT_CHART).dependencies;
    const { dependencies } = parseLock(PARENT_LOCK);
    const base = lockDigest(requested, dependencies);
    expect(lockDigest([{ ...requested[0]!, condition: '' }, requested[1]!], dependencies)).not.toBe(
      base,
    );
    expect(
      lockDigest(requested, [{ ...dependencies[0]!, version: 'v0.1.1' }, dependencies[1]!]),
    ).not.toBe(base);
  });

  it('writes the lock byte for byte as helm does', () => {
    const lock = parseLock(PARENT_LOCK);
    expect(renderLock({ ...lock, generated: '2020-02-03T10:38:51.180474+01:00' })).toBe(
      PARENT_LOCK,
    );
  });

  it.each([
    ['', '""'],
    ['1.10', '"1.10"'],
    ['@stable', "'@stable'"],
    ['true', '"true"'],
    ['1.2.3', '1.2.3'],
    ['oci://registry.example.com/charts', 'oci://registry.example.com/charts'],
  ])('quotes %j as yaml.v2 does: %s', (repository, written) => {
    const text = renderLock({
      dependencies: [{ name: 'a', repository, version: '1.0.0' }],
      digest: 'sha256:00',
      generated: '2026-01-01T00:00:00Z',
    });
    expect(text).toContain(`  repository: ${written}\n`);
    expect(parseLock(text).dependencies[0]!.repository).toBe(repository);
  });

  it('writes an empty dependency list as []', () => {
    expect(
      renderLock({ dependencies: [], digest: 'sha256:00', generated: '2026-01-01T00:00:00Z' }),
    ).toBe('dependencies: []\ndigest: sha256:00\ngenerated: "2026-01-01T00:00:00Z"\n');
  });

  it.each([
    [Date.UTC(2026, 0, 2, 3, 4, 5, 0), '2026-01-02T03:04:05Z'],
    [Date.UTC(2026, 0, 2, 3, 4, 5, 120), '2026-01-02T03:04:05.12Z'],
    [Date.UTC(2026, 0, 2, 3, 4, 50, 7), '2026-01-02T03:04:50.007Z'],
  ])('writes times as Go RFC3339Nano: %s', (ms, text) => {
    expect(lockTime(new Date(ms))).toBe(text);
  });
});
