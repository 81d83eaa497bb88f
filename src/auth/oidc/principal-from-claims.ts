import { unauthenticatedError } from '../../errors.js';
import type { Principal } from '../principal.js';

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/**
 * The user an OIDC token stands for. Every claim whose value is a string, a number, a boolean
 * or a list of them is kept as a list of strings, which is what Roles match (`groups`,
 * `email`, `sub`, a provider's own claims); objects are left out. The actor is
 * `email:<email>`, or `subject:<sub>` without an email, as Kargo records it.
 */
export function principalFromClaims(claims: Readonly<Record<string, unknown>>): UserPrincipal {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '')
    throw unauthenticatedError('the token names no user: it has no "sub" claim');
  const email = typeof claims.email === 'string' && claims.email !== '' ? claims.email : undefined;
  const name = typeof claims.name === 'string' && claims.name !== '' ? claims.name : undefined;
  const lists: Record<string, string[]> = {};
  for (const [claim, value] of Object.entries(claims)) {
    if (isScalar(value)) lists[claim] = [String(value)];
    else if (Array.isArray(value)) lists[claim] = value.filter(isScalar).map(String);
  }
  return {
    kind: 'user',
    actor: email ? `email:${email}` : `subject:${subject}`,
    subject,
    email,
    name,
    claims: lists,
  };
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
