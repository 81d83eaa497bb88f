import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import type { RouteGuard } from '../guarded-routes.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Paths that belong to the API and never fall back to the UI's page. */
const API_PREFIXES = ['/v1/', '/webhook/', '/healthz'];

/**
 * The web UI (built by `npm run build` into dist/ui) at `/`: files as they are, with
 * long-lived caching for Vite's content-hashed assets, and `index.html` for every other path
 * so the UI's own routes (`/projects/P`) load on a reload. Paths cannot leave the directory.
 * Without a build, `/` says how to make one.
 */
export function registerUiRoutes(routes: RouteGuard, deps: { uiDir?: string | undefined }): void {
  const root = deps.uiDir === undefined ? undefined : resolve(deps.uiDir);
  const shell = {
    kind: 'public' as const,
    why: 'the UI shell and its assets hold no data; the page signs in and reads through the API',
  };
  routes.get('/*', shell, (c, next) => {
    const path = c.req.path;
    if (
      API_PREFIXES.some((prefix) => path === prefix.replace(/\/$/, '') || path.startsWith(prefix))
    )
      return next();
    const index = root === undefined ? undefined : join(root, 'index.html');
    if (root === undefined || index === undefined || !existsSync(index)) {
      return c.html(
        '<!doctype html><title>Gantry</title><p>The web UI is not built. Run <code>npm run build</code>; the API is at <a href="/v1/projects">/v1</a>.</p>',
        503,
      );
    }
    const file = resolve(root, `.${decodeURIComponent(path)}`);
    const inside = file === root || relative(root, file).split(sep)[0] !== '..';
    if (inside && file !== root && existsSync(file) && statSync(file).isFile()) {
      const immutable = relative(root, file).startsWith(`assets${sep}`);
      return c.body(readFileSync(file), 200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
    }
    // A UI route (or a file that is not there): the page, which routes on its own.
    return c.body(readFileSync(index), 200, {
      'content-type': TYPES['.html']!,
      'cache-control': 'no-cache',
    });
  });
}
