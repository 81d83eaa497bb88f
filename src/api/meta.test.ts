import { describe, expect, it } from 'vitest';
import { validateManifest } from './validate-manifest.js';

const project = (metadata: Record<string, unknown>) => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'Project',
  metadata: { name: 'demo', ...metadata },
});

describe('object metadata limits (as Kubernetes)', () => {
  it('accepts annotations up to 256 KiB together', () => {
    const result = validateManifest(project({ annotations: { a: 'x'.repeat(256 * 1024 - 1) } }));
    expect(result.ok).toBe(true);
  });

  it('refuses more, naming the field and the limit', () => {
    const result = validateManifest(
      project({ annotations: { a: 'x'.repeat(200 * 1024), b: 'x'.repeat(100 * 1024) } }),
    );
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          path: 'metadata.annotations',
          message: `${300 * 1024 + 2} bytes of annotations (keys and values together); at most 262144 (256 KiB, as in Kubernetes)`,
        },
      ],
    });
  });

  it('refuses a 50 MB annotation without trouble', () => {
    const result = validateManifest(project({ annotations: { a: 'x'.repeat(50 * 1024 * 1024) } }));
    expect(result.ok).toBe(false);
  });

  it.each([
    ['a label value over 63 characters', { labels: { a: 'x'.repeat(64) } }, 'metadata.labels.a'],
    [
      'a label key over 63 characters',
      { labels: { ['k'.repeat(64)]: 'v' } },
      `metadata.labels.${'k'.repeat(64)}`,
    ],
    [
      'an annotation key over 63 characters',
      { annotations: { ['k'.repeat(64)]: 'v' } },
      `metadata.annotations.${'k'.repeat(64)}`,
    ],
    ['a name over 63 characters', { name: 'n'.repeat(64) }, 'metadata.name'],
  ])('refuses %s', (_, metadata, path) => {
    const result = validateManifest(project(metadata));
    expect(result.ok ? [] : result.issues.map((issue) => issue.path)).toEqual([path]);
  });
});
