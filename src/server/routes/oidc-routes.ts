import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { safeRedirectPath } from '../../auth/oidc/safe-redirect.js';
import type { PendingLogin, SingleSignOn } from '../../auth/oidc/single-sign-on.js';
import type { Sessions } from '../../auth/sessions.js';
import { notFoundError, unauthenticatedError } from '../../errors.js';
import type { RouteGuard } from '../guarded-routes.js';
import { startSession } from './auth-routes.js';

export const OIDC_CALLBACK_PATH = '/v1/auth/oidc/callback';
/** Each sign-in in progress has its own cookie, so two tabs signing in do not collide. */
const PENDING_COOKIE_PREFIX = 'gantry_oidc_';
const PENDING_TTL_SECONDS = 600;

/**
 * Single sign-on in the browser (OIDC authorization code flow with PKCE):
 * - `GET /v1/auth/oidc/login?redirect=/projects/x` sends the browser to the provider,
 *   remembering state, nonce and PKCE verifier in a short-lived HttpOnly cookie. It is
 *   SameSite=Lax, not Strict: the provider's redirect back is a cross-site navigation, on
 *   which a Strict cookie would not be sent.
 * - `GET /v1/auth/oidc/callback` checks all that, starts a session (the usual HttpOnly,
 *   SameSite=Strict cookie) and sends the browser to the path it came for: only a path on this
 *   server (safeRedirectPath), never another site.
 * The redirect URI is `<--external-url or the request's origin>/v1/auth/oidc/callback`: the one
 * to register with the provider. Without OIDC configured both answer 404.
 */
export function registerOidcRoutes(
  routes: RouteGuard,
  deps: {
    sso?: SingleSignOn | undefined;
    sessions: Sessions;
    /** How browsers reach this server (`--external-url`); else each request's origin. */
    externalUrl?: string | undefined;
  },
): void {
  routes.get(
    '/v1/auth/oidc/login',
    { kind: 'public', why: 'starts single sign-on: the browser has no credentials yet' },
    async (c) => {
      const sso = configured(deps.sso);
      const redirectUri = `${originOf(c, deps.externalUrl)}${OIDC_CALLBACK_PATH}`;
      const { url, pending } = await sso.begin({
        redirectUri,
        returnTo: safeRedirectPath(c.req.query('redirect')),
      });
      setCookie(c, `${PENDING_COOKIE_PREFIX}${pending.state}`, encodePending(pending), {
        httpOnly: true,
        sameSite: 'Lax',
        secure: redirectUri.startsWith('https:'),
        path: OIDC_CALLBACK_PATH,
        maxAge: PENDING_TTL_SECONDS,
      });
      c.header('cache-control', 'no-store');
      return c.redirect(url, 302);
    },
  );
  routes.get(
    OIDC_CALLBACK_PATH,
    {
      kind: 'public',
      why: 'the provider sends the browser back here to sign in; state, PKCE and the ID token are checked',
    },
    async (c) => {
      const sso = configured(deps.sso);
      const state = c.req.query('state') ?? '';
      if (!/^[A-Za-z0-9_-]{16,128}$/.test(state))
        throw unauthenticatedError(
          'single sign-on failed: the provider sent no valid state; start again from the sign-in page',
        );
      const name = `${PENDING_COOKIE_PREFIX}${state}`;
      const pending = decodePending(getCookie(c, name));
      deleteCookie(c, name, { path: OIDC_CALLBACK_PATH });
      if (!pending || pending.state !== state)
        throw unauthenticatedError(
          'single sign-on failed: this sign-in was not started in this browser, or took longer than 10 minutes; start again from the sign-in page',
        );
      const principal = await sso.complete(new URL(c.req.url), pending);
      const id = await deps.sessions.create({ kind: 'user', principal });
      startSession(c, id, deps.sessions.ttlMs);
      c.header('cache-control', 'no-store');
      return c.redirect(safeRedirectPath(pending.returnTo), 302);
    },
  );
}

function configured(sso: SingleSignOn | undefined): SingleSignOn {
  if (!sso)
    throw notFoundError(
      'single sign-on is not configured on this server (the operator sets oidc in --auth-config); sign in with an API token',
    );
  return sso;
}

/** `scheme://host[:port]` browsers use for this server: the external URL, else the request's. */
function originOf(c: Context, externalUrl: string | undefined): string {
  if (externalUrl) return externalUrl.replace(/\/+$/, '');
  const url = new URL(c.req.url);
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim();
  return `${forwarded === 'https' ? 'https:' : url.protocol}//${url.host}`;
}

function encodePending(pending: PendingLogin): string {
  return Buffer.from(JSON.stringify(pending)).toString('base64url');
}

const pendingSchema = z.strictObject({
  state: z.string(),
  nonce: z.string(),
  codeVerifier: z.string(),
  redirectUri: z.string(),
  returnTo: z.string(),
});

/** The pending sign-in from its cookie; undefined when absent or not one of ours. */
function decodePending(value: string | undefined): PendingLogin | undefined {
  if (!value) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const result = pendingSchema.safeParse(parsed);
  return result.success ? result.data : undefined;
}
