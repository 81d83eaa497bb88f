import { describe, expect, it } from 'vitest';
import type { Identity } from '../../api/types.js';
import { describeIdentity } from './identity-summary.js';

describe('who is signed in, for the header', () => {
  it.each<[Identity, { actor: string; detail: string }]>([
    [
      { kind: 'token', actor: 'token:frontend/ci', project: 'frontend', role: 'kargo-viewer' },
      { actor: 'token:frontend/ci', detail: 'viewer in frontend' },
    ],
    [
      { kind: 'token', actor: 'token:frontend/d', project: 'frontend', role: 'kargo-promoter' },
      { actor: 'token:frontend/d', detail: 'developer in frontend' },
    ],
    [
      { kind: 'token', actor: 'token:frontend/r', project: 'frontend', role: 'release-manager' },
      { actor: 'token:frontend/r', detail: 'release-manager in frontend' },
    ],
    [
      { kind: 'token', actor: 'token:initial-admin', role: 'kargo-admin' },
      { actor: 'token:initial-admin', detail: 'admin, system-wide' },
    ],
    [
      { kind: 'user', actor: 'email:ana@example.com', email: 'ana@example.com', name: 'Ana' },
      { actor: 'email:ana@example.com', detail: 'Ana <ana@example.com>' },
    ],
    [
      { kind: 'user', actor: 'subject:1234', email: 'bo@example.com' },
      { actor: 'subject:1234', detail: 'bo@example.com' },
    ],
    [
      { kind: 'user', actor: 'subject:1234' },
      { actor: 'subject:1234', detail: '' },
    ],
  ])('%j', (identity, expected) => {
    expect(describeIdentity(identity)).toEqual(expected);
  });
});
