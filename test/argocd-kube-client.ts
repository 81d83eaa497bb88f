import { request } from 'node:https';

/**
 * A scripted client that makes the Kubernetes API calls Argo CD's application controller makes
 * when it syncs an Application to a destination cluster, as Argo CD documents them, so a test
 * can show what of a sync works against a Gantry server (docs/kubernetes-api.md, "Argo CD
 * managing a Gantry server"). It models, from Argo CD's docs and gitops-engine
 * (pkg/sync/sync_context.go, pkg/utils/kube/resource_ops.go):
 *
 * - the cluster secret's connection: the server URL, a bearer token and the CA (`caData`,
 *   base64 PEM, as in `config.tlsClientConfig`), nothing else;
 * - discovery: `/version`, `/api`, `/api/v1`, `/apis` and every group version, to map each
 *   manifest's apiVersion and kind to a resource, and to know what the cluster cache lists;
 * - OpenAPI: the cluster cache loads `/openapi/v2` (gitops-engine's LoadOpenAPISchema) and
 *   indexes its models by `x-kubernetes-group-version-kind`, which server-side diffs use to
 *   know each kind's schema;
 * - the sync option `ServerSideApply=true`: each manifest applied with field manager
 *   `argocd-controller` and `force=true` (Argo CD always forces: its SSA proposal, Q-1), in
 *   sync-wave order (`argocd.argoproj.io/sync-wave`, then kind, then name);
 * - label tracking (`application.resourceTrackingMethod: label`): the label
 *   `app.kubernetes.io/instance: <application>` set on every manifest before it is applied;
 * - pruning (`prune: true`): the objects carrying the tracking label that are no longer in Git
 *   are deleted, unless annotated `argocd.argoproj.io/sync-options: Prune=false`, with
 *   `propagationPolicy: foreground` (Argo CD's default PrunePropagationPolicy);
 * - `resource.exclusions` of argocd-cm: API groups and kinds the cluster cache ignores.
 *
 * Not modelled: Argo CD's cluster cache is a list-and-watch of every resource kind kept in
 * memory; this client lists with the tracking label's selector instead, which finds the same
 * objects. Argo CD's dry run before a sync is client-side (kubectl --dry-run=client) and makes
 * no request of its own; diffing, health, hooks and annotation tracking are not modelled.
 */
export interface ArgoCdClusterSecret {
  server: string;
  bearerToken: string;
  /** base64 of the CA's PEM. */
  caData: string;
}

export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  verbs: string[];
}

export interface ResourceExclusion {
  apiGroups: string[];
  kinds: string[];
}

export interface SyncResult {
  applied: Array<{ key: string; code: number; resourceVersion?: string }>;
  pruned: string[];
}

export const TRACKING_LABEL = 'app.kubernetes.io/instance';
export const ARGOCD_FIELD_MANAGER = 'argocd-controller';

type Obj = Record<string, unknown>;

/** The kinds Argo CD applies first (gitops-engine's kind order, the part that matters here). */
const KIND_ORDER = ['Namespace', 'Secret', 'ConfigMap'];

export class ArgoCdKubeClient {
  /** Every request made, as `METHOD path`, in order. */
  readonly requests: string[] = [];
  private resources: ApiResource[] = [];
  /** The OpenAPI v2 model of each kind, by `group/version/kind` (group '' for core). */
  readonly models = new Map<string, Obj>();

  constructor(
    private readonly cluster: ArgoCdClusterSecret,
    private readonly application: string,
    private readonly exclusions: ResourceExclusion[] = [],
  ) {}

  /** Discovery, as the cluster cache does it before anything else. */
  async discover(): Promise<ApiResource[]> {
    await this.call('GET', '/version');
    const core = (await this.call('GET', '/api')).body as { versions: string[] };
    const groupVersions: Array<[string, string]> = core.versions.map((v) => ['', v]);
    const groups = (await this.call('GET', '/apis')).body as {
      groups: Array<{ name: string; preferredVersion: { version: string } }>;
    };
    for (const group of groups.groups)
      groupVersions.push([group.name, group.preferredVersion.version]);
    const resources: ApiResource[] = [];
    for (const [group, version] of groupVersions) {
      const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
      const list = (await this.call('GET', path)).body as {
        resources: Array<{ name: string; kind: string; namespaced: boolean; verbs: string[] }>;
      };
      for (const r of list.resources) {
        if (r.name.includes('/')) continue; // subresources
        resources.push({
          group,
          version,
          kind: r.kind,
          plural: r.name,
          namespaced: r.namespaced,
          verbs: r.verbs,
        });
      }
    }
    this.resources = resources.filter((r) => !this.excluded(r));
    await this.loadModels();
    return this.resources;
  }

