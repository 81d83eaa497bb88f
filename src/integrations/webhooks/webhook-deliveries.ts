import { createHash } from 'node:crypto';
import type { Resource, StoredResource } from '../../api/resource.js';
import type { WebhookRequest } from './webhook-provider.js';

/**
 * Replay protection for webhook calls. Every accepted call leaves records in the store, one per
 * key that identifies its delivery; a call whose key was recorded within the key's window is a
 * replay (or a provider's redelivery): it is acknowledged and ignored.
 *
 * The records are store objects of this internal kind, created with `op: 'create'` in the same
 * atomic write as the refresh they allow, so two replicas sharing a PostgreSQL store cannot
 * both accept one delivery: the second create fails AlreadyExists and refreshes nothing. The
 * kind is not in KIND_NAMES, so the REST API and watches never show it. The garbage collector
 * removes expired records (and the oldest beyond MAX_DELIVERY_RECORDS per project).
 */
export const WEBHOOK_DELIVERY_KIND = 'WebhookDelivery';
export const WEBHOOK_DELIVERY_API_VERSION = 'gantry.internal/v1';

/** How long a provider's delivery id, or the hash of an authenticated body, is remembered. */
export const DELIVERY_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * How long the hash of an unauthenticated body (providers whose only protection is the URL) is
 * remembered. Short, because such providers may send the same body for two real events (Quay
 * names only the pushed tags; a CI job calling the generic receiver sends the same document
 * after every build); a refresh is level-triggered, so one per window for identical content
 * loses nothing.
 */
export const CONTENT_WINDOW_MS = 5 * 60 * 1000;
/** Records kept per project at most, newest first, whatever their windows. */
export const MAX_DELIVERY_RECORDS = 10_000;

/**
 * Headers in which providers name a delivery: GitHub, GitLab (15.x: event UUID; 17.x:
 * Idempotency-Key, the same on retries), Gitea, Gogs, Bitbucket. Docker Hub, Quay, Harbor and
 * generic callers send none; their bodies are hashed instead.
 */
const DELIVERY_HEADERS = [
  'x-github-delivery',
  'idempotency-key',
  'x-gitlab-event-uuid',
  'x-gitea-delivery',
  'x-gogs-delivery',
  'x-request-uuid',
];

/** Headers that authenticate a body (signatures, tokens): part of its content hash. */
const SIGNATURE_HEADERS = [
  'x-hub-signature-256',
  'x-hub-signature',
  'x-gitea-signature',
  'x-gogs-signature',
  'x-gitlab-token',
  'authorization',
];

/** Providers whose calls are authenticated by more than the URL (a signature or a token). */
const AUTHENTICATED = new Set(['github', 'gitlab', 'gitea', 'harbor']);

/** One key identifying a delivery, and how long it is remembered. */
export interface DeliveryKey {
  /** `delivery:<id>` (named by the provider) or `content:<sha256>` (body and signature). */
  id: string;
  windowMs: number;
}

/**
 * The keys of a call: the provider's delivery id when it sends one, and always the hash of the
 * body with its signature (a delivery id is not covered by the signature, so a replay with a
 * new id must still be recognised by its content).
 */
export function deliveryKeys(provider: string, request: WebhookRequest): DeliveryKey[] {
  const keys: DeliveryKey[] = [];
  for (const header of DELIVERY_HEADERS) {
    const value = request.headers[header];
    if (value && value.length <= 200) {
      keys.push({ id: `delivery:${header}:${value}`, windowMs: DELIVERY_WINDOW_MS });
      break;
    }
  }
  const hash = createHash('sha256').update(provider).update('\0').update(request.body);
  for (const header of SIGNATURE_HEADERS) hash.update('\0').update(request.headers[header] ?? '');
  keys.push({
    id: `content:${hash.digest('hex')}`,
    windowMs: AUTHENTICATED.has(provider) ? DELIVERY_WINDOW_MS : CONTENT_WINDOW_MS,
  });
  return keys;
}

/** The record that remembers one key of a delivery to a project's receiver. */
export function deliveryRecord(
  project: string,
  receiver: string,
  key: DeliveryKey,
  now: Date,
): Resource {
  return {
    apiVersion: WEBHOOK_DELIVERY_API_VERSION,
    kind: WEBHOOK_DELIVERY_KIND,
    metadata: { name: deliveryRecordName(receiver, key), namespace: project },
    spec: {
      receiver,
      key: key.id.startsWith('delivery:') ? key.id : 'content',
      receivedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + key.windowMs).toISOString(),
    },
  };
}

/** Names are hashes: bounded, valid object names, whatever the provider sent. */
export function deliveryRecordName(receiver: string, key: DeliveryKey): string {
  return `d-${createHash('sha256').update(`${receiver}\0${key.id}`).digest('hex').slice(0, 40)}`;
}

export function deliveryExpired(record: StoredResource, now: Date): boolean {
  const expiresAt = Date.parse(
    (record.spec as { expiresAt?: string } | undefined)?.expiresAt ?? '',
  );
  return Number.isNaN(expiresAt) || expiresAt <= now.getTime();
}

/**
 * The records garbage collection removes from one project: the expired ones, and the oldest
 * beyond `max`.
 */
export function deliveriesToCollect(
  records: StoredResource[],
  now: Date,
  max = MAX_DELIVERY_RECORDS,
): StoredResource[] {
  const expired = records.filter((record) => deliveryExpired(record, now));
  const live = records
    .filter((record) => !deliveryExpired(record, now))
    .sort((a, b) => receivedAt(b).localeCompare(receivedAt(a)));
  return [...expired, ...live.slice(max)];
}

function receivedAt(record: StoredResource): string {
  return (record.spec as { receivedAt?: string } | undefined)?.receivedAt ?? '';
}
