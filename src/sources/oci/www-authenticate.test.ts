import { describe, expect, it } from 'vitest';
import { parseChallenge } from './www-authenticate.js';

describe('parseChallenge', () => {
  it.each([
    [
      'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"',
      {
        scheme: 'bearer',
        params: {
          realm: 'https://auth.example/token',
          service: 'registry.example',
          scope: 'repository:a/b:pull,push',
        },
      },
    ],
    ['Basic realm="feas-registry"', { scheme: 'basic', params: { realm: 'feas-registry' } }],
    [
      'bearer realm=https://x/token, service=x',
      { scheme: 'bearer', params: { realm: 'https://x/token', service: 'x' } },
    ],
    ['Bearer', { scheme: 'bearer', params: {} }],
  ])('%s', (header, expected) => {
    expect(parseChallenge(header)).toEqual(expected);
  });

  it('returns nothing without a header', () => {
    expect(parseChallenge(undefined)).toBeUndefined();
    expect(parseChallenge('')).toBeUndefined();
  });
});
