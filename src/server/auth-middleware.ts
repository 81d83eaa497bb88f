import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import type { Authenticator } from '../auth/authenticator.js';
import { SESSION_COOKIE } from '../auth/sessions.js';
import { notAllowedError } from '../errors.js';

/**
 * Authentication: sets the `principal` of every request that carries valid credentials. A
 * request with an invalid bearer token is refused (401) even on a route that needs none, so a
 * mistake never silently turns into anonymous access. A stale session cookie is cleared and
 * ignored (the browser must reach the sign-in page); routes that need a caller then say why.
 * Whether a route may be reached anonymously is the route's declaration (guarded-routes.ts).
 */
export function authentication(authenticator: Authenticator): MiddlewareHandler {
  return async (c, next) => {
    const result = await authenticator.authenticate({
      authorization: c.req.header('authorization'),
      session: getCookie(c, SESSION_COOKIE),
    });
    c.set('principal', result.principal);
    c.set('authenticatedVia', result.via);
    // Long-lived answers (watches, log streams) ask again now and then: a revoked token or an
    // ended session stops its streams too.
    c.set('stillAuthenticated', async () => {
      if (!result.principal) return true;
      try {
        const again = await authenticator.authenticate({
          authorization: c.req.header('authorization'),
          session: getCookie(c, SESSION_COOKIE),
        });
        return again.principal !== undefined;
      } catch {
        return false;
      }
    });
    if (result.via === 'none' && result.staleSession) {
      c.set('staleSession', result.staleSession);
      // A session that is gone is forgotten; one whose token was revoked keeps saying so.
      if (!result.sessionRevoked) deleteCookie(c, SESSION_COOKIE, { path: '/' });
    }
    await next();
  };
}

declare module 'hono' {
  interface ContextVariableMap {
    authenticatedVia: 'bearer' | 'session' | 'none';
    /** Why the session cookie that came along was ignored. */
    staleSession: string | undefined;
    /** Whether the request's credentials are still valid (for long-lived streams). */
    stillAuthenticated: (() => Promise<boolean>) | undefined;
  }
}

export interface RequestGuardOptions {
  /** Host names answered besides loopback names and IP literals; `*` for any. */
  allowedHosts: readonly string[];
  /** Origins (scheme://host[:port]) allowed to change state besides the server's own. */
  allowedOrigins: readonly string[];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Paths a browser page never needs and whose callers are not browsers. */
const UNGUARDED_PREFIXES = ['/healthz', '/webhook/'];

/**
 * The host stays the host's, against browsers:
 * - DNS rebinding: a `Host` that is a name (not an IP literal) must be a loopback name, the
 *   external URL's host or an allowed host; a rebinding attack always arrives with its own name.
 * - CSRF: a state-changing request from a browser must come from the server's own origin (or
 *   an allowed one) and, unless it carries a bearer token, have a JSON or YAML content type, so
 *   a cross-site form or `text/plain` fetch cannot reach a handler. CORS stays closed unless
 *   origins are allowed, and then only for bearer-token requests (no credentials).
 */
export function requestGuard(options: RequestGuardOptions): MiddlewareHandler {
  const anyHost = options.allowedHosts.includes('*');
  const hosts = new Set(options.allowedHosts.map((h) => h.toLowerCase()));
  const origins = new Set(options.allowedOrigins.map((o) => o.toLowerCase()));
  return async (c, next) => {
    const path = c.req.path;
    if (UNGUARDED_PREFIXES.some((prefix) => path === prefix || path.startsWith(prefix)))
      return next();
    const host = (c.req.header('host') ?? '').toLowerCase();
    const hostname = hostnameOf(host);
    if (
      hostname !== '' &&
      !anyHost &&
      !isIpLiteral(hostname) &&
      !isLoopbackName(hostname) &&
      !hosts.has(hostname)
    )
      throw notAllowedError(
        `this server does not answer to the host name "${hostname}" (a DNS-rebinding defence); the operator can allow it with --allowed-hosts`,
      );
    const origin = c.req.header('origin');
    const sameOrigin = origin !== undefined && origin !== 'null' && hostOfOrigin(origin) === host;
    const allowedOrigin =
      origin !== undefined && (origins.has(origin.toLowerCase()) || origins.has('*'));
    if (c.req.method === 'OPTIONS' && origin !== undefined) {
      if (!allowedOrigin)
        throw notAllowedError(`cross-origin requests from ${origin} are not allowed`);
      return c.body(null, 204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, POST, PUT, DELETE',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
        vary: 'origin',
      });
    }
    if (!SAFE_METHODS.has(c.req.method)) {
      if (origin !== undefined && !sameOrigin && !allowedOrigin)
        throw notAllowedError(
          `a request from the web page at ${origin} may not change anything here (cross-site request refused)`,
        );
      if (c.req.header('sec-fetch-site') === 'cross-site' && !allowedOrigin)
        throw notAllowedError('cross-site requests may not change anything here');
      const bearer = /^Bearer\s/i.test(c.req.header('authorization') ?? '');
      const type = (c.req.header('content-type') ?? '').toLowerCase();
      if (!bearer && !/^application\/(json|yaml|x-yaml)\b/.test(type))
        throw notAllowedError(
          'a request that changes something must send Content-Type: application/json (or application/yaml), or a bearer token',
        );
    }
    await next();
    if (allowedOrigin && origin !== undefined && !sameOrigin) {
      c.res.headers.set('access-control-allow-origin', origin);
      c.res.headers.append('vary', 'origin');
    }
  };
}

function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '');
}

function hostOfOrigin(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

function isIpLiteral(hostname: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname) || /^\[[0-9a-f:.]+\]$/.test(hostname);
}

function isLoopbackName(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost');
}
