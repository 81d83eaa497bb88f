import type { Hono } from 'hono';
import { resolveKindName } from '../../api/kind-names.js';
import { inputError } from '../../errors.js';
import type { Store } from '../../store/store.js';
import { watchStream } from '../watch-stream.js';
import { resumeVersion } from './resource-routes.js';

/**
 * `GET /v1/watch?kinds=stages,freight&project=P[&resourceVersion=N]`: one stream for several
 * kinds, so a page showing a whole project needs one connection, not one per kind (browsers
 * allow only a few per host). Without a version it starts from now.
 */
export function registerWatchRoutes(
  app: Hono,
  deps: { store: Store; shutdown: AbortSignal },
): void {
  app.get('/v1/watch', (c) => {
    const kindsParam = c.req.query('kinds');
    const kinds = kindsParam
      ? kindsParam.split(',').map((name) => {
          const info = resolveKindName(name.trim());
          if (!info)
            throw inputError(`kinds: unknown kind "${name}"`, [
              { path: 'kinds', message: `unknown kind "${name}"` },
            ]);
          return info.kind;
        })
      : undefined;
    return watchStream(
      c,
      { kinds, namespace: c.req.query('project') || undefined, resourceVersion: resumeVersion(c) },
      { store: deps.store, shutdown: deps.shutdown },
    );
  });
}
