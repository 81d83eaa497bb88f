import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Authorizer } from '../../auth/authorizer.js';
import type { SingleSignOn } from '../../auth/oidc/single-sign-on.js';
import { VERBS } from '../../auth/policy-rules.js';
import { SESSION_COOKIE, type Sessions } from '../../auth/sessions.js';
import { KINDS } from '../../api/kinds.js';
import { inputError } from '../../errors.js';
import { principalOf, type RouteGuard } from '../guarded-routes.js';
import { readJsonBody } from '../request-body.js';

/**
 * Signing in and out, and who the caller is:
 * - `POST /v1/auth/login` with `{"token": "…"}`: checks the API token and starts a browser
 *   session (an HttpOnly, SameSite=Strict cookie; Secure over https).
 * - `POST /v1/auth/logout`: ends it; for a single sign-on user the answer also has the
 *   provider's logout URL (`endSessionURL`), to end the provider's session too.
 * - `GET /v1/auth/whoami`: the caller's identity.
 * - `GET /v1/projects/:project/permissions`: what the caller may do in a project, so the UI
 *   shows only the actions it will be allowed.
 */
export function registerAuthRoutes(
  routes: RouteGuard,
  deps: {
    authenticator: Authenticator;
    authorizer: Authorizer;
    sessions: Sessions;
    /** How people sign in here: for the UI's sign-in page. */
    signIn?: { sso: boolean } | undefined;
    /** Single sign-on, when configured: what the CLI needs to sign in with the provider. */
    sso?: SingleSignOn | undefined;
  },
): void {
  routes.get(
    '/v1/auth/config',
    { kind: 'public', why: 'the sign-in page must know how to sign in before anyone has' },
    (c) =>
      c.json({
        sso: deps.sso !== undefined || (deps.signIn?.sso ?? false),
        tokens: true,
        ...deps.sso?.info,
      }),
  );
  routes.post(
    '/v1/auth/login',
    { kind: 'public', why: 'signing in is how a caller gets credentials; the token is checked' },
    async (c) => {
      const body = (await readJsonBody(c)) as { token?: unknown } | null;
      if (typeof body?.token !== 'string' || body.token.trim() === '')
        throw inputError('token: required (an API token)', [
          { path: 'token', message: 'required' },
        ]);
      const token = body.token.trim();
      const principal = await deps.authenticator.verifyBearer(token);
      if (principal.kind !== 'token' && principal.kind !== 'user')
        throw inputError('token: not a token a person can sign in with');
      const id = await deps.sessions.create(
        principal.kind === 'user' ? { kind: 'user', principal } : { kind: 'token', token },
      );
      startSession(c, id, deps.sessions.ttlMs);
      return c.json(identity(principal));
    },
  );
  routes.post('/v1/auth/logout', { kind: 'authenticated' }, async (c) => {
    const id = getCookie(c, SESSION_COOKIE);
    if (id) await deps.sessions.delete(id);
    deleteCookie(c, SESSION_COOKIE, { path: '/' });
    const endSessionURL = principalOf(c).kind === 'user' ? deps.sso?.endSessionUrl() : undefined;
    return c.json({ signedOut: true, ...(endSessionURL ? { endSessionURL } : {}) });
  });
  routes.get('/v1/auth/whoami', { kind: 'authenticated' }, (c) => c.json(identity(principalOf(c))));
  routes.get('/v1/projects/:project/permissions', { kind: 'authenticated' }, async (c) => {
    const principal = principalOf(c);
    const project = c.req.param('project');
    const resources: Record<string, Record<string, boolean>> = {};
    for (const resource of [
      ...KINDS.filter((k) => k.namespaced).map((k) => k.plural),
      'tokens',
      'events',
    ]) {
      const verbs: Record<string, boolean> = {};
      for (const verb of VERBS)
        verbs[verb] = (
          await deps.authorizer.decide(principal, { verb, resource, project })
        ).allowed;
      resources[resource] = verbs;
    }
    const projectVerbs: Record<string, boolean> = {};
    for (const verb of VERBS)
      projectVerbs[verb] = (
        await deps.authorizer.decide(principal, { verb, resource: 'projects', name: project })
      ).allowed;
    resources.projects = projectVerbs;
    return c.json({ project, actor: principal.actor, resources });
  });
}

/** Sets the session cookie: never readable by scripts, never sent cross-site. */
export function startSession(c: Context, id: string, ttlMs: number): void {
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isHttps(c),
    path: '/',
    maxAge: Math.floor(ttlMs / 1000),
  });
}

function isHttps(c: Context): boolean {
  return (
    new URL(c.req.url).protocol === 'https:' ||
    c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https'
  );
}

function identity(principal: ReturnType<typeof principalOf>) {
  switch (principal.kind) {
    case 'user':
      return {
        kind: 'user',
        actor: principal.actor,
        subject: principal.subject,
        email: principal.email,
        name: principal.name,
        groups: principal.claims.groups ?? [],
      };
    case 'token':
      return {
        kind: 'token',
        actor: principal.actor,
        name: principal.name,
        project: principal.project,
        role: principal.role,
      };
    case 'system':
      return { kind: 'system', actor: principal.actor };
  }
}
