import type { Claim, PolicyRule, Role } from '../api/role.js';
import { CLAIMS_MATCH_ANNOTATION } from '../api/role.js';
import { notAllowedError } from '../errors.js';
import type { Store } from '../store/store.js';
import { PROJECT_ROLES, SYSTEM_ROLES } from './builtin-roles.js';
import { rulesAllow, type AccessRequest, type Verb } from './policy-rules.js';
import type { Principal } from './principal.js';

/** A system role given to the holders of some claims (from the server's auth config). */
export interface SystemBinding {
  role: string;
  claims: Claim[];
  /** Every claim must match (default: any one). */
  matchAll?: boolean | undefined;
}

/** Where the project Roles come from (the store, in the server). */
export interface RoleSource {
  /** Every Role object, in every project (or in one). */
  roles(project?: string): Promise<Role[]>;
}

export interface Decision {
  allowed: boolean;
  /** Why not, in words for the caller (403 message). */
  reason: string;
}

/**
 * One caller's project rules as one request has read them, by project: a request that checks
 * many documents (a batch of 1,000 Stages) reads a project's Roles once, not once per
 * document. Made per request and dropped with it, so a changed Role counts from the next one.
 */
export type ProjectRulesMemo = Map<string, Promise<PolicyRule[]>>;

const READ = new Set<string>(['get', 'list', 'watch']);

/** Resources every authenticated caller may read: shared definitions, no project data. */
const SHARED_READABLE = new Set(['clusterpromotiontasks', 'clusteranalysistemplates']);

/**
 * The one authorization decision. Every request path (REST, batch, actions, watches, logs,
 * expressions, tokens, audit) asks it before doing any work; routes declare what they need and
 * `server/guarded-routes.ts` asks. Rules are Kargo's model: system roles bound to OIDC claims
 * by the operator, project roles (built-in or Role objects) bound to claims, and API tokens
 * carrying one role. The server's own controllers (`system:*`) may do anything.
 */
export class Authorizer {
  readonly #roles: RoleSource;
  readonly #systemBindings: readonly SystemBinding[];

  constructor(options: { roles: RoleSource; systemBindings?: readonly SystemBinding[] }) {
    this.#roles = options.roles;
    this.#systemBindings = options.systemBindings ?? [];
  }

  async decide(
    principal: Principal,
    request: AccessRequest,
    memo?: ProjectRulesMemo,
  ): Promise<Decision> {
    if (principal.kind === 'system') return { allowed: true, reason: '' };
    const system = this.systemRules(principal);
    if (rulesAllow(system, request)) return { allowed: true, reason: '' };
    if (request.verb === 'list' && request.resource === 'projects' && !request.project)
      return { allowed: true, reason: '' }; // filtered to the projects the caller can see
    if (SHARED_READABLE.has(request.resource) && ['get', 'list', 'watch'].includes(request.verb))
      return { allowed: true, reason: '' };
    const project = request.project ?? (request.resource === 'projects' ? request.name : undefined);
    if (project !== undefined) {
      const rules = await this.#projectRules(principal, project, memo);
      if (request.resource === 'projects') {
        if (rules.length > 0 && ['get', 'watch'].includes(request.verb))
          return { allowed: true, reason: '' };
        if (rulesAllow(rules, { ...request, resource: 'projects', name: undefined }))
          return { allowed: true, reason: '' };
      } else if (rulesAllow(rules, request)) return { allowed: true, reason: '' };
    }
    return { allowed: false, reason: describeRefusal(principal, request) };
  }

  /** Throws NotAllowed (403) unless the decision allows the request. */
  async require(
    principal: Principal,
    request: AccessRequest,
    memo?: ProjectRulesMemo,
  ): Promise<void> {
    const decision = await this.decide(principal, request, memo);
    // The refused request rides along as the cause, for answers that word refusals their own
    // way (the Kubernetes API's Forbidden message).
    if (!decision.allowed) throw notAllowedError(decision.reason, request);
  }

  /**
   * The projects in which `verb` on `resource` is allowed: `all` when a system role allows it
   * everywhere. For lists and watches across projects, which are filtered with it.
   */
  async projectsWhere(
    principal: Principal,
    verb: Verb,
    resource: string,
  ): Promise<'all' | Set<string>> {
    if (principal.kind === 'system') return 'all';
    if (rulesAllow(this.systemRules(principal), { verb, resource })) return 'all';
    const out = new Set<string>();
    if (principal.kind === 'token') {
      if (
        principal.project &&
        rulesAllow(await this.projectRules(principal, principal.project), { verb, resource })
      )
        out.add(principal.project);
      return out;
    }
    const roles = await this.#roles.roles();
    for (const role of roles) {
      const project = role.metadata.namespace;
      if (!project || out.has(project) || !claimsMatch(role, principal.claims)) continue;
      const rules = rulesOfRole(role);
      const allowed =
        resource === 'projects'
          ? rules.length > 0 || rulesAllow(rules, { verb, resource })
          : rulesAllow(rules, { verb, resource });
      if (allowed) out.add(project);
    }
    return out;
  }

