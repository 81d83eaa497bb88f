import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';
import {
  FakeArgoCdControlPlane,
  type FakeApplication,
  type FakeRequest,
} from './fake-argocd-control-plane.js';
import { handleArgoCdRestRequest } from './fake-argocd-rest-api.js';
import { handleKubernetesRequest } from './fake-kubernetes-api.js';

export { parseSelector, type FakeApplication } from './fake-argocd-control-plane.js';
export { FAKE_HEALTH_ANNOTATION } from './fake-argocd-repo-server.js';

/**
 * An in-process contract double of one Argo CD control plane (Argo CD v2.x), modelled once and
 * reached through two front doors, each on its own port: Argo CD's API server REST API (`url`)
 * and the Kubernetes API serving the Application custom resources (`kubernetesUrl`). Both share
 * one store and one application controller, so a sync started through either looks the same
 * through both.
 *
 * REST front (test/fake-argocd-rest-api.ts), `/api/v1`:
 * - Auth: `Authorization: Bearer <token>`; missing or wrong → 401 `{"error", "code": 16,
 *   "message": "invalid session: …"}` (gRPC Unauthenticated).
 * - `GET /api/v1/applications/{name}?appNamespace=&refresh=`: the Application; unknown → 404
 *   `{"error", "code": 5, "message": "applications.argoproj.io \"x\" not found"}`. `refresh`
 *   (`normal`|`hard`) is accepted and counted in `refreshes`; nothing else changes.
 * - `GET /api/v1/applications?selector=&appNamespace=`: `{"metadata": {}, "items": [...]}`, with
 *   `items` omitted when nothing matches (as the real server's protobuf JSON does).
 * - `PUT /api/v1/applications/{name}` (body: Application): replaces spec, labels and annotations;
 *   `PATCH /api/v1/applications/{name}` (body: `{name, appNamespace, patch, patchType: "merge"}`):
 *   an RFC 7386 merge patch of metadata and spec. Both return the app and ignore
 *   resourceVersion (no conflicts over REST). Other patch types → 400.
 * - `POST /api/v1/applications/{name}/sync` (body: `{revision?, revisions?, sourcePositions?,
 *   prune?, infos?, appNamespace?}`): records `operation` {sync.revision(s) (requested, else
 *   the source's targetRevision, verbatim), initiatedBy.username "admin", info = infos} and
 *   starts it; while one is requested or running → 400 code 9 "another operation is already in
 *   progress".
 * - Namespaces: `appNamespace` selects one; without it, the control plane's (`namespace`).
 *
 * Kubernetes front (test/fake-kubernetes-api.ts), kube-apiserver for CRD
 * `applications.argoproj.io/v1alpha1` (no status subresource, like Argo CD's CRD):
 * - Auth: `Authorization: Bearer <kubernetesToken>`; else 401 Status "Unauthorized".
 * - `GET /apis/argoproj.io/v1alpha1/namespaces/{ns}/applications/{name}`; unknown → 404
 *   Status, reason NotFound, `applications.argoproj.io "x" not found`.
 * - `GET …/namespaces/{ns}/applications?labelSelector=` and `GET …/v1alpha1/applications`
 *   (all namespaces): `{apiVersion, kind: ApplicationList, metadata: {resourceVersion}, items}`,
 *   items carrying apiVersion and kind; `items: []` when nothing matches.
 * - `PATCH` with `Content-Type: application/merge-patch+json` (RFC 7386, on the whole object,
 *   status and operation included); a `metadata.resourceVersion` in the patch that is not the
 *   stored one → 409 Conflict. Other patch types → 415.
 * - `PUT`: replaces the object; `metadata.resourceVersion` required (422 without), stale → 409.
 * - Writes keep uid, creationTimestamp, name and namespace, set a new resourceVersion (one
 *   counter for all objects, like etcd's revision) and bump `metadata.generation` when the
 *   spec changed. Labels and annotations must be string maps, spec an object (else 422).
 * - Errors are `Status` objects `{kind: Status, apiVersion: v1, status: Failure, message,
 *   reason, code}`; `GET /version`, `/api`, `/apis`, `/apis/argoproj.io[/v1alpha1]` answer
 *   minimal discovery documents.
 *
 * Application controller, for both fronts:
 * - A write (either front) that sets or changes `operation` starts it, as does `POST …/sync`.
 *   Kargo's patch `operation: {initiatedBy, info, sync: {revision | revisions}}` is honoured.
 *   A write that carries the `argocd.argoproj.io/refresh` annotation: the controller removes
 *   it and counts it in `refreshes`. `addApp` stores as is and triggers neither.
 * - While an operation runs (at least `syncDelayMs`, default 50, plus the git work):
 *   `operation` stays, `status.operationState` = {phase: Running, operation (a copy, with
 *   `info`), startedAt}, health Progressing. An operation written while one runs is dropped when
 *   the running one ends (the controller clears `operation`).
 * - Each source whose repoURL is an http(s) URL on a loopback host and has no `chart` is
 *   rendered with real git (test/fake-argocd-repo-server.ts): the revision (requested, else
 *   targetRevision, else HEAD; a branch, tag, full ref or commit SHA) resolves to a commit
 *   SHA, and the `*.yaml`/`*.yml`/`*.json` files directly in `path` (recursively with
 *   `directory.recurse: true`) are read, every document (each needs apiVersion, kind and
 *   metadata.name; empty ones are skipped). Other sources (`https://git.example/…`,
 *   Helm chart repositories) sync to the requested revision verbatim, with no manifests.
 * - Success: `operation` removed; `status.sync` {status: Synced, revision | revisions (the
 *   resolved SHAs)}; `status.operationState` {phase: Succeeded, syncResult.revision(s),
 *   finishedAt}; for apps with git sources `status.resources` ([{group?, version, kind,
 *   namespace? (the document's, else spec.destination.namespace), name, status: Synced,
 *   health: {status}}], file order) and `status.summary.images` (every string under a key named
 *   `image`, deduplicated and sorted). Health: Progressing for `healthyAfterMs` (default 0), then
 *   the worst resource health in Argo CD's order (Healthy < Suspended < Progressing < Missing <
 *   Degraded < Unknown), Healthy without marks; a document annotated
 *   `fake.argocd.gantry.io/health: <status>` has that health (e.g. `Degraded`). Apps without git
 *   sources get `healthAfterSync` (default Healthy, `setHealthAfterSync`) instead.
 * - Unresolvable repository or revision, or manifests that do not parse: phase Error, message
 *   `ComparisonError: Failed to load target state: failed to generate manifest for source 1 of
 *   1: unable to resolve 'x' to a commit SHA`, a ComparisonError condition, sync status
 *   Unknown (as Argo CD shows a comparison error), sync revision and health as before.
 * - `failNextSyncs(name)`: the app's next sync(s) end phase Failed, sync status OutOfSync,
 *   revision and health as before (an apply that failed).
 *
 * Test controls, for both fronts: `failNext` and `respondWithHugeError` hit the next
 * authenticated requests whichever front gets them; `requests` records every request of both.
 *
 * Does not model: RBAC and projects (every valid token may do everything), sync windows,
 * auto-sync and self-heal, live cluster state (health comes only from the manifests' marks;
 * nothing is applied anywhere), Kustomize and Helm rendering (a path with kustomization.yaml or
 * Chart.yaml fails the sync), `spec.source.kustomize`/`helm` overrides, `directory.include`/
 * `exclude`, repository credentials other than in the URL, operation retries and termination,
 * `status.history`, resource trees, watches on either front, session login, JSON patch or
 * server-side apply, create and delete.
 */
