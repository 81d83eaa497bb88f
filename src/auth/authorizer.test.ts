import { describe, expect, it } from 'vitest';
import type { Role } from '../api/role.js';
import { Authorizer, claimsMatchList, type SystemBinding } from './authorizer.js';
import { rulesCover, ruleAllows, type AccessRequest } from './policy-rules.js';
import type { Principal } from './principal.js';

const role = (
  project: string,
  name: string,
  claims: Role['claims'],
  rules?: Role['rules'],
  annotations?: Record<string, string>,
): Role => ({
  apiVersion: 'rbac.kargo.akuity.io/v1alpha1',
  kind: 'Role',
  metadata: { name, namespace: project, ...(annotations ? { annotations } : {}) },
  claims,
  rules,
});

const ROLES: Role[] = [
  role('shop', 'kargo-admin', [{ name: 'groups', values: ['shop-leads'] }]),
  role('shop', 'kargo-promoter', [{ name: 'groups', values: ['shop-devs'] }]),
  role('shop', 'kargo-viewer', [{ name: 'email', values: ['eve@example.com'] }]),
  role(
    'shop',
    'releaser',
    [{ name: 'groups', values: ['release'] }],
    [
      { verbs: ['promote'], resources: ['stages'], resourceNames: ['prod'] },
      { verbs: ['create'], resources: ['promotions'] },
    ],
  ),
  role(
    'shop',
    'oncall',
    [
      { name: 'groups', values: ['sre'] },
      { name: 'email', values: ['ops@example.com'] },
    ],
    [{ verbs: ['get', 'list'], resources: ['stages'] }],
    { 'rbac.gantry.io/claims-match': 'all' },
  ),
  role('bank', 'kargo-admin', [{ name: 'groups', values: ['bank-leads'] }]),
];

const SYSTEM: SystemBinding[] = [
  { role: 'kargo-admin', claims: [{ name: 'groups', values: ['platform'] }] },
  { role: 'kargo-viewer', claims: [{ name: 'groups', values: ['auditors'] }] },
  { role: 'kargo-project-creator', claims: [{ name: 'groups', values: ['leads'] }] },
];

const user = (claims: Record<string, string[]>): Principal => ({
  kind: 'user',
  actor: `subject:${claims.sub?.[0] ?? 'u'}`,
  subject: claims.sub?.[0] ?? 'u',
  claims,
});
const token = (role: string, project?: string): Principal => ({
  kind: 'token',
  actor: `token:${role}`,
  tokenId: 'x',
  name: role,
  project,
  role,
});

const authorizer = new Authorizer({
  roles: {
    roles: (project) =>
      Promise.resolve(
        ROLES.filter((r) => project === undefined || r.metadata.namespace === project),
      ),
  },
  systemBindings: SYSTEM,
});

const shop = (verb: AccessRequest['verb'], resource: string, name?: string): AccessRequest => ({
  verb,
  resource,
  project: 'shop',
  name,
});

