import type { Application, ApplicationSource } from './application.js';

/**
 * The port through which steps and health checks reach one Argo CD control plane. Two
 * adapters implement it: `ArgoCdApiClient` (Argo CD's API server, REST with a bearer token)
 * and `KubernetesArgoCdClient` (the Kubernetes API, patching `Application` resources as Kargo
 * does). Steps depend on this interface only; `main.ts` picks the adapters from the server's
 * configuration. Failures are `ArgoCdError`s, transient or terminal.
 */
export interface ArgoCdClient {
  /** The instance's name in the server configuration (`default` when there is only one). */
  readonly instance: string;
  /** Where Applications live when a step names no namespace (Kargo's default: `argocd`). */
  readonly defaultNamespace: string;
  getApplication(
    name: string,
    namespace: string,
    options?: ArgoCdCallOptions,
  ): Promise<Application>;
  /** The Applications in `namespace` whose labels match `selector`. */
  listApplications(
    selector: LabelSelector,
    namespace: string,
    options?: ArgoCdCallOptions,
  ): Promise<Application[]>;
  /**
   * Replaces the app's sources (`spec.sources` for a multi-source app, else `spec.source`) with
   * `sources`, index by index with `sourcesOf(app)`. Nothing else of the app changes.
   */
  updateSources(
    app: Application,
    sources: ApplicationSource[],
    options?: ArgoCdCallOptions,
  ): Promise<Application>;
  /**
   * Asks Argo CD to compare the app with Git again, dropping its manifest cache (a hard
   * refresh), then to sync it. Returns once the operation is requested; it runs in Argo CD.
   */
  sync(app: Application, request: SyncRequest, options?: ArgoCdCallOptions): Promise<Application>;
  /** Where people see the app in Argo CD's UI, when that is known. */
  appUrl(name: string, namespace: string): string | undefined;
  /** Closes idle connections. */
  close(): void;
}

/** Argo CD's UI page of an app: `<ui>/applications/<namespace>/<name>`. */
export function argoCdAppUrl(ui: string, name: string, namespace: string): string {
  return `${ui.replace(/\/+$/, '')}/applications/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
}

export interface ArgoCdCallOptions {
  signal?: AbortSignal | undefined;
}

export interface SyncRequest {
  /**
   * The revision to sync each source to, index by index with `sourcesOf(app)`: usually the
   * sources' own targetRevisions, so Argo CD resolves a branch to its newest commit.
   */
  revisions: string[];
  /** Who asks (the Promotion's actor); recorded where the adapter can record it. */
  initiator: string;
  /**
   * Name/value pairs recorded in the operation (`operation.info`): Gantry marks its own
   * operations with the Promotion's name, to recognise them when it looks again.
   */
  info: Array<{ name: string; value: string }>;
}

/** A Kubernetes label selector, as Kargo's step config spells it. */
export interface LabelSelector {
  matchLabels?: Record<string, string> | undefined;
  matchExpressions?:
    | Array<{
        key: string;
        operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
        values?: string[] | undefined;
      }>
    | undefined;
}

/**
 * The selector in Kubernetes' string form (`a=b,env in (dev,prod),!legacy`), which both Argo
 * CD's `selector` query parameter and the Kubernetes API's `labelSelector` take.
 */
export function formatLabelSelector(selector: LabelSelector): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    if (operator === 'Exists') terms.push(key);
    else if (operator === 'DoesNotExist') terms.push(`!${key}`);
    else terms.push(`${key} ${operator === 'In' ? 'in' : 'notin'} (${values.join(',')})`);
  }
  return terms.join(',');
}

/** The annotation that asks Argo CD's controller for a refresh (`hard` drops the cache). */
export const REFRESH_ANNOTATION = 'argocd.argoproj.io/refresh';

/** The Argo CD control planes configured on this server, by name. */
export interface ArgoCdInstances {
  /** The named instance, or the default one when `name` is undefined; undefined if none. */
  get(name?: string): ArgoCdClient | undefined;
  /** Every configured instance name, the default first. */
  readonly names: readonly string[];
  close(): void;
}

/**
 * Instances from their clients. The default is the one called `default` if there is one,
 * otherwise the first: a server with one Argo CD needs no names anywhere.
 */
export function argoCdInstances(clients: readonly ArgoCdClient[]): ArgoCdInstances {
  const byName = new Map(clients.map((client) => [client.instance, client]));
  const fallback = byName.get('default') ?? clients[0];
  const names = fallback
    ? [fallback.instance, ...clients.map((c) => c.instance).filter((n) => n !== fallback.instance)]
    : [];
  return {
    get: (name) => (name === undefined ? fallback : byName.get(name)),
    names,
    close() {
      for (const client of clients) client.close();
    },
  };
}