export interface FakeArgoCd {
  /** The REST API: `http://127.0.0.1:PORT`. */
  url: string;
  /** The one bearer token the REST API accepts. */
  token: string;
  /** The Kubernetes API serving Application resources: `http://127.0.0.1:PORT`. */
  kubernetesUrl: string;
  /** The one bearer token the Kubernetes API accepts. */
  kubernetesToken: string;
  /** Every request received by either front (refused ones included); `path` has the query. */
  readonly requests: FakeRequest[];
  /** Operations started (REST sync calls and operations written through Kubernetes). */
  readonly syncs: number;
  /** `refresh=` GETs received plus refresh annotations consumed. */
  readonly refreshes: number;
  /** Stores a copy of `app` (namespace defaults to the control plane's); replaces a namesake. */
  addApp(app: FakeApplication): void;
  /** A copy of the stored app, or undefined. */
  app(name: string, namespace?: string): FakeApplication | undefined;
  /** Sets `status.health.status` now, cancelling a pending "healthy after" change. */
  setHealth(name: string, status: string, namespace?: string): void;
  /** The health a completed sync leaves an app without git sources in. */
  setHealthAfterSync(status: string): void;
  /** The app's next `count` (default 1) syncs end phase Failed with `message`. */
  failNextSyncs(
    name: string,
    options?: { count?: number; namespace?: string; message?: string },
  ): void;
  /** The next `count` requests get `status` (default 503) with the front's error body. */
  failNext(count: number, status?: number): void;
  /** The next request gets `status` (default 400) with an error body of about `bytes` bytes. */
  respondWithHugeError(bytes: number, status?: number): void;
  /** Resolves once no operation runs and no app waits to become healthy. */
  idle(): Promise<void>;
  /**
   * Operations started from now on stay Running until the returned function is called: to
   * see an operation in progress however slow the machine.
   */
  holdSyncs(): () => void;
  /** A kubeconfig (YAML) for the Kubernetes front: plain http, the token (default the right one). */
  kubeconfig(options?: { token?: string }): string;
  /** Writes `kubeconfig(options)` to `path` and returns `path`. */
  writeKubeconfig(path: string, options?: { token?: string }): string;
  stop(): Promise<void>;
}

