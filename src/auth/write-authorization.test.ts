import { describe, expect, it } from 'vitest';
import type { Role } from '../api/role.js';
import { isGantryError } from '../errors.js';
import { Authorizer } from './authorizer.js';
import type { Principal } from './principal.js';
import { writeAuthorization } from './write-authorization.js';

const role = (project: string, group: string, rules: Role['rules']): Role => ({
  apiVersion: 'rbac.kargo.akuity.io/v1alpha1',
  kind: 'Role',
  metadata: { name: 'editor', namespace: project },
  claims: [{ name: 'groups', values: [group] }],
  rules,
});

/** An Authorizer over fixed Roles that counts how often it reads them, and for which project. */
function countingAuthorizer() {
  const reads: Array<string | undefined> = [];
  const roles = [
    role('shop', 'devs', [{ verbs: ['create', 'update'], resources: ['stages'] }]),
    role('bank', 'devs', [{ verbs: ['update'], resources: ['stages'] }]),
  ];
  const authorizer = new Authorizer({
    roles: {
      roles: (project) => {
        reads.push(project);
        return Promise.resolve(roles.filter((r) => r.metadata.namespace === project));
      },
    },
  });
  return { authorizer, reads };
}

const dev: Principal = {
  kind: 'user',
  actor: 'email:dev@example.com',
  subject: 'dev',
  claims: { groups: ['devs'] },
};

describe('writeAuthorization', () => {
  it("reads a project's Roles once per request, however many documents it checks", async () => {
    const { authorizer, reads } = countingAuthorizer();
    const authorize = writeAuthorization(authorizer, dev);
    for (let i = 0; i < 100; i++)
      await authorize.require({
        verb: 'update',
        resource: 'stages',
        project: 'shop',
        name: `s${i}`,
      });
    await authorize.require({ verb: 'update', resource: 'stages', project: 'bank', name: 'x' });
    await authorize.requireCovers('shop', [{ verbs: ['update'], resources: ['stages'] }], 'a role');
    expect(reads).toEqual(['shop', 'bank']);
    // The next request reads them again: a changed Role counts from then on.
    await writeAuthorization(authorizer, dev).require({
      verb: 'update',
      resource: 'stages',
      project: 'shop',
    });
    expect(reads).toEqual(['shop', 'bank', 'shop']);
  });

  it('still decides each document on its own', async () => {
    const { authorizer } = countingAuthorizer();
    const authorize = writeAuthorization(authorizer, dev);
    await authorize.require({ verb: 'create', resource: 'stages', project: 'shop' });
    const refused = await authorize
      .require({ verb: 'create', resource: 'stages', project: 'bank' })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(isGantryError(refused, 'NotAllowed') && refused.message).toBe(
      'email:dev@example.com may not create stages in project "bank"',
    );
  });
});
