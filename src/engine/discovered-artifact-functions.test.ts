import { describe, expect, it } from 'vitest';
import {
  freightCreationCriteriaMet,
  type DiscoveredArtifacts,
} from './discovered-artifact-functions.js';

const artifacts: DiscoveredArtifacts = {
  images: [
    {
      repoURL: 'ghcr.io/acme/frontend',
      references: [
        { tag: '1.4.0', digest: 'sha256:f1', createdAt: '2024-03-01T10:00:00Z' },
        { tag: '1.3.0', digest: 'sha256:f0' },
      ],
    },
    { repoURL: 'ghcr.io/acme/backend', references: [{ tag: '1.4.0', digest: 'sha256:b1' }] },
  ],
  git: [
    {
      repoURL: 'https://github.com/acme/app.git',
      commits: [
        {
          id: 'abc123',
          subject: 'Release 1.4',
          tag: 'v1.4.0',
          creatorDate: '2024-02-28T09:30:00+01:00',
        },
      ],
    },
  ],
  charts: [{ repoURL: 'oci://ghcr.io/acme/chart', versions: ['0.9.0', '0.8.0'] }],
};

describe('freightCreationCriteria', () => {
  it.each([
    ["imageFrom('ghcr.io/acme/frontend').Tag == imageFrom('ghcr.io/acme/backend').Tag", true],
    ["imageFrom('ghcr.io/acme/frontend').Digest == 'sha256:f0'", false],
    ["commitFrom('https://github.com/acme/app').Subject startsWith 'Release'", true],
    ["chartFrom('oci://ghcr.io/acme/chart').Version == '0.9.0'", true],
    ["imageFrom('ghcr.io/acme/unknown') == nil", true],
    // Dates are times, as Kargo's *metav1.Time fields.
    ["imageFrom('ghcr.io/acme/frontend').CreatedAt.After(date('2024-01-01'))", true],
    ["commitFrom('https://github.com/acme/app').CreatorDate.UTC().Hour() == 8", true],
    [
      "imageFrom('ghcr.io/acme/frontend').CreatedAt > commitFrom('https://github.com/acme/app').CreatorDate",
      true,
    ],
    // Go's strconv.ParseBool of the result's text.
    ["'T'", true],
    ['0', false],
  ])('%s is %s', (expression, met) => {
    expect(freightCreationCriteriaMet(expression, artifacts)).toBe(met);
  });

  it('refuses a result that is not a bool', () => {
    expect(() => freightCreationCriteriaMet("'yes'", artifacts)).toThrow(
      'failed to parse freight creation criteria expression result "yes" as bool',
    );
  });
});