export interface FakeArgoCdOptions {
  token?: string;
  kubernetesToken?: string;
  /** The control plane's namespace, used when a REST request has no `appNamespace`. */
  namespace?: string;
  /** How long an operation runs at least; default 50 ms. */
  syncDelayMs?: number;
  /** How long a synced app stays Progressing before its final health; default 0. */
  healthyAfterMs?: number;
  /** The health a completed sync leaves an app without git sources in; default Healthy. */
  healthAfterSync?: string;
  /** Clock for timestamps. */
  now?: () => Date;
}

export async function startFakeArgoCd(options: FakeArgoCdOptions = {}): Promise<FakeArgoCd> {
  const token = options.token ?? 'fake-argocd-token-0123456789';
  const kubernetesToken = options.kubernetesToken ?? 'fake-kube-token-9876543210';
  const plane = new FakeArgoCdControlPlane({
    namespace: options.namespace ?? 'argocd',
    syncDelayMs: options.syncDelayMs ?? 50,
    healthyAfterMs: options.healthyAfterMs ?? 0,
    healthAfterSync: options.healthAfterSync ?? 'Healthy',
    now: options.now ?? (() => new Date()),
  });
  const rest = await listen((req, res) => handleArgoCdRestRequest(plane, token, req, res));
  const kube = await listen((req, res) =>
    handleKubernetesRequest(plane, kubernetesToken, req, res),
  );
  const kubeconfig = (opts: { token?: string } = {}) =>
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        // Plain http: @kubernetes/client-node refuses it unless TLS verification is off.
        { name: 'fake-argocd', cluster: { server: kube.url, 'insecure-skip-tls-verify': true } },
      ],
      users: [{ name: 'fake-argocd', user: { token: opts.token ?? kubernetesToken } }],
      contexts: [
        {
          name: 'fake-argocd',
          context: { cluster: 'fake-argocd', user: 'fake-argocd', namespace: plane.namespace },
        },
      ],
      'current-context': 'fake-argocd',
    });

  return {
    url: rest.url,
    token,
    kubernetesUrl: kube.url,
    kubernetesToken,
    requests: plane.requests,
    get syncs() {
      return plane.syncs;
    },
    get refreshes() {
      return plane.refreshes;
    },
    addApp(app) {
      plane.add(app);
    },
    app(name, namespace = plane.namespace) {
      const app = plane.get(namespace, name);
      return app === undefined ? undefined : structuredClone(app);
    },
    setHealth(name, status, namespace = plane.namespace) {
      plane.setHealth(namespace, name, status);
    },
    setHealthAfterSync(status) {
      plane.healthAfterSync = status;
    },
    failNextSyncs(name, opts = {}) {
      plane.failSyncs(
        opts.namespace ?? plane.namespace,
        name,
        opts.count ?? 1,
        opts.message ??
          'one or more objects failed to apply, reason: the fake Argo CD was told to fail this sync',
      );
    },
    failNext(count, status = 503) {
      plane.failNext(count, status);
    },
    respondWithHugeError(bytes, status = 400) {
      plane.respondWithHugeError(bytes, status);
    },
    idle() {
      return plane.idle();
    },
    holdSyncs() {
      return plane.holdSyncs();
    },
    kubeconfig,
    writeKubeconfig(path, opts) {
      writeFileSync(path, kubeconfig(opts), { mode: 0o600 });
      return path;
    },
    async stop() {
      await Promise.all([rest.close(), kube.close()]);
      await plane.stop();
    },
  };
}

async function listen(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: `fake-argocd: ${String(err)}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((err) => (err ? reject(err) : resolve())),
      );
    },
  };
}
