import type { PolicyRule } from '../api/role.js';

/** The kinds a project holds, by the plural its rules name. */
const PIPELINE = [
  'warehouses',
  'stages',
  'freight',
  'promotions',
  'promotiontasks',
  'analysistemplates',
  'projectconfigs',
];

/**
 * Kargo's per-project roles, which every project has (Kargo bootstraps them as ServiceAccounts
 * with Roles). Their rules are fixed; a Role object of the same name binds claims to them.
 * - `kargo-admin`: everything in the project, its Secrets and roles included.
 * - `kargo-promoter`: read the pipeline and ConfigMaps, promote (create Promotions, approve,
 *   abort, verify, roll back, resume) and refresh; no edits to the pipeline, no Secrets.
 * - `kargo-viewer`: read the pipeline and ConfigMaps (as Kargo's project roles); no Secrets.
 * Every project role may also read its own Project (the caller adds that rule).
 */
export const PROJECT_ROLES: Readonly<Record<string, readonly PolicyRule[]>> = {
  'kargo-admin': [{ verbs: ['*'], resources: ['*'] }],
  'kargo-promoter': [
    { verbs: ['get', 'list', 'watch'], resources: [...PIPELINE, 'configmaps', 'roles', 'events'] },
    { verbs: ['promote'], resources: ['stages'] },
    { verbs: ['create'], resources: ['promotions'] },
    { verbs: ['refresh'], resources: ['warehouses'] },
  ],
  'kargo-viewer': [
    { verbs: ['get', 'list', 'watch'], resources: [...PIPELINE, 'configmaps', 'roles', 'events'] },
  ],
};

/** Short names people use for the project roles (`--role developer`). */
export const PROJECT_ROLE_ALIASES: Readonly<Record<string, string>> = {
  admin: 'kargo-admin',
  developer: 'kargo-promoter',
  promoter: 'kargo-promoter',
  viewer: 'kargo-viewer',
};

/**
 * System (cluster-wide) roles, as Kargo's Helm values `api.oidc.{admins, viewers, users,
 * projectCreators}` assign them:
 * - `kargo-admin`: everything, in every project.
 * - `kargo-viewer`: read everything except Secrets and tokens.
 * - `kargo-user`: list projects (what they see inside depends on project roles).
 * - `kargo-project-creator`: create projects, and become admin of the projects it creates.
 */
export const SYSTEM_ROLES: Readonly<Record<string, readonly PolicyRule[]>> = {
  'kargo-admin': [{ verbs: ['*'], resources: ['*'] }],
  'kargo-viewer': [
    {
      verbs: ['get', 'list', 'watch'],
      resources: [
        'projects',
        ...PIPELINE,
        'clusterpromotiontasks',
        'clusteranalysistemplates',
        'roles',
        'events',
      ],
    },
  ],
  'kargo-user': [],
  'kargo-project-creator': [{ verbs: ['create'], resources: ['projects'] }],
};

export const SYSTEM_ROLE_ALIASES: Readonly<Record<string, string>> = {
  admin: 'kargo-admin',
  viewer: 'kargo-viewer',
  user: 'kargo-user',
  'project-creator': 'kargo-project-creator',
};

export function projectRoleName(name: string): string {
  return PROJECT_ROLE_ALIASES[name] ?? name;
}

export function systemRoleName(name: string): string {
  return SYSTEM_ROLE_ALIASES[name] ?? name;
}
