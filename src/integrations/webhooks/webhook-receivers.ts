import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  ProjectConfig,
  WebhookProviderName,
  WebhookReceiver,
} from '../../api/project-config.js';
import { parseJsonText } from '../../api/json-text.js';
import { fromStructuredSelector, matchesSelector } from '../../api/label-selector.js';
import { REFRESH_ANNOTATION } from '../../api/labels.js';
import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from '../../api/repo-urls.js';
import { keyOf, type StoredResource } from '../../api/resource.js';
import { secretValue } from '../../api/secret.js';
import type {
  ChartSubscription,
  GitSubscription,
  ImageSubscription,
  WarehouseSpec,
} from '../../api/warehouse.js';
import { evaluate } from '../../expr/evaluator.js';
import { standardFunctions } from '../../expr/functions/index.js';
import { parse } from '../../expr/parser.js';
import { evaluateTemplate } from '../../expr/template.js';
import { errorMessage, inputError, isGantryError } from '../../errors.js';
import { jsonNumbersAsFloats } from '../../expr/values.js';
import { PathSelector } from '../../sources/git/path-selector.js';
import type { Store, WriteOp } from '../../store/store.js';
import {
  deliveryExpired,
  deliveryKeys,
  deliveryRecord,
  type DeliveryKey,
} from './webhook-deliveries.js';
import { GenericWebhookRequest, genericWebhookFunctions } from './generic-request.js';
import type { RepositoryRef, WebhookRequest } from './webhook-provider.js';
import { webhookProvider } from './webhook-providers.js';

/** The answer to a webhook call. */
export interface WebhookAnswer {
  status: 200 | 401 | 404;
  /** `duplicate`: the delivery was accepted before (a replay or a redelivery) and is ignored. */
  body: { message: string; refreshed?: string[]; duplicate?: boolean };
}

const DUPLICATE: WebhookAnswer = {
  status: 200,
  body: { message: 'duplicate delivery: handled already, ignored', duplicate: true },
};

interface FoundReceiver {
  project: string;
  receiver: WebhookReceiver;
  secret: Record<string, string>;
}

/**
 * The path a receiver listens on: `/webhook/<provider>/<hash>`, where the hash is the SHA-256
 * of the project, the receiver's name and its Secret's values (as Kargo derives it). The URL
 * is unguessable without the Secret, and rotating the Secret changes it.
 */
export function receiverPath(
  project: string,
  receiver: WebhookReceiver,
  secret: Record<string, string>,
): string {
  const values = Object.keys(secret)
    .sort()
    .map((key) => secret[key])
    .join('');
  const hash = createHash('sha256').update(`${project}${receiver.name}${values}`).digest('hex');
  return `/webhook/${providerOf(receiver)}/${hash}`;
}

export function providerOf(receiver: WebhookReceiver): WebhookProviderName {
  return (Object.keys(receiver).find((key) => key !== 'name') ?? 'generic') as WebhookProviderName;
}

/** The receiver's Secret, decoded (undefined when it does not exist). */
export async function receiverSecret(
  store: Pick<Store, 'get'>,
  project: string,
  receiver: WebhookReceiver,
): Promise<Record<string, string> | undefined> {
  const provider = providerOf(receiver);
  const ref = receiver[provider]?.secretRef;
  if (!ref) return undefined;
  const secret = await store.get({ kind: 'Secret', namespace: project, name: ref.name });
  if (!secret) return undefined;
  const keys = new Set([
    ...Object.keys((secret as { data?: object }).data ?? {}),
    ...Object.keys((secret as { stringData?: object }).stringData ?? {}),
  ]);
  return Object.fromEntries([...keys].map((key) => [key, secretValue(secret, key) ?? '']));
}

/**
 * Handles webhook calls: finds the receiver the URL names, authenticates the call with the
 * receiver's Secret, and refreshes exactly the Warehouses of that project subscribed to the
 * repositories the event names (for git pushes listing changed files, only those whose
 * include/exclude paths match). A call that fails authentication changes nothing. A delivery
 * seen before (webhook-deliveries.ts) is acknowledged as a duplicate and changes nothing.
 */
