import type { Context } from 'hono';
import type { ApiTokens } from '../../auth/api-tokens.js';
import type { Authorizer } from '../../auth/authorizer.js';
import {
  PROJECT_ROLES,
  SYSTEM_ROLES,
  projectRoleName,
  systemRoleName,
} from '../../auth/builtin-roles.js';
import { rulesOfRole } from '../../auth/authorizer.js';
import { writeAuthorization } from '../../auth/write-authorization.js';
import { parseDuration } from '../../api/duration.js';
import type { Role } from '../../api/role.js';
import type { AuditLog } from '../../audit/audit-log.js';
import { inputError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { principalOf, type RouteAccess, type RouteGuard } from '../guarded-routes.js';
import { readJsonBody } from '../request-body.js';

/**
 * API tokens, per project (`/v1/projects/:project/tokens`) or system-wide (`/v1/tokens`):
 * - `POST` `{"name", "role", "expires"?: "30d" | RFC 3339}` answers `{"token", …}`: the value,
 *   shown this once. The caller must hold every permission of the role (no escalation).
 * - `GET` lists them (never their values); `DELETE …/:name` revokes one at once.
 */
export function registerTokenRoutes(
  routes: RouteGuard,
  deps: {
    tokens: ApiTokens;
    authorizer: Authorizer;
    store: Store;
    audit: AuditLog;
    now?: () => Date;
  },
): void {
  const access = (verb: 'create' | 'list' | 'delete', scoped: boolean): RouteAccess => ({
    kind: 'check',
    requests: (c: Context) => [
      {
        verb,
        resource: 'tokens',
        project: scoped ? c.req.param('project') : undefined,
        name: c.req.param('name'),
      },
    ],
  });
  for (const scoped of [true, false]) {
    const base = scoped ? '/v1/projects/:project/tokens' : '/v1/tokens';
    const projectOf = (c: Context) => (scoped ? c.req.param('project') : undefined);
    routes.post(base, access('create', scoped), async (c) => {
      const project = projectOf(c);
      const body = (await readJsonBody(c)) as {
        name?: unknown;
        role?: unknown;
        expires?: unknown;
      } | null;
      if (typeof body?.name !== 'string' || body.name === '')
        throw inputError('name: required', [{ path: 'name', message: 'required' }]);
      if (typeof body.role !== 'string' || body.role === '')
        throw inputError('role: required (viewer, developer or admin)', [
          { path: 'role', message: 'required' },
        ]);
      if (project !== undefined)
        await deps.store.get({ kind: 'Project', namespace: '', name: project }).then((found) => {
          if (!found) throw inputError(`project "${project}" does not exist`);
        });
      const { role, rules } = await resolveRole(deps.store, project, body.role);
      const principal = principalOf(c);
      await writeAuthorization(deps.authorizer, principal).requireCovers(
        project,
        rules,
        `a token with role "${role}"`,
      );
      const now = deps.now?.() ?? new Date();
      const expiresAt = parseExpiry(body.expires, now);
      const { token, info } = await deps.tokens.create({
        name: body.name,
        project,
        role,
        createdBy: principal.actor,
        expiresAt,
      });
      await deps.audit.record([
        {
          actor: principal.actor,
          action: 'create',
          kind: 'APIToken',
          project: project ?? '',
          name: info.name,
          message: `role ${role}${info.expiresAt ? `, expires ${info.expiresAt}` : ''}`,
        },
      ]);
      return c.json({ token, ...info }, 201);
    });
    routes.get(base, access('list', scoped), async (c) =>
      c.json({ items: await deps.tokens.list(projectOf(c)) }),
    );
    routes.delete(`${base}/:name`, access('delete', scoped), async (c) => {
      const project = projectOf(c);
      const info = await deps.tokens.delete(project, c.req.param('name'));
      await deps.audit.record([
        {
          actor: principalOf(c).actor,
          action: 'delete',
          kind: 'APIToken',
          project: project ?? '',
          name: info.name,
        },
      ]);
      return c.json(info);
    });
  }
}

async function resolveRole(store: Store, project: string | undefined, given: string) {
  if (project === undefined) {
    const role = systemRoleName(given);
    const rules = SYSTEM_ROLES[role];
    if (!rules)
      throw inputError(
        `role: "${given}" is not a system role (admin, viewer, user, project-creator)`,
        [{ path: 'role', message: 'unknown role' }],
      );
    return { role, rules };
  }
  const role = projectRoleName(given);
  const builtin = PROJECT_ROLES[role];
  if (builtin) return { role, rules: builtin };
  const stored = await store.get({ kind: 'Role', namespace: project, name: role });
  if (!stored)
    throw inputError(
      `role: "${given}" is neither a built-in role (viewer, developer, admin) nor a Role in project "${project}"`,
      [{ path: 'role', message: 'unknown role' }],
    );
  return { role, rules: rulesOfRole(stored as unknown as Role) };
}

/** `30d`, `12h`, `90m` from now, or an RFC 3339 time; undefined for no expiry. */
export function parseExpiry(value: unknown, now: Date): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string')
    throw inputError('expires: must be a duration such as 30d or a time', [
      { path: 'expires', message: 'not a string' },
    ]);
  const days = /^(\d+)d$/.exec(value);
  if (days) return new Date(now.getTime() + Number(days[1]) * 86_400_000);
  const duration = parseDuration(value);
  if (duration !== undefined && duration > 0) return new Date(now.getTime() + duration);
  const time = Date.parse(value);
  if (/^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(time)) return new Date(time);
  throw inputError(`expires: "${value}" is neither a duration (30d, 12h) nor a time (RFC 3339)`, [
    { path: 'expires', message: 'not a duration or time' },
  ]);
}