describe('Authorizer.decide', () => {
  const cases: Array<[string, Principal, AccessRequest, boolean]> = [
    [
      'a system admin may do anything',
      user({ groups: ['platform'] }),
      shop('delete', 'stages', 'x'),
      true,
    ],
    ['a system viewer reads', user({ groups: ['auditors'] }), shop('get', 'stages', 'x'), true],
    [
      'a system viewer never reads Secrets',
      user({ groups: ['auditors'] }),
      shop('get', 'secrets', 'x'),
      false,
    ],
    [
      'a system viewer never promotes',
      user({ groups: ['auditors'] }),
      shop('promote', 'stages', 'x'),
      false,
    ],
    [
      'a project creator creates projects',
      user({ groups: ['leads'] }),
      { verb: 'create', resource: 'projects', name: 'new' },
      true,
    ],
    [
      'a project admin edits its project',
      user({ groups: ['shop-leads'] }),
      shop('update', 'stages', 'x'),
      true,
    ],
    [
      'a project admin reads its Secrets',
      user({ groups: ['shop-leads'] }),
      shop('get', 'secrets', 'x'),
      true,
    ],
    [
      'a project admin may freeze its project',
      user({ groups: ['shop-leads'] }),
      { verb: 'update', resource: 'projects', name: 'shop' },
      true,
    ],
    [
      'a project admin may not touch another project',
      user({ groups: ['shop-leads'] }),
      { ...shop('get', 'stages'), project: 'bank' },
      false,
    ],
    [
      'a project admin may not freeze another project',
      user({ groups: ['shop-leads'] }),
      { verb: 'update', resource: 'projects', name: 'bank' },
      false,
    ],
    [
      'a promoter promotes',
      user({ groups: ['shop-devs'] }),
      shop('promote', 'stages', 'prod'),
      true,
    ],
    [
      'a promoter creates Promotions',
      user({ groups: ['shop-devs'] }),
      shop('create', 'promotions'),
      true,
    ],
    [
      'a promoter may not edit Stages',
      user({ groups: ['shop-devs'] }),
      shop('update', 'stages', 'dev'),
      false,
    ],
    [
      'a promoter may not read Secrets',
      user({ groups: ['shop-devs'] }),
      shop('list', 'secrets'),
      false,
    ],
    [
      'a promoter refreshes Warehouses',
      user({ groups: ['shop-devs'] }),
      shop('refresh', 'warehouses', 'w'),
      true,
    ],
    [
      'a viewer reads Freight (Kargo spells it freights)',
      user({ email: ['eve@example.com'] }),
      shop('list', 'freights'),
      true,
    ],
    [
      'a viewer may not promote',
      user({ email: ['eve@example.com'] }),
      shop('promote', 'stages', 'dev'),
      false,
    ],
    [
      'a viewer reads its own project',
      user({ email: ['eve@example.com'] }),
      { verb: 'get', resource: 'projects', name: 'shop' },
      true,
    ],
    [
      'a custom role promotes the Stage it names',
      user({ groups: ['release'] }),
      shop('promote', 'stages', 'prod'),
      true,
    ],
    ['…and no other', user({ groups: ['release'] }), shop('promote', 'stages', 'dev'), false],
    [
      'claims AND-ed need every claim',
      user({ groups: ['sre'] }),
      shop('get', 'stages', 'x'),
      false,
    ],
    [
      'claims AND-ed: all present',
      user({ groups: ['sre'], email: ['ops@example.com'] }),
      shop('get', 'stages', 'x'),
      true,
    ],
    [
      'no claims match: nothing',
      user({ groups: ['strangers'] }),
      shop('get', 'stages', 'x'),
      false,
    ],
    [
      'nobody writes status, not even a system admin',
      user({ groups: ['platform'] }),
      shop('update', 'stages/status', 'x'),
      false,
    ],
    [
      'a developer token promotes in its project',
      token('kargo-promoter', 'shop'),
      shop('promote', 'stages', 'prod'),
      true,
    ],
    [
      'a developer token is nothing elsewhere',
      token('kargo-promoter', 'shop'),
      { ...shop('get', 'stages'), project: 'bank' },
      false,
    ],
    [
      'a project admin token is no system admin',
      token('kargo-admin', 'shop'),
      { verb: 'create', resource: 'projects', name: 'x' },
      false,
    ],
    [
      'a token with a custom role has its rules',
      token('releaser', 'shop'),
      shop('promote', 'stages', 'prod'),
      true,
    ],
    [
      'a system viewer token reads everywhere',
      token('kargo-viewer'),
      { ...shop('list', 'warehouses'), project: 'bank' },
      true,
    ],
    [
      'shared task definitions are readable by anyone signed in',
      token('kargo-viewer', 'shop'),
      { verb: 'list', resource: 'clusterpromotiontasks' },
      true,
    ],
    [
      '…but not writable',
      token('kargo-admin', 'shop'),
      { verb: 'create', resource: 'clusterpromotiontasks', name: 'x' },
      false,
    ],
  ];
  it.each(cases)('%s', async (_, principal, request, allowed) => {
    const decision = await authorizer.decide(principal, request);
    expect(decision.allowed).toBe(allowed);
    if (!allowed)
      expect(decision.reason).toContain(
        `${principal.actor} may not ${request.verb} ${request.resource}`,
      );
  });

  it('lets the server itself do anything', async () => {
    expect(
      (
        await authorizer.decide(
          { kind: 'system', actor: 'system:gc' },
          shop('update', 'stages/status', 'x'),
        )
      ).allowed,
    ).toBe(true);
  });
});