  /** The OpenAPI v2 document's definitions, indexed by the kinds they describe. */
  private async loadModels(): Promise<void> {
    const document = (await this.call('GET', '/openapi/v2')).body as {
      definitions?: Record<string, Obj>;
    };
    for (const definition of Object.values(document.definitions ?? {})) {
      const kinds = definition['x-kubernetes-group-version-kind'];
      if (!Array.isArray(kinds)) continue;
      for (const gvk of kinds as Array<{ group: string; version: string; kind: string }>)
        this.models.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, definition);
    }
  }

  /** One sync of the Application to `manifests` (what Git holds now). */
  async sync(manifests: Obj[], options: { prune: boolean }): Promise<SyncResult> {
    if (this.resources.length === 0) await this.discover();
    const desired = manifests.map((manifest) => this.tracked(manifest)).sort(byWave);
    const result: SyncResult = { applied: [], pruned: [] };
    const wanted = new Set<string>();
    for (const manifest of desired) {
      const resource = this.resourceOf(manifest);
      const metadata = manifest['metadata'] as { name: string; namespace?: string };
      const name = metadata.name;
      const namespace = resource.namespaced ? (metadata.namespace ?? '') : undefined;
      const key = keyOf(resource, namespace, name);
      wanted.add(key);
      const response = await this.call(
        'PATCH',
        `${this.pathOf(resource, namespace)}/${name}?fieldManager=${ARGOCD_FIELD_MANAGER}&force=true`,
        manifest,
        'application/apply-patch+yaml',
      );
      const live = response.body as { metadata?: { resourceVersion?: string } };
      result.applied.push({
        key,
        code: response.status,
        resourceVersion: live.metadata?.resourceVersion,
      });
    }
    if (!options.prune) return result;
    const selector = encodeURIComponent(`${TRACKING_LABEL}=${this.application}`);
    for (const resource of this.resources) {
      if (!resource.verbs.includes('list') || !resource.verbs.includes('delete')) continue;
      const list = (
        await this.call('GET', `${this.pathOf(resource, undefined)}?labelSelector=${selector}`)
      ).body as { items: Obj[] };
      for (const item of list.items) {
        const metadata = item['metadata'] as Obj;
        const namespace = resource.namespaced ? String(metadata['namespace']) : undefined;
        const name = String(metadata['name']);
        const key = keyOf(resource, namespace, name);
        if (wanted.has(key) || pruneDisabled(metadata)) continue;
        await this.call('DELETE', `${this.pathOf(resource, namespace)}/${name}`, {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          propagationPolicy: 'Foreground',
        });
        result.pruned.push(key);
      }
    }
    return result;
  }

  /** The manifest with the tracking label, as Argo CD sets it before applying. */
  private tracked(manifest: Obj): Obj {
    const metadata = (manifest['metadata'] ?? {}) as Obj;
    const labels = (metadata['labels'] ?? {}) as Record<string, string>;
    return {
      ...manifest,
      metadata: { ...metadata, labels: { ...labels, [TRACKING_LABEL]: this.application } },
    };
  }

  private resourceOf(manifest: Obj): ApiResource {
    const apiVersion = String(manifest['apiVersion']);
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const found = this.resources.find(
      (r) => r.group === group && r.version === version && r.kind === manifest['kind'],
    );
    if (!found)
      throw new Error(`the server does not serve ${String(manifest['kind'])} in ${apiVersion}`);
    return found;
  }

  private pathOf(resource: ApiResource, namespace: string | undefined): string {
    const base = resource.group
      ? `/apis/${resource.group}/${resource.version}`
      : `/api/${resource.version}`;
    return namespace
      ? `${base}/namespaces/${namespace}/${resource.plural}`
      : `${base}/${resource.plural}`;
  }

  private excluded(resource: ApiResource): boolean {
    const matches = (patterns: string[], value: string) =>
      patterns.some((p) => p === '*' || p === value);
    return this.exclusions.some(
      (e) => matches(e.apiGroups, resource.group) && matches(e.kinds, resource.kind),
    );
  }

  private call(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<{ status: number; body: unknown }> {
    this.requests.push(`${method} ${path.split('?')[0]}`);
    const url = new URL(path, this.cluster.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          ca: Buffer.from(this.cluster.caData, 'base64').toString('utf8'),
          headers: {
            authorization: `Bearer ${this.cluster.bearerToken}`,
            accept: 'application/json',
            'user-agent': 'argocd-application-controller/v3 (scripted)',
            ...(payload
              ? { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const parsed: unknown = text ? JSON.parse(text) : undefined;
            if (status >= 400)
              reject(
                new Error(
                  `${method} ${path}: ${status} ${(parsed as { message?: string } | undefined)?.message || text}`,
                ),
              );
            else resolve({ status, body: parsed });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}

function keyOf(resource: ApiResource, namespace: string | undefined, name: string): string {
  return `${resource.group}/${resource.kind}:${namespace ?? ''}/${name}`;
}

function pruneDisabled(metadata: Obj): boolean {
  const annotations = (metadata['annotations'] ?? {}) as Record<string, string>;
  return (annotations['argocd.argoproj.io/sync-options'] ?? '')
    .split(',')
    .some((option) => option.trim() === 'Prune=false');
}

function waveOf(manifest: Obj): number {
  const annotations = ((manifest['metadata'] as Obj)['annotations'] ?? {}) as Record<
    string,
    string
  >;
  return Number(annotations['argocd.argoproj.io/sync-wave'] ?? 0);
}

function byWave(a: Obj, b: Obj): number {
  const rank = (m: Obj) => {
    const i = KIND_ORDER.indexOf(String(m['kind']));
    return i === -1 ? KIND_ORDER.length : i;
  };
  return (
    waveOf(a) - waveOf(b) ||
    rank(a) - rank(b) ||
    String(a['kind']).localeCompare(String(b['kind'])) ||
    String((a['metadata'] as Obj)['name']).localeCompare(String((b['metadata'] as Obj)['name']))
  );
}
