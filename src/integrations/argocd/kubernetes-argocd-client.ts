import {
  CustomObjectsApi,
  Observable,
  PatchStrategy,
  setHeaderOptions,
  type ConfigurationOptions,
  type KubeConfig,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import type { z } from 'zod';
import {
  applicationListSchema,
  applicationSchema,
  sourcesPatch,
  type Application,
  type ApplicationSource,
} from './application.js';
import {
  argoCdAppUrl,
  formatLabelSelector,
  REFRESH_ANNOTATION,
  type ArgoCdCallOptions,
  type ArgoCdClient,
  type LabelSelector,
  type SyncRequest,
} from './argocd-client.js';
import { ArgoCdError, errorDetail, isTransientStatus } from './argocd-error.js';
import { loadKubeConfig } from './load-kube-config.js';
import { linkSignals } from '../../abort-signals.js';

export interface KubernetesArgoCdClientOptions {
  /** The instance's name in the server configuration; default `default`. */
  instance?: string;
  /** Where Applications live when a step names no namespace; default `argocd`. */
  namespace?: string;
  /**
   * The cluster and credentials, already loaded (tests build one from a file). Without it, they
   * are loaded with `loadKubeConfig` from `kubeconfigPath`, `context` and `inCluster`.
   */
  kubeConfig?: KubeConfig | undefined;
  /** A kubeconfig file; default `$KUBECONFIG`, `~/.kube/config`, then in-cluster. */
  kubeconfigPath?: string | undefined;
  /** The kubeconfig context to use instead of the current one. */
  context?: string | undefined;
  /** Use the pod's service account. */
  inCluster?: boolean | undefined;
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number;
  /** Argo CD's UI, for links to apps (the Kubernetes API does not know it). */
  uiUrl?: string | undefined;
}

const APPLICATIONS = { group: 'argoproj.io', version: 'v1alpha1', plural: 'applications' };

/** What kube-apiserver sends without a body (client-node drops the body of a 401). */
const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
};

/**
 * The `ArgoCdClient` adapter that works on Argo CD's `Application` custom resources through the
 * Kubernetes API, as Kargo does: it reads and lists them, changes sources with a JSON merge
 * patch, and starts a sync by patching in a hard-refresh annotation and an `operation`, which
 * Argo CD's application controller then runs. Every write carries the resourceVersion it was
 * based on, so a concurrent change is a 409 Conflict (transient: re-read and retry) rather than
 * a lost update. Responses are checked with zod; failures are `ArgoCdError`s with bounded,
 * one-line messages that never contain the credentials.
 */
export class KubernetesArgoCdClient implements ArgoCdClient {
  readonly instance: string;
  readonly defaultNamespace: string;
  readonly #api: CustomObjectsApi;
  readonly #server: string;
  readonly #secrets: string[];
  readonly #timeoutMs: number;
  readonly #ui: string | undefined;

