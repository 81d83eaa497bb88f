import { describe, expect, it } from 'vitest';
import { routeOf } from '../app/router.js';
import { age, duration, versionsOf } from './format.js';

describe('formatting', () => {
  it('names versions short', () => {
    expect(
      versionsOf({
        images: [
          { repoURL: 'ghcr.io/acme/web', tag: '1.2.3' },
          { repoURL: 'ghcr.io/acme/api', digest: 'sha256:0123456789abcdef' },
        ],
        commits: [{ repoURL: 'https://git.example/deploy.git', id: '1f2e3d4c5b6a' }],
        charts: [{ repoURL: 'oci://ghcr.io/acme/charts', name: 'web', version: '2.0.0' }],
      }),
    ).toEqual(['web:1.2.3', 'api:0123456789ab', 'deploy@1f2e3d4', 'web 2.0.0']);
    expect(versionsOf(undefined)).toEqual([]);
  });

  it.each([
    [5_000, '5s'],
    [120_000, '2m'],
    [3 * 3_600_000, '3h'],
    [2 * 86_400_000, '2d'],
  ])('says %i ms ago as %s', (ms, text) => {
    expect(age(new Date(1_000_000_000_000 - ms).toISOString(), 1_000_000_000_000)).toBe(text);
  });

  it('says how long something took', () => {
    expect(duration('2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.850Z')).toBe('850ms');
    expect(duration('2026-01-01T00:00:00Z', '2026-01-01T00:03:04Z')).toBe('3m04s');
    expect(duration(undefined, undefined)).toBe('');
  });

  it.each([
    ['/', { page: 'projects' }],
    ['/projects/shop', { page: 'project', project: 'shop' }],
    [
      '/projects/shop/promotions/dev.01abc',
      { page: 'promotion', project: 'shop', promotion: 'dev.01abc' },
    ],
    ['/nope/x', { page: 'not-found', path: '/nope/x' }],
  ])('routes %s', (path, route) => {
    expect(routeOf(path)).toEqual(route);
  });
});
