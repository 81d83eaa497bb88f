import type { Context, Env, Handler as HonoHandler, Hono } from 'hono';

/** A route's handler, with its path's parameters typed (`:project` is a string). */
type Handler<P extends string = string> = HonoHandler<Env, P>;
import type { Authorizer } from '../auth/authorizer.js';
import type { AccessRequest, Verb } from '../auth/policy-rules.js';
import type { Principal } from '../auth/principal.js';
import { unauthenticatedError } from '../errors.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The authenticated caller (set by the authentication middleware). */
    principal: Principal | undefined;
  }
}

/**
 * What a route needs, declared where it is registered:
 * - `public`: no credentials (probes, signed webhook receivers, sign-in, the UI's static shell);
 * - `authenticated`: any signed-in caller (who am I, sign out);
 * - `check`: the access requests the route makes, all of which must be allowed before the
 *   handler runs (they may depend on the path and query, never on the body);
 * - `filtered`: a read across projects; the handler filters with `visibleProjects`;
 * - `per-object`: the handler checks each object of a batch with `authorize` (the body decides
 *   what is touched).
 */
export type RouteAccess =
  | { kind: 'public'; why: string }
  | { kind: 'authenticated' }
  | { kind: 'check'; requests: (c: Context) => AccessRequest[] }
  | { kind: 'filtered'; verb: Verb; resources: (c: Context) => string[] }
  | { kind: 'per-object' };

export interface GuardedRoute {
  method: string;
  path: string;
  access: RouteAccess;
}

/**
 * Registers routes on the app with their access declared, and asks the one Authorizer before
 * any handler runs. Routes must be registered through here: a test compares `routes` with
 * every route the app has, so one added directly on the app fails it.
 */
export class RouteGuard {
  readonly #app: Hono;
  readonly #authorizer: Authorizer;
  readonly #routes: GuardedRoute[] = [];

  constructor(app: Hono, authorizer: Authorizer) {
    this.#app = app;
    this.#authorizer = authorizer;
  }

  get authorizer(): Authorizer {
    return this.#authorizer;
  }

  get routes(): readonly GuardedRoute[] {
    return this.#routes;
  }

  get<P extends string>(path: P, access: RouteAccess, handler: Handler<P>): void {
    this.#add('GET', path, access, handler);
  }

  post<P extends string>(path: P, access: RouteAccess, handler: Handler<P>): void {
    this.#add('POST', path, access, handler);
  }

  put<P extends string>(path: P, access: RouteAccess, handler: Handler<P>): void {
    this.#add('PUT', path, access, handler);
  }

  patch<P extends string>(path: P, access: RouteAccess, handler: Handler<P>): void {
    this.#add('PATCH', path, access, handler);
  }

  delete<P extends string>(path: P, access: RouteAccess, handler: Handler<P>): void {
    this.#add('DELETE', path, access, handler);
  }

  #add<P extends string>(method: string, path: P, access: RouteAccess, handler: Handler<P>): void {
    this.#routes.push({ method, path, access });
    const guarded: Handler<P> = async (c, next) => {
      if (access.kind !== 'public') {
        const principal = c.get('principal');
        if (!principal)
          throw unauthenticatedError(
            c.get('staleSession') ??
              'sign in first: send "Authorization: Bearer <token>" (gantry login, or an API token)',
          );
        if (access.kind === 'check')
          for (const request of access.requests(c))
            await this.#authorizer.require(principal, request);
      }
      // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- Hono's handler result type
      return handler(c, next);
    };
    this.#app.on(method, path, guarded);
  }
}

/** The caller, for handlers of routes that are not public. */
export function principalOf(c: Context): Principal {
  const principal = c.get('principal');
  if (!principal) throw unauthenticatedError('sign in first');
  return principal;
}

/** The caller's actor string for audit and `createdBy` (`anonymous` only on public routes). */
export function actorOf(c: Context): string {
  return c.get('principal')?.actor ?? 'anonymous';
}

/**
 * Kargo's `promote` on the Stage in the path (`:project`, `:stage`): what promoting, approving,
 * rolling back, resuming, verifying and planning need.
 */
export const promoteStageAccess: RouteAccess = {
  kind: 'check',
  requests: (c) => [
    {
      verb: 'promote',
      resource: 'stages',
      project: c.req.param('project'),
      name: c.req.param('stage'),
    },
  ],
};