  constructor(options: KubernetesArgoCdClientOptions) {
    this.instance = options.instance ?? 'default';
    this.defaultNamespace = options.namespace ?? 'argocd';
    this.#ui = options.uiUrl;
    // Loading reads files only: a bad kubeconfig fails at start-up, no cluster is contacted.
    const kubeConfig =
      options.kubeConfig ??
      loadKubeConfig({
        kubeconfig: options.kubeconfigPath,
        context: options.context,
        inCluster: options.inCluster,
      });
    this.#api = kubeConfig.makeApiClient(CustomObjectsApi);
    this.#server = kubeConfig.getCurrentCluster()?.server ?? '(no cluster)';
    const user = kubeConfig.getCurrentUser();
    this.#secrets = [user?.token, user?.password].filter(
      (secret): secret is string => typeof secret === 'string' && secret !== '',
    );
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** `GET …/namespaces/{ns}/applications/{name}`. A missing app is an error with status 404. */
  getApplication(
    name: string,
    namespace: string,
    options?: ArgoCdCallOptions,
  ): Promise<Application> {
    return this.#call(
      `get Application ${namespace}/${name}`,
      applicationSchema,
      (config) => this.#api.getNamespacedCustomObject({ ...APPLICATIONS, namespace, name }, config),
      options,
    );
  }

  /** `GET …/namespaces/{ns}/applications?labelSelector=`. */
  async listApplications(
    selector: LabelSelector,
    namespace: string,
    options?: ArgoCdCallOptions,
  ): Promise<Application[]> {
    const labelSelector = formatLabelSelector(selector);
    const list = await this.#call(
      `list Applications in ${namespace} matching ${JSON.stringify(labelSelector)}`,
      applicationListSchema,
      (config) =>
        this.#api.listNamespacedCustomObject(
          { ...APPLICATIONS, namespace, ...(labelSelector === '' ? {} : { labelSelector }) },
          config,
        ),
      options,
    );
    return list.items ?? [];
  }

  /**
   * A merge patch of `spec.source` or `spec.sources` (sent whole: a merge patch replaces
   * arrays), conditional on the app's resourceVersion.
   */
  updateSources(
    app: Application,
    sources: ApplicationSource[],
    options?: ArgoCdCallOptions,
  ): Promise<Application> {
    return this.#patch(
      'update the sources of',
      app,
      { metadata: this.#precondition(app), spec: sourcesPatch(app, sources) },
      options,
    );
  }

  /**
   * Kargo's way to sync through Kubernetes: one merge patch that asks for a hard refresh
   * (`argocd.argoproj.io/refresh: hard`, which the controller consumes) and sets `operation`
   * {initiatedBy: {username: initiator, automated: false}, info, sync: {revision | revisions}},
   * conditional on the app's resourceVersion. The Kubernetes API would accept an `operation`
   * over a running one, and the controller would drop it; so an app that already has one is
   * refused here (status 409, terminal, as Argo CD's API server refuses it).
   */
  async sync(
    app: Application,
    request: SyncRequest,
    options?: ArgoCdCallOptions,
  ): Promise<Application> {
    if (app.operation !== undefined || app.status?.operationState?.phase === 'Running') {
      throw new ArgoCdError(
        `could not sync Application ${this.#key(app)} at Kubernetes ${this.#server}: another operation is already in progress`,
        { status: 409, transient: false },
      );
    }
    const multi = app.spec.sources !== undefined && app.spec.sources.length > 0;
    const revision = request.revisions[0];
    // As Kargo's syncApplication (and Argo CD's API server): the app's sync options and retry
    // policy go with the operation, so `CreateNamespace=true` and the like apply to this sync.
    const policy = (app.spec as { syncPolicy?: { syncOptions?: unknown; retry?: unknown } })
      .syncPolicy;
    const syncOptions = Array.isArray(policy?.syncOptions)
      ? { syncOptions: policy.syncOptions }
      : {};
    const retry =
      policy?.retry !== undefined && policy.retry !== null ? { retry: policy.retry } : {};
    const sync = {
      ...(multi
        ? { revisions: request.revisions }
        : revision !== undefined && revision !== ''
          ? { revision }
          : {}),
      ...syncOptions,
    };
    return this.#patch(
      'sync',
      app,
      {
        metadata: { ...this.#precondition(app), annotations: { [REFRESH_ANNOTATION]: 'hard' } },
        operation: {
          initiatedBy: { username: request.initiator, automated: false },
          ...(request.info.length > 0 ? { info: request.info } : {}),
          sync,
          ...retry,
        },
      },
      options,
    );
  }

  appUrl(name: string, namespace: string): string | undefined {
    return this.#ui === undefined ? undefined : argoCdAppUrl(this.#ui, name, namespace);
  }

  /** Nothing to close: the Kubernetes client opens a connection per request. */
  close(): void {}

  #key(app: Application): string {
    return `${app.metadata.namespace ?? this.defaultNamespace}/${app.metadata.name}`;
  }

  #precondition(app: Application): { resourceVersion?: string } {
    return app.metadata.resourceVersion === undefined
      ? {}
      : { resourceVersion: app.metadata.resourceVersion };
  }

  #patch(
    verb: string,
    app: Application,
    body: Record<string, unknown>,
    options?: ArgoCdCallOptions,
  ): Promise<Application> {
    const namespace = app.metadata.namespace ?? this.defaultNamespace;
    const name = app.metadata.name;
    return this.#call(
      `${verb} Application ${namespace}/${name}`,
      applicationSchema,
      (config) =>
        this.#api.patchNamespacedCustomObject(
          { ...APPLICATIONS, namespace, name, body },
          // client-node picks JSON patch by default; these bodies are RFC 7386 merge patches.
          setHeaderOptions('Content-Type', PatchStrategy.MergePatch, config),
        ),
      options,
    );
  }

  async #call<T extends z.ZodType>(
    what: string,
    schema: T,
    send: (config: ConfigurationOptions) => Promise<unknown>,
    options?: ArgoCdCallOptions,
  ): Promise<z.infer<T>> {
    const prefix = `could not ${what} at Kubernetes ${this.#server}`;
    // Linked, not AbortSignal.any (abort-signals.ts).
    const link = linkSignals([options?.signal], { timeoutMs: this.#timeoutMs });
    let body: unknown;
    try {
      body = await send(withSignal(link.signal));
    } catch (err) {
      throw this.#failure(prefix, err, options?.signal, link.signal);
    } finally {
      link.dispose();
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where =
        issue === undefined ? '' : ` at ${issue.path.join('.') || '(root)'}: ${issue.message}`;
      throw new ArgoCdError(this.#redact(`${prefix}: unexpected response${where}`.slice(0, 1000)), {
        transient: false,
      });
    }
    return parsed.data;
  }

  #failure(
    prefix: string,
    err: unknown,
    callerSignal: AbortSignal | undefined,
    /** Aborted by the caller or the timeout; the caller's abort is checked first. */
    ended: AbortSignal,
  ): ArgoCdError {
    const redact = (text: string) => this.#redact(text);
    const status = apiExceptionStatus(err);
    if (status !== undefined) {
      const raw = (err as { body?: unknown }).body;
      const text =
        typeof raw === 'string'
          ? raw
          : raw === undefined || raw === null
            ? (STATUS_TEXT[status] ?? '')
            : JSON.stringify(raw);
      const detail = errorDetail(Buffer.from(text, 'utf8'), undefined, redact);
      return new ArgoCdError(redact(`${prefix}: HTTP ${status}: ${detail}`), {
        status,
        // A 409 is a lost race on resourceVersion: re-reading and retrying fixes it.
        transient: isTransientStatus(status) || status === 409,
      });
    }
    const name = (err as { name?: unknown } | null)?.name;
    const reason = err instanceof Error ? err.message : String(err);
    if (callerSignal?.aborted === true) {
      // A caller's abort is its own decision, not a fault worth retrying.
      return new ArgoCdError(redact(`${prefix}: aborted`), { transient: false, cause: err });
    }
    if (ended.aborted) {
      return new ArgoCdError(redact(`${prefix}: no answer within ${this.#timeoutMs} ms`), {
        transient: true,
        cause: err,
      });
    }
    // node-fetch's FetchError is a network failure (refused, reset, DNS); anything else is the
    // client refusing its configuration (bad TLS files, failing exec plugin): not retryable.
    return new ArgoCdError(redact(`${prefix}: ${oneLine(reason)}`), {
      transient: name === 'FetchError',
      cause: err,
    });
  }

  /** Belt and braces: whatever a server echoes, credentials never leave in a message. */
  #redact(message: string): string {
    let text = message.replace(/(Bearer|Basic)\s+[^\s"',;]+/gi, '$1 ***');
    for (const secret of this.#secrets) text = text.split(secret).join('***');
    return text;
  }
}

/**
 * The HTTP status of client-node's `ApiException` (it has `code`, `body` and `headers`);
 * recognised by shape, since the library's class has no distinguishing `name`.
 */
function apiExceptionStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { code, headers } = err as { code?: unknown; headers?: unknown };
  return typeof code === 'number' && typeof headers === 'object' && 'body' in err
    ? code
    : undefined;
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 500)}… (truncated)` : line;
}

/** Request options that make client-node's fetch honour `signal`. */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}
