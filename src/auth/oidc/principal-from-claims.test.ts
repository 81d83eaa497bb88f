import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../errors.js';
import { principalFromClaims } from './principal-from-claims.js';

describe('principalFromClaims', () => {
  it('names the user by email and keeps every claim as a list of strings', () => {
    expect(
      principalFromClaims({
        sub: 'u-1',
        email: 'ana@example.com',
        email_verified: true,
        name: 'Ana',
        groups: ['devs', 'platform', 7, { nested: true }],
        aud: 'gantry',
        exp: 1700000000,
        address: { country: 'PT' },
      }),
    ).toEqual({
      kind: 'user',
      actor: 'email:ana@example.com',
      subject: 'u-1',
      email: 'ana@example.com',
      name: 'Ana',
      claims: {
        sub: ['u-1'],
        email: ['ana@example.com'],
        email_verified: ['true'],
        name: ['Ana'],
        groups: ['devs', 'platform', '7'],
        aud: ['gantry'],
        exp: ['1700000000'],
      },
    });
  });

  it('names a user without email by subject; a single group string is a list of one', () => {
    const principal = principalFromClaims({ sub: 'robot', groups: 'ops' });
    expect(principal.actor).toBe('subject:robot');
    expect(principal.email).toBeUndefined();
    expect(principal.claims.groups).toEqual(['ops']);
  });

  it.each([{}, { sub: '' }, { sub: 42 }])('refuses a token without a subject: %j', (claims) => {
    let error: unknown;
    try {
      principalFromClaims(claims);
    } catch (err) {
      error = err;
    }
    expect(isGantryError(error, 'Unauthenticated')).toBe(true);
    expect((error as Error).message).toContain('"sub"');
  });
});
