import { ApiError } from '../../api/client.js';
import type { Permissions } from '../../api/types.js';

/** A verb on a resource, as the server's authorization names them (`promote` `stages`). */
export interface Need {
  verb: string;
  resource: string;
}

/** The actions the project and promotion pages offer. */
export type Action =
  'promote' | 'approve' | 'rollback' | 'resume' | 'abort' | 'verify' | 'refresh' | 'freeze';

/**
 * What each action needs, as the server's routes check it: every change to what a Stage runs
 * or may run is `promote` on `stages` (Kargo's verb); creating the Promotion itself is also a
 * `create` of `promotions`; a Warehouse is asked to look with `refresh`; freezing changes the
 * Project (`update` on `projects`).
 */
export const ACTION_NEEDS: Readonly<Record<Action, readonly Need[]>> = {
  promote: [
    { verb: 'promote', resource: 'stages' },
    { verb: 'create', resource: 'promotions' },
  ],
  approve: [{ verb: 'promote', resource: 'stages' }],
  rollback: [{ verb: 'promote', resource: 'stages' }],
  resume: [{ verb: 'promote', resource: 'stages' }],
  abort: [{ verb: 'promote', resource: 'stages' }],
  verify: [{ verb: 'promote', resource: 'stages' }],
  refresh: [{ verb: 'refresh', resource: 'warehouses' }],
  freeze: [{ verb: 'update', resource: 'projects' }],
};

export type VisibleActions = Readonly<Record<Action, boolean>>;

/** Nothing to do: while the permissions load, or when they could not be read. */
export const NO_ACTIONS: VisibleActions = {
  promote: false,
  approve: false,
  rollback: false,
  resume: false,
  abort: false,
  verify: false,
  refresh: false,
  freeze: false,
};

/**
 * The actions to show for these permissions: only those the server would allow, so a viewer
 * sees the pipeline with no buttons at all (hidden, not disabled: a button that can only fail
 * is noise). Unknown permissions show nothing.
 */
export function visibleActions(permissions: Permissions | undefined): VisibleActions {
  if (!permissions) return NO_ACTIONS;
  const allows = (need: Need) => permissions.resources[need.resource]?.[need.verb] === true;
  const out = { ...NO_ACTIONS };
  for (const action of Object.keys(ACTION_NEEDS) as Action[])
    out[action] = ACTION_NEEDS[action].every(allows);
  return out;
}

/**
 * What the built-in developer role (`kargo-promoter`) may do beyond reading: Kargo's rules, as
 * the server's `src/auth/builtin-roles.ts` defines them. Everything else that changes a project
 * takes its admin.
 */
const DEVELOPER_GRANTS: readonly Need[] = [
  { verb: 'promote', resource: 'stages' },
  { verb: 'create', resource: 'promotions' },
  { verb: 'refresh', resource: 'warehouses' },
];
const READ_VERBS = ['get', 'list', 'watch'];

/**
 * A plain sentence after the server's message when it refused the caller an action (403 whose
 * message is the authorization's `<actor> may not <verb> <resource>[ "name"][ in project "P"]`):
 * which role would allow it, and whom to ask. Undefined for any other failure, including the
 * server's other refusals (a cross-site request, a host it does not answer to), which no role
 * changes.
 */
export function explainRefusal(err: unknown, actor: string | undefined): string | undefined {
  if (!(err instanceof ApiError) || err.status !== 403 || !actor) return undefined;
  const prefix = `${actor} may not `;
  if (!err.message.startsWith(prefix)) return undefined;
  const [verb = '', resource = ''] = err.message.slice(prefix.length).split(' ');
  const project = / in project "([^"]*)"$/.exec(err.message)?.[1];
  if (!project)
    return 'This needs a system-wide role; ask the administrator of this Gantry server.';
  if (READ_VERBS.includes(verb))
    return `You need a role in project ${project} (viewer or more); ask a project admin.`;
  return DEVELOPER_GRANTS.some((g) => g.verb === verb && g.resource === resource)
    ? `You need the developer or admin role in project ${project}; ask a project admin.`
    : `You need the admin role in project ${project}; ask a project admin.`;
}
