import type { ProjectConfig } from '../api/project-config.js';
import { errorMessage } from '../errors.js';
import { receiverPath, receiverSecret } from '../integrations/webhooks/webhook-receivers.js';
import type { Logger } from '../logger.js';
import { followChanges } from './follow-changes.js';
import { RetryBackoff } from './retry-backoff.js';
import type { Store } from '../store/store.js';
import { updateStatus } from '../store/update-status.js';

type ReceiverStatus = { name: string; path?: string; url?: string };
type Status = { webhookReceivers?: ReceiverStatus[]; conditions?: unknown[] } & Record<
  string,
  unknown
>;

/**
 * Publishes each ProjectConfig's webhook receiver URLs in `status.webhookReceivers`, as Kargo
 * does: `<external URL>/webhook/<provider>/<hash>`. The hash depends on the receiver's Secret,
 * so the URLs are recomputed when a ProjectConfig or a Secret of its project changes. A
 * receiver whose Secret is missing is listed without a URL (it cannot receive anything).
 */
export class ProjectConfigController {
  readonly #store: Store;
  readonly #logger: Logger;
  readonly #externalUrl: () => string;
  readonly #stop = new AbortController();
  readonly #retries = new RetryBackoff((project) => this.#schedule(project), this.#stop.signal);
  readonly #queue = new Map<string, Promise<void>>();
  #watching: Promise<void> | undefined;

  constructor(options: { store: Store; logger: Logger; externalUrl: () => string }) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.#externalUrl = options.externalUrl;
  }

  async start(): Promise<void> {
    const list = await this.#store.list('ProjectConfig');
    this.#watching = this.#watch(list.resourceVersion);
    for (const config of list.items) this.#schedule(config.metadata.namespace ?? '');
  }

  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#watching?.catch(() => undefined);
    await Promise.allSettled([...this.#queue.values()]);
  }

  #watch(from: string): Promise<void> {
    return followChanges({
      store: this.#store,
      kinds: ['ProjectConfig', 'Secret'],
      from,
      signal: this.#stop.signal,
      logger: this.#logger,
      what: 'project config watch',
      onEvent: (event) => {
        // Our own status writes come back as events; reconciling them again finds no change.
        this.#schedule(event.object.metadata.namespace ?? '');
      },
      resync: async () => {
        const list = await this.#store.list('ProjectConfig');
        for (const config of list.items) this.#schedule(config.metadata.namespace ?? '');
        return list.resourceVersion;
      },
    });
  }

  #schedule(project: string): void {
    if (this.#stop.signal.aborted || !project) return;
    const previous = this.#queue.get(project) ?? Promise.resolve();
    const next = previous
      .then(() => this.#reconcile(project))
      .then(
        () => this.#retries.succeeded(project),
        (err: unknown) => {
          this.#logger.error('publishing webhook receivers failed; trying again', {
            project,
            error: errorMessage(err),
          });
          this.#retries.failed(project);
        },
      );
    this.#queue.set(project, next);
    void next.finally(() => {
      if (this.#queue.get(project) === next) this.#queue.delete(project);
    });
  }

  async #reconcile(project: string): Promise<void> {
    const config = (await this.#store.get({
      kind: 'ProjectConfig',
      namespace: project,
      name: project,
    })) as unknown as ProjectConfig | undefined;
    if (!config) return;
    const receivers: ReceiverStatus[] = [];
    for (const receiver of config.spec?.webhookReceivers ?? []) {
      const secret = await receiverSecret(this.#store, project, receiver);
      if (!secret) {
        receivers.push({ name: receiver.name });
        continue;
      }
      const path = receiverPath(project, receiver, secret);
      receivers.push({ name: receiver.name, path, url: `${this.#externalUrl()}${path}` });
    }
    await updateStatus<Status>(
      this.#store,
      { kind: 'ProjectConfig', namespace: project, name: project },
      (current) => {
        const next: Status = { ...current };
        if (receivers.length > 0) next.webhookReceivers = receivers;
        else delete next.webhookReceivers;
        return JSON.stringify(next) === JSON.stringify(current ?? {}) ? undefined : next;
      },
    );
  }
}
