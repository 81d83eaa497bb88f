import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freightName } from './freight-name.js';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

describe('freightName', () => {
  it('fingerprints contents the way Kargo does: origin, then sorted normalised parts', () => {
    const name = freightName({
      origin: { kind: 'Warehouse', name: 'frontend' },
      images: [{ repoURL: 'ghcr.io/acme/api', tag: '1.2.2', digest: 'sha256:aa' }],
      commits: [{ repoURL: 'https://user@GitHub.com/Acme/config.git/', id: 'abc123' }],
      charts: [{ repoURL: 'https://Charts.example.com/', name: 'redis', version: '1.0.0' }],
    });
    expect(name).toBe(
      sha1(
        'Warehouse/frontend:' +
          [
            'ghcr.io/acme/api:1.2.2@sha256:aa',
            'https://github.com/acme/config:abc123',
            'https:/charts.example.com/redis:1.0.0',
          ].join('|'),
      ),
    );
  });

  it('includes tags, subscription names and generic artifacts', () => {
    const name = freightName({
      origin: { kind: 'Warehouse', name: 'w' },
      commits: [
        {
          repoURL: 'https://git.example.com/a',
          tag: 'v1.0.0',
          id: 'c0ffee',
          subscriptionName: 'cfg',
        },
      ],
      charts: [{ repoURL: 'oci://registry-1.docker.io/library/chart', version: '2.0.0' }],
      artifacts: [{ artifactType: 'tf', subscriptionName: 'mod', version: '3' }],
    });
    expect(name).toBe(
      sha1(
        'Warehouse/w:' +
          ['chart:2.0.0', 'https://git.example.com/a:v1.0.0:c0ffee:cfg', 'tf:mod:3'].join('|'),
      ),
    );
  });

  it("joins chart paths with Go's path.Join", async () => {
    const { goPathJoin } = await import('./freight-name.js');
    expect(goPathJoin('https://a.example.com/', 'redis')).toBe('https:/a.example.com/redis');
    expect(goPathJoin('ghcr.io/acme/charts', '')).toBe('ghcr.io/acme/charts');
    expect(goPathJoin('a/b/../c/./d/', 'e')).toBe('a/c/d/e');
    expect(goPathJoin('/x/../../y', 'z')).toBe('/y/z');
  });

  it('does not depend on the order of artifacts', () => {
    const a = { repoURL: 'r/a', tag: '1', digest: 'd1' };
    const b = { repoURL: 'r/b', tag: '2', digest: 'd2' };
    const origin = { kind: 'Warehouse' as const, name: 'w' };
    expect(freightName({ origin, images: [a, b] })).toBe(freightName({ origin, images: [b, a] }));
    expect(freightName({ origin, images: [a] })).not.toBe(
      freightName({ origin: { ...origin, name: 'v' }, images: [a] }),
    );
  });
});