  /**
   * A synchronous check of `verb` for any (resource, project) pair, computed once: for filtering
   * watch streams and lists across projects object by object. `project` is undefined for
   * cluster-scoped objects; for a Project, pass its name as `name`.
   */
  async view(
    principal: Principal,
    verb: Verb,
  ): Promise<(resource: string, project: string | undefined, name?: string) => boolean> {
    if (principal.kind === 'system') return () => true;
    const system = this.systemRules(principal);
    const byProject = new Map<string, PolicyRule[]>();
    if (principal.kind === 'token') {
      if (principal.project)
        byProject.set(principal.project, await this.projectRules(principal, principal.project));
    } else {
      for (const role of await this.#roles.roles()) {
        const project = role.metadata.namespace;
        if (!project || !claimsMatch(role, principal.claims)) continue;
        byProject.set(project, [...(byProject.get(project) ?? []), ...rulesOfRole(role)]);
      }
    }
    return (resource, project, name) => {
      if (rulesAllow(system, { verb, resource, name, project })) return true;
      if (SHARED_READABLE.has(resource) && READ.has(verb)) return true;
      if (resource === 'projects') {
        const rules = name === undefined ? undefined : byProject.get(name);
        return (
          rules !== undefined &&
          ((rules.length > 0 && READ.has(verb)) || rulesAllow(rules, { verb, resource }))
        );
      }
      const rules = project === undefined ? undefined : byProject.get(project);
      return rules !== undefined && rulesAllow(rules, { verb, resource, name, project });
    };
  }

  /** The caller's cluster-wide rules. */
  systemRules(principal: Principal): PolicyRule[] {
    if (principal.kind === 'system') return [{ verbs: ['*'], resources: ['*'] }];
    if (principal.kind === 'token')
      return principal.project ? [] : [...(SYSTEM_ROLES[principal.role] ?? [])];
    return this.#systemBindings
      .filter((binding) => claimsMatchList(binding.claims, principal.claims, binding.matchAll))
      .flatMap((binding) => SYSTEM_ROLES[binding.role] ?? []);
  }

  /** The caller's rules inside one project (system roles not included). */
  async projectRules(principal: Principal, project: string): Promise<PolicyRule[]> {
    if (principal.kind === 'system') return [{ verbs: ['*'], resources: ['*'] }];
    if (principal.kind === 'token') {
      if (principal.project !== project) return [];
      const builtin = PROJECT_ROLES[principal.role];
      if (builtin) return [...builtin];
      const role = (await this.#roles.roles(project)).find(
        (r) => r.metadata.name === principal.role,
      );
      return role ? rulesOfRole(role) : [];
    }
    const roles = await this.#roles.roles(project);
    return roles
      .filter((role) => claimsMatch(role, principal.claims))
      .flatMap((role) => rulesOfRole(role));
  }

  /** Every rule the caller holds in `project`, system ones included (for escalation checks). */
  async effectiveRules(
    principal: Principal,
    project: string | undefined,
    memo?: ProjectRulesMemo,
  ): Promise<PolicyRule[]> {
    const system = this.systemRules(principal);
    if (project === undefined) return system;
    return [...system, ...(await this.#projectRules(principal, project, memo))];
  }

  #projectRules(
    principal: Principal,
    project: string,
    memo: ProjectRulesMemo | undefined,
  ): Promise<PolicyRule[]> {
    if (!memo) return this.projectRules(principal, project);
    let rules = memo.get(project);
    if (!rules) {
      rules = this.projectRules(principal, project);
      memo.set(project, rules);
    }
    return rules;
  }
}

/** A Role's rules: fixed for the built-in names, its own otherwise. */
export function rulesOfRole(role: Role): PolicyRule[] {
  const builtin = PROJECT_ROLES[role.metadata.name];
  return builtin ? [...builtin] : [...(role.rules ?? [])];
}

function claimsMatch(role: Role, claims: Readonly<Record<string, readonly string[]>>): boolean {
  const matchAll = role.metadata.annotations?.[CLAIMS_MATCH_ANNOTATION] === 'all';
  return claimsMatchList(role.claims ?? [], claims, matchAll);
}

/**
 * Kargo's claim matching: a Role applies when any of its claims has a value the user's claim
 * holds; with `matchAll`, every one of its claims must.
 */
export function claimsMatchList(
  wanted: readonly Claim[],
  held: Readonly<Record<string, readonly string[]>>,
  matchAll = false,
): boolean {
  if (wanted.length === 0) return false;
  const one = (claim: Claim) => claim.values.some((value) => held[claim.name]?.includes(value));
  return matchAll ? wanted.every(one) : wanted.some(one);
}

function describeRefusal(principal: Principal, request: AccessRequest): string {
  const object = request.name ? ` "${request.name}"` : '';
  const where = request.project ? ` in project "${request.project}"` : '';
  return `${principal.actor} may not ${request.verb} ${request.resource}${object}${where}`;
}

/** The project Roles as the store holds them (`rbac.kargo.akuity.io` Role objects). */
export function storeRoleSource(store: Pick<Store, 'list'>): RoleSource {
  return {
    roles: async (project) =>
      (await store.list('Role', { namespace: project })).items as unknown as Role[],
  };
}