export class WebhookReceivers {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(options: { store: Store; now?: () => Date }) {
    this.#store = options.store;
    this.#now = options.now ?? (() => new Date());
  }

  async handle(
    provider: string,
    hash: string,
    request: WebhookRequest & { method: string; url: string },
  ): Promise<WebhookAnswer> {
    const found = await this.#find(provider, hash);
    if (!found) return { status: 404, body: { message: 'no webhook receiver at this URL' } };
    if (provider === 'generic') return this.#generic(found, request);
    const handler = webhookProvider(provider);
    if (!handler) return { status: 404, body: { message: 'no webhook receiver at this URL' } };
    const problem = handler.verify(request, found.secret[handler.secretKey] ?? '');
    if (problem) return { status: 401, body: { message: `webhook refused: ${problem}` } };
    const outcome = handler.parse(request);
    if (outcome.kind === 'ping') return { status: 200, body: { message: outcome.message } };
    if (outcome.kind === 'ignored') return { status: 200, body: { message: outcome.reason } };
    if (outcome.kind === 'pull-request') {
      const woken = await this.#wakePromotions(found.project, outcome.urls);
      return {
        status: 200,
        body: {
          message: `${outcome.description}: woke ${woken.length} Promotion${woken.length === 1 ? '' : 's'}`,
          refreshed: woken,
        },
      };
    }
    const warehouses = await this.#subscribed(
      found.project,
      outcome.repositories,
      outcome.changedPaths,
    );
    const refreshed = await this.#refresh(found, warehouses, deliveryKeys(provider, request));
    if (!refreshed) return DUPLICATE;
    return {
      status: 200,
      body: {
        message: `${outcome.description}: refreshed ${refreshed.length} Warehouse${refreshed.length === 1 ? '' : 's'}`,
        refreshed,
      },
    };
  }

  /**
   * Marks for a refresh the project's Running Promotions whose state names one of these pull
   * requests (git-wait-for-pr records `pr.url` while it waits); the replica running one wakes
   * its waiting step. A repeated delivery only wakes them again, which is harmless.
   */
  async #wakePromotions(project: string, urls: string[]): Promise<string[]> {
    const wanted = new Set(urls);
    const { items } = await this.#store.list('Promotion', { namespace: project });
    const waiting = items.filter((promotion) => {
      const status = promotion.status as
        { phase?: string; state?: Record<string, unknown> } | undefined;
      if (status?.phase !== 'Running') return false;
      return Object.values(status.state ?? {}).some((output) => {
        const pr = (output as { pr?: { url?: unknown } } | null)?.pr;
        return typeof pr?.url === 'string' && wanted.has(pr.url);
      });
    });
    const token = `${this.#now().toISOString()}.webhook.${Math.random().toString(36).slice(2, 8)}`;
    const woken: string[] = [];
    for (const promotion of waiting) {
      try {
        await this.#store.write([
          {
            op: 'patchMetadata',
            key: { kind: 'Promotion', namespace: project, name: promotion.metadata.name },
            annotations: { [REFRESH_ANNOTATION]: token },
          },
        ]);
        woken.push(promotion.metadata.name);
      } catch (err) {
        // Gone meanwhile: nothing waits on it any more.
        if (!isGantryError(err, 'NotFound')) throw err;
      }
    }
    return woken.sort();
  }

  /** The receiver whose path is `/webhook/<provider>/<hash>`, compared in constant time. */
  async #find(provider: string, hash: string): Promise<FoundReceiver | undefined> {
    const wanted = Buffer.from(`/webhook/${provider}/${hash}`);
    const { items } = await this.#store.list('ProjectConfig');
    for (const config of items as unknown as ProjectConfig[]) {
      const project = config.metadata.namespace ?? config.metadata.name;
      for (const receiver of config.spec?.webhookReceivers ?? []) {
        if (providerOf(receiver) !== provider) continue;
        const secret = await receiverSecret(this.#store, project, receiver);
        if (!secret) continue;
        const path = Buffer.from(receiverPath(project, receiver, secret));
        if (path.length === wanted.length && timingSafeEqual(path, wanted))
          return { project, receiver, secret };
      }
    }
    return undefined;
  }

  async #subscribed(
    project: string,
    repositories: RepositoryRef[],
    changedPaths: string[] | undefined,
  ): Promise<StoredResource[]> {
    const wanted = new Set(
      repositories.map((ref) => `${ref.type}:${normalize(ref.type, ref.url)}`),
    );
    const { items } = await this.#store.list('Warehouse', { namespace: project });
    return items.filter((warehouse) =>
      (warehouse.spec as WarehouseSpec).subscriptions.some((subscription) => {
        if ('git' in subscription && subscription.git) {
          const git = subscription.git as GitSubscription;
          if (!wanted.has(`git:${normalize('git', git.repoURL)}`)) return false;
          if (!changedPaths) return true;
          let paths: PathSelector;
          try {
            paths = new PathSelector(git.includePaths, git.excludePaths);
          } catch {
            // A pattern stored before admission required RE2: refresh, and let discovery
            // report the pattern on the Warehouse rather than fail this delivery.
            return true;
          }
          return paths.selects(changedPaths);
        }
        if ('image' in subscription && subscription.image)
          return wanted.has(
            `image:${normalize('image', (subscription.image as ImageSubscription).repoURL)}`,
          );
        if ('chart' in subscription && subscription.chart)
          return wanted.has(
            `chart:${normalize('chart', (subscription.chart as ChartSubscription).repoURL)}`,
          );
        return false;
      }),
    );
  }

  /**
   * Refreshes the Warehouses and records the delivery's keys, in one atomic write: undefined
   * (nothing refreshed) when a key was recorded already and has not expired, by this replica
   * or another one sharing the store.
   */
  async #refresh(
    found: FoundReceiver,
    warehouses: StoredResource[],
    keys: DeliveryKey[],
  ): Promise<string[] | undefined> {
    const { project } = found;
    const now = this.#now();
    const token = `${now.toISOString()}.webhook.${Math.random().toString(36).slice(2, 8)}`;
    const records = keys.map((key) => deliveryRecord(project, found.receiver.name, key, now));
    const ops: WriteOp[] = [
      ...records.map((object) => ({ op: 'create' as const, object })),
      ...warehouses.map((warehouse) => ({
        op: 'patchMetadata' as const,
        key: { kind: 'Warehouse', namespace: project, name: warehouse.metadata.name },
        annotations: { [REFRESH_ANNOTATION]: token },
      })),
    ];
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#store.write(ops);
        return warehouses.map((w) => w.metadata.name).sort();
      } catch (err) {
        const raced = isGantryError(err, 'AlreadyExists') || isGantryError(err, 'NotFound');
        if (!raced || attempt >= 2) {
          if (isGantryError(err, 'AlreadyExists') || isGantryError(err, 'Conflict')) return;
          throw err;
        }
      }
      // A key is known: a replay, unless every known key's record has expired (then the old
      // records go, in the same write as the new ones).
      const existing = (
        await Promise.all(records.map((record) => this.#store.get(keyOf(record))))
      ).filter((record): record is StoredResource => record !== undefined);
      if (existing.some((record) => !deliveryExpired(record, now))) return;
      ops.splice(
        0,
        ops.length - records.length - warehouses.length,
        ...existing.map((record) => ({
          op: 'delete' as const,
          key: keyOf(record),
          resourceVersion: record.metadata.resourceVersion,
        })),
      );
    }
  }

  /**
   * Kargo's generic receiver: each action runs when its `whenExpression` holds (over
   * `request.body`, `request.header(name)`, `request.headers(name)`, `request.params(name)`,
   * and `normalizeGit()`/`normalizeImage()`/`normalizeChart()`), and refreshes the
   * Warehouses its target selection criteria pick: within one criterion name, labels and
   * indices must all match; the criteria of one action add up.
   */
  async #generic(
    found: FoundReceiver,
    request: WebhookRequest & { method: string; url: string },
  ): Promise<WebhookAnswer> {
    let body: unknown = {};
    if (request.body.length > 0) {
      // Depth-bounded: expressions recurse over the body (==, toJSON).
      const parsed = parseJsonText(request.body.toString('utf8'));
      if (!parsed.ok) throw inputError(`generic webhook: the body is not JSON: ${parsed.message}`);
      body = jsonNumbersAsFloats(parsed.value);
    }
    const environment = {
      variables: {
        request: new GenericWebhookRequest({
          body,
          headers: request.headers,
          method: request.method,
          url: request.url,
        }),
      },
      functions: { ...standardFunctions, ...genericWebhookFunctions },
    };
    const actions = found.receiver.generic?.actions ?? [];
    const { items } = await this.#store.list('Warehouse', { namespace: found.project });
    const selected = new Map<string, StoredResource>();
    for (const [index, action] of actions.entries()) {
      if (action.whenExpression) {
        let verdict: unknown;
        try {
          verdict = evaluate(parse(action.whenExpression), environment);
        } catch (err) {
          throw inputError(
            `generic webhook: actions[${index}].whenExpression: ${errorMessage(err)}`,
          );
        }
        if (verdict !== true) continue;
      }
      for (const criteria of action.targetSelectionCriteria ?? []) {
        const selector = criteria.labelSelector
          ? fromStructuredSelector(criteria.labelSelector)
          : undefined;
        const indices = (criteria.indexSelector?.matchIndices ?? []).map((requirement) => ({
          ...requirement,
          value: String(evaluateTemplate(requirement.value, environment)),
        }));
        for (const warehouse of items) {
          if (criteria.name && warehouse.metadata.name !== criteria.name) continue;
          if (selector && !matchesSelector(selector, warehouse.metadata.labels)) continue;
          const urls = subscribedUrls(warehouse.spec as WarehouseSpec);
          const indexed = indices.every((requirement) => {
            if (requirement.key !== 'subscribedURLs') return true;
            const hit = urls.some((url) => sameRepository(url, requirement.value));
            return requirement.operator === 'Equals' ? hit : !hit;
          });
          if (indexed) selected.set(warehouse.metadata.name, warehouse);
        }
      }
    }
    const refreshed = await this.#refresh(
      found,
      [...selected.values()],
      deliveryKeys('generic', request),
    );
    if (!refreshed) return DUPLICATE;
    return {
      status: 200,
      body: {
        message: `generic webhook: refreshed ${refreshed.length} Warehouse${refreshed.length === 1 ? '' : 's'}`,
        refreshed,
      },
    };
  }
}

function normalize(type: RepositoryRef['type'], url: string): string {
  if (type === 'git') return normalizeGitUrl(url);
  if (type === 'chart') return normalizeChartUrl(url);
  return normalizeImageRepo(url);
}

function subscribedUrls(spec: WarehouseSpec): string[] {
  return spec.subscriptions.flatMap((subscription) =>
    Object.entries(subscription).flatMap(([key, value]) =>
      key !== 'name' && typeof (value as { repoURL?: unknown })?.repoURL === 'string'
        ? [(value as { repoURL: string }).repoURL]
        : [],
    ),
  );
}

/** Equal as any kind of repository URL (the generic receiver does not say which kind). */
function sameRepository(a: string, b: string): boolean {
  return (
    a === b ||
    normalizeGitUrl(a) === normalizeGitUrl(b) ||
    normalizeImageRepo(a) === normalizeImageRepo(b) ||
    normalizeChartUrl(a) === normalizeChartUrl(b)
  );
}
