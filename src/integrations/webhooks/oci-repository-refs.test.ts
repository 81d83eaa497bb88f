import { describe, expect, it } from 'vitest';
import { ociRepositoryRefs, untaggedRepository } from './oci-repository-refs.js';

describe('untaggedRepository', () => {
  const cases: Array<[reference: string, want: string]> = [
    ['ghcr.io/acme/api:1.2.3', 'ghcr.io/acme/api'],
    ['ghcr.io/acme/api@sha256:7c3f7a0b', 'ghcr.io/acme/api'],
    ['ghcr.io/acme/api:1.2.3@sha256:7c3f7a0b', 'ghcr.io/acme/api'],
    ['ghcr.io/acme/api:', 'ghcr.io/acme/api'],
    ['ghcr.io/acme/api', 'ghcr.io/acme/api'],
    ['harbor.example.com:8443/library/api', 'harbor.example.com:8443/library/api'],
    ['harbor.example.com:8443/library/api:1.0', 'harbor.example.com:8443/library/api'],
    ['localhost:5000/api', 'localhost:5000/api'],
    [' quay.io/acme/api:latest ', 'quay.io/acme/api'],
  ];
  for (const [reference, want] of cases) {
    it(`${reference} → ${want}`, () => {
      expect(untaggedRepository(reference)).toBe(want);
    });
  }
});

describe('ociRepositoryRefs', () => {
  it('names the repository as an image and as an oci:// chart', () => {
    expect(ociRepositoryRefs('ghcr.io/acme/api:1.2.3')).toEqual([
      { type: 'image', url: 'ghcr.io/acme/api' },
      { type: 'chart', url: 'oci://ghcr.io/acme/api' },
    ]);
  });
});