describe('Authorizer: across projects', () => {
  it('says where a caller may do something', async () => {
    expect(
      await authorizer.projectsWhere(
        user({ groups: ['shop-devs', 'bank-leads'] }),
        'list',
        'stages',
      ),
    ).toEqual(new Set(['shop', 'bank']));
    expect(
      await authorizer.projectsWhere(user({ groups: ['shop-devs'] }), 'list', 'secrets'),
    ).toEqual(new Set());
    expect(await authorizer.projectsWhere(user({ groups: ['auditors'] }), 'list', 'stages')).toBe(
      'all',
    );
    expect(await authorizer.projectsWhere(token('kargo-viewer', 'bank'), 'list', 'stages')).toEqual(
      new Set(['bank']),
    );
  });

  it('filters object by object with one precomputed view', async () => {
    const view = await authorizer.view(user({ groups: ['shop-devs'] }), 'watch');
    expect(view('stages', 'shop', 'dev')).toBe(true);
    expect(view('stages', 'bank', 'dev')).toBe(false);
    expect(view('secrets', 'shop', 'creds')).toBe(false);
    expect(view('projects', undefined, 'shop')).toBe(true);
    expect(view('projects', undefined, 'bank')).toBe(false);
  });
});

describe('claim matching (Kargo: any claim; Gantry: all, when asked)', () => {
  const claims = [
    { name: 'groups', values: ['a', 'b'] },
    { name: 'email', values: ['x@example.com'] },
  ];
  it.each([
    [{ groups: ['b'] }, false, true],
    [{ groups: ['b'] }, true, false],
    [{ groups: ['a'], email: ['x@example.com'] }, true, true],
    [{ groups: ['c'] }, false, false],
    [{}, false, false],
  ])('%j matchAll=%s → %s', (held, all, expected) => {
    expect(claimsMatchList(claims, held, all)).toBe(expected);
  });
  it('a Role without claims binds nobody', () => {
    expect(claimsMatchList([], { groups: ['a'] })).toBe(false);
  });
});

describe('policy rules', () => {
  it('never lets a wildcard grant a subresource', () => {
    expect(
      ruleAllows(
        { verbs: ['*'], resources: ['*'] },
        { verb: 'update', resource: 'freight/status' },
      ),
    ).toBe(false);
    expect(
      ruleAllows(
        { verbs: ['update'], resources: ['freights/status'] },
        { verb: 'update', resource: 'freight/status' },
      ),
    ).toBe(true);
  });

  it.each([
    [
      'admin covers promoter',
      [{ verbs: ['*'], resources: ['*'] }],
      [{ verbs: ['promote'], resources: ['stages'] }],
      true,
    ],
    [
      'promoter does not cover admin',
      [{ verbs: ['promote'], resources: ['stages'] }],
      [{ verbs: ['*'], resources: ['*'] }],
      false,
    ],
    [
      'one Stage does not cover all',
      [{ verbs: ['promote'], resources: ['stages'], resourceNames: ['prod'] }],
      [{ verbs: ['promote'], resources: ['stages'] }],
      false,
    ],
    [
      'all Stages cover one',
      [{ verbs: ['promote'], resources: ['stages'] }],
      [{ verbs: ['promote'], resources: ['stages'], resourceNames: ['prod'] }],
      true,
    ],
    [
      'reads do not cover writes',
      [{ verbs: ['get', 'list', 'watch'], resources: ['stages'] }],
      [{ verbs: ['update'], resources: ['stages'] }],
      false,
    ],
    [
      'freights and freight are one',
      [{ verbs: ['get'], resources: ['freights'] }],
      [{ verbs: ['get'], resources: ['freight'] }],
      true,
    ],
  ])('%s', (_, held, wanted, expected) => {
    expect(rulesCover(held, wanted)).toBe(expected);
  });
});
