import { kindName } from '../../api/kind-names.js';
import { KINDS } from '../../api/kinds.js';
import type { Authorizer } from '../../auth/authorizer.js';
import { principalOf, type RouteGuard } from '../guarded-routes.js';
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
  routes: RouteGuard,
  deps: {
    store: Store;
    shutdown: AbortSignal;
    authorizer: Authorizer;
    watchHeartbeatMs?: number | undefined;
  },
): void {
  // Filtered: each object is sent only if the caller may watch its kind in its project.
  // Without `kinds`, every public kind (never the server's internal records).
  const filtered = {
    kind: 'filtered' as const,
    verb: 'watch' as const,
    resources: () => KINDS.map((info) => info.plural),
  };
  routes.get('/v1/watch', filtered, async (c) => {
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
      : KINDS.map((info) => info.kind);
    const visible = await deps.authorizer.view(principalOf(c), 'watch');
    return watchStream(
      c,
      {
        kinds,
        namespace: c.req.query('project') || undefined,
        resourceVersion: resumeVersion(c),
        filter: (object) => {
          const names = kindName(object.kind);
          if (!names) return false;
          return names.namespaced
            ? visible(names.plural, object.metadata.namespace, object.metadata.name)
            : visible(names.plural, undefined, object.metadata.name);
        },
      },
      { store: deps.store, shutdown: deps.shutdown, heartbeatMs: deps.watchHeartbeatMs },
    );
  });
}
