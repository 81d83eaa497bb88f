import type { Claim, PolicyRule } from '../api/role.js';
import { notAllowedError } from '../errors.js';
import type { Authorizer, ProjectRulesMemo } from './authorizer.js';
import { PROJECT_ROLES } from './builtin-roles.js';
import { rulesCover, type AccessRequest } from './policy-rules.js';
import type { Principal } from './principal.js';

/**
 * What a write of user documents asks the Authorizer, bound to one caller: each document is
 * checked against its own project, and granting (a Role's rules, a token's role) is checked
 * against what the caller holds, so nobody grants more than they have.
 */
export interface WriteAuthorization {
  actor: string;
  require(request: AccessRequest): Promise<void>;
  /** Refuses unless the caller holds every permission `rules` grant in `project`. */
  requireCovers(
    project: string | undefined,
    rules: readonly PolicyRule[],
    what: string,
  ): Promise<void>;
  /**
   * The claims that identify the caller, when creating a project should make them its admin
   * (Kargo's project creators): a signed-in user who is not a system admin.
   */
  creator?: Claim[] | undefined;
}

/** For one request of one caller: the caller's project rules are read once per project. */
export function writeAuthorization(
  authorizer: Authorizer,
  principal: Principal,
): WriteAuthorization {
  const memo: ProjectRulesMemo = new Map();
  const systemAdmin = rulesCover(authorizer.systemRules(principal), [
    { verbs: ['*'], resources: ['*'] },
  ]);
  return {
    actor: principal.actor,
    creator:
      principal.kind === 'user' && !systemAdmin
        ? [{ name: 'sub', values: [principal.subject] }]
        : undefined,
    require: (request) => authorizer.require(principal, request, memo),
    requireCovers: async (project, rules, what) => {
      const held = await authorizer.effectiveRules(principal, project, memo);
      if (!rulesCover(held, rules))
        throw notAllowedError(
          `${principal.actor} may not grant ${what}${project ? ` in project "${project}"` : ''}: it grants permissions ${principal.actor} does not hold`,
        );
    },
  };
}

/** The rules a project role name grants: a built-in role's, or a Role object's. */
export function builtinProjectRules(role: string): readonly PolicyRule[] | undefined {
  return PROJECT_ROLES[role];
}
