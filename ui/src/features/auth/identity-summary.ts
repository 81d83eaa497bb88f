import type { Identity } from '../../api/types.js';

/** The built-in roles by the names people use (`gantry create token --role developer`). */
const ROLE_NAMES: Readonly<Record<string, string>> = {
  'kargo-admin': 'admin',
  'kargo-promoter': 'developer',
  'kargo-viewer': 'viewer',
  'kargo-user': 'user',
  'kargo-project-creator': 'project creator',
};

/**
 * Who is signed in, for the header: the actor (what the audit trail and refusals name) and,
 * for a token, its role and where it holds (`viewer in frontend`, `admin, system-wide`); for a
 * person, their name and email.
 */
export function describeIdentity(identity: Identity): { actor: string; detail: string } {
  if (identity.kind === 'user')
    return {
      actor: identity.actor,
      detail:
        identity.name && identity.email
          ? `${identity.name} <${identity.email}>`
          : (identity.email ?? identity.name ?? ''),
    };
  if (identity.kind === 'token' && identity.role) {
    const role = ROLE_NAMES[identity.role] ?? identity.role;
    return {
      actor: identity.actor,
      detail: identity.project ? `${role} in ${identity.project}` : `${role}, system-wide`,
    };
  }
  return { actor: identity.actor, detail: '' };
}
