import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.js';
import type { Permissions } from '../../api/types.js';
import { explainRefusal, NO_ACTIONS, visibleActions, type Action } from './permissions.js';

/** The permissions answer for a caller holding exactly `held` (`stages.promote`, …). */
function permissionsWith(...held: string[]): Permissions {
  const resources: Permissions['resources'] = {};
  for (const resource of ['stages', 'warehouses', 'freight', 'promotions', 'projects', 'events'])
    resources[resource] = Object.fromEntries(
      ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'promote', 'refresh'].map(
        (verb) => [verb, held.includes(`${resource}.${verb}`)],
      ),
    );
  return { project: 'frontend', actor: 'token:frontend/x', resources };
}

const shown = (permissions: Permissions | undefined): Action[] =>
  Object.entries(visibleActions(permissions))
    .filter(([, visible]) => visible)
    .map(([action]) => action as Action)
    .sort();

const READ = ['get', 'list', 'watch'].flatMap((verb) =>
  ['stages', 'warehouses', 'freight', 'promotions', 'events'].map((r) => `${r}.${verb}`),
);

describe('the actions a caller sees', () => {
  it.each<[string, Permissions | undefined, Action[]]>([
    ['nothing while the permissions are not known', undefined, []],
    ['nothing for a viewer (reads only)', permissionsWith(...READ), []],
    [
      'every Stage action, and Refresh, for a developer',
      permissionsWith(...READ, 'stages.promote', 'promotions.create', 'warehouses.refresh'),
      ['abort', 'approve', 'promote', 'refresh', 'resume', 'rollback', 'verify'],
    ],
    [
      'everything, Freeze included, for an admin',
      permissionsWith(
        ...READ,
        'stages.promote',
        'promotions.create',
        'warehouses.refresh',
        'projects.update',
      ),
      ['abort', 'approve', 'freeze', 'promote', 'refresh', 'resume', 'rollback', 'verify'],
    ],
    [
      'Stage actions but not Promote without creating Promotions',
      permissionsWith('stages.promote'),
      ['abort', 'approve', 'resume', 'rollback', 'verify'],
    ],
    ['Refresh alone', permissionsWith('warehouses.refresh'), ['refresh']],
    ['Freeze alone (updating the project)', permissionsWith('projects.update'), ['freeze']],
    [
      'nothing from verbs on other resources (updating Stages is not promoting them)',
      permissionsWith('stages.update', 'freight.update', 'warehouses.update', 'projects.get'),
      [],
    ],
  ])('%s', (_, permissions, actions) => {
    expect(shown(permissions)).toEqual(actions);
  });

  it('treats a resource missing from the answer as not allowed', () => {
    expect(
      visibleActions({ project: 'p', actor: 'a', resources: { stages: { promote: true } } }),
    ).toEqual({
      ...NO_ACTIONS,
      approve: true,
      rollback: true,
      resume: true,
      abort: true,
      verify: true,
    });
  });
});

describe('explaining a refusal', () => {
  const refused = (message: string) => new ApiError(message, 403, 'NotAllowed');
  it.each([
    [
      'token:frontend/v may not promote stages "prod" in project "frontend"',
      'You need the developer or admin role in project frontend; ask a project admin.',
    ],
    [
      'token:frontend/v may not create promotions in project "frontend"',
      'You need the developer or admin role in project frontend; ask a project admin.',
    ],
    [
      'token:frontend/v may not refresh warehouses "frontend" in project "frontend"',
      'You need the developer or admin role in project frontend; ask a project admin.',
    ],
    [
      'token:frontend/v may not update projects "frontend" in project "frontend"',
      'You need the admin role in project frontend; ask a project admin.',
    ],
    [
      'token:frontend/v may not delete stages "dev" in project "frontend"',
      'You need the admin role in project frontend; ask a project admin.',
    ],
    [
      'token:frontend/v may not list events in project "frontend"',
      'You need a role in project frontend (viewer or more); ask a project admin.',
    ],
    [
      'token:frontend/v may not create projects "new"',
      'This needs a system-wide role; ask the administrator of this Gantry server.',
    ],
  ])('%s', (message, sentence) => {
    expect(explainRefusal(refused(message), 'token:frontend/v')).toBe(sentence);
  });

  it('says nothing of failures no role would change', () => {
    const actor = 'token:frontend/v';
    // The server's other refusals (CSRF, DNS rebinding) are 403s too.
    expect(
      explainRefusal(refused('cross-site requests may not change anything here'), actor),
    ).toBeUndefined();
    // A refusal naming someone else (never expected, but then the sentence would be wrong).
    expect(
      explainRefusal(refused('token:ci may not promote stages "prod" in project "x"'), actor),
    ).toBeUndefined();
    expect(
      explainRefusal(new ApiError('Stage "prod" has no earlier verified Freight', 409), actor),
    ).toBeUndefined();
    expect(explainRefusal(new Error('boom'), actor)).toBeUndefined();
    expect(
      explainRefusal(refused('token:frontend/v may not promote stages in project "x"'), undefined),
    ).toBeUndefined();
  });
});
