import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Resource, StoredResource } from '../api/resource.js';
import { GantryError, isGantryError } from '../errors.js';
import type {
  Lease,
  ListJsonResult,
  ListOptions,
  ListResult,
  Store,
  WatchEvent,
  WatchOptions,
  WriteOp,
  WriteOptions,
  WriteResult,
} from './store.js';

/** The kind whose `data` values are encrypted at rest. */
const SECRET_KIND = 'Secret';
/** Every encrypted value starts so; base64 (what `data` holds in clear) never contains `:`. */
const PREFIX = 'gantry:v1:';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * An internal record naming the key the store's Secrets are encrypted with (its id, never the
 * key). Replicas sharing a store compare it with their own key at start-up. Not in
 * KIND_NAMES, so the API never shows it.
 */
export const SECRETS_KEY_CHECK_KIND = 'SecretsKeyCheck';
const KEY_CHECK = { kind: SECRETS_KEY_CHECK_KIND, namespace: '', name: 'secrets' };

/** An AES-256 key with its id (a hash of the key: safe to store and to show). */
export interface SecretsKey {
  id: string;
  key: Buffer;
}

export function secretsKey(key: Buffer): SecretsKey {
  if (key.length !== 32) throw new Error(`a secrets key has 32 bytes, this one ${key.length}`);
  const id = createHash('sha256').update('gantry secrets key id\0').update(key).digest('hex');
  return { id: id.slice(0, 16), key };
}

/**
 * A Store decorator that encrypts the values of Secrets' `data` before they reach the
 * backend, and decrypts them on every way out (get, list, listJson, watch, write results), so
 * that a copy of the database reveals no Secret.
 *
 * - AES-256-GCM, a random 96-bit nonce per value; the Secret's project, name and data key are
 *   authenticated with it, so a value copied onto another Secret or key does not decrypt.
 * - Stored as `gantry:v1:<key id>:<base64(nonce | ciphertext | tag)>`. The key id says which
 *   key to use, so keys can be rotated (decrypt with any of `previousKeys`, write with `key`).
 * - A value that is unchanged by an update keeps its ciphertext, so applying the same Secret
 *   twice still changes nothing (random nonces would otherwise make every apply a change).
 * - Values written before encryption existed are plain base64: they still read, and
 *   `openEncryptingStore` encrypts them at start-up.
 */
export class EncryptingStore implements Store {
  readonly #inner: Store;
  readonly #key: SecretsKey;
  readonly #keys: Map<string, SecretsKey>;

  constructor(inner: Store, key: SecretsKey, options: { previousKeys?: SecretsKey[] } = {}) {
    this.#inner = inner;
    this.#key = key;
    this.#keys = new Map([...(options.previousKeys ?? []), key].map((k) => [k.id, k]));
  }

  /** The store underneath (its values are encrypted). */
  get inner(): Store {
    return this.#inner;
  }

  async get(key: Parameters<Store['get']>[0]): Promise<StoredResource | undefined> {
    const object = await this.#inner.get(key);
    return object && this.#decrypt(object);
  }

  async list(kind: string, options?: ListOptions): Promise<ListResult> {
    const result = await this.#inner.list(kind, options);
    if (kind !== SECRET_KIND) return result;
    return { ...result, items: result.items.map((item) => this.#decrypt(item)) };
  }

  async listJson(kind: string, options?: ListOptions): Promise<ListJsonResult> {
    const result = await this.#inner.listJson(kind, options);
    if (kind !== SECRET_KIND) return result;
    return {
      ...result,
      items: result.items.map((text) =>
        JSON.stringify(this.#decrypt(JSON.parse(text) as StoredResource)),
      ),
    };
  }

  async write(ops: WriteOp[], options?: WriteOptions): Promise<WriteResult[]> {
    const encrypted = await Promise.all(ops.map((op) => this.#encryptOp(op)));
    const results = await this.#inner.write(encrypted, options);
    return results.map((result) => ({
      ...result,
      ...(result.object && { object: this.#decrypt(result.object) }),
      ...(result.deleted && { deleted: result.deleted.map((object) => this.#decrypt(object)) }),
    }));
  }

  watch(options: WatchOptions): AsyncIterable<WatchEvent> {
    // A watch of kinds without Secrets has nothing to decrypt: the controllers' watches see
    // every change of a hop, and a generator of their own for each cost a turn of promises.
    if (options.kinds && !options.kinds.includes(SECRET_KIND)) return this.#inner.watch(options);
    return this.#decrypted(options);
  }

  async *#decrypted(options: WatchOptions): AsyncIterable<WatchEvent> {
    for await (const event of this.#inner.watch(options)) {
      yield event.object.kind === SECRET_KIND
        ? { ...event, object: this.#decrypt(event.object) }
        : event;
    }
  }

  currentResourceVersion(): Promise<string> {
    return this.#inner.currentResourceVersion();
  }

  acquireLease(name: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    return this.#inner.acquireLease(name, holder, ttlMs);
  }

  renewLease(lease: Lease, ttlMs: number): Promise<boolean> {
    return this.#inner.renewLease(lease, ttlMs);
  }

  releaseLease(lease: Lease): Promise<void> {
    return this.#inner.releaseLease(lease);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  /** Whether a stored Secret still holds values in clear (written before encryption). */
  hasPlainValues(object: Resource): boolean {
    return Object.values(dataOf(object) ?? {}).some((value) => !value.startsWith(PREFIX));
  }

  /** The Secret as stored: every data value encrypted (unchanged ones keep `before`'s). */
  encryptSecret<T extends Resource>(object: T, before?: Resource): T {
    const folded = foldStringData(object);
    const data = dataOf(folded);
    if (!data) return folded;
    const previous = before ? dataOf(before) : undefined;
    const out: Record<string, string> = {};
    for (const [field, value] of Object.entries(data)) {
      const old = previous?.[field];
      if (value.startsWith(PREFIX)) out[field] = value;
      else if (old?.startsWith(PREFIX) && this.#open(old, folded, field) === value)
        out[field] = old;
      else out[field] = this.#seal(value, folded, field);
    }
    return { ...folded, data: out };
  }

  async #encryptOp(op: WriteOp): Promise<WriteOp> {
    if (op.op !== 'create' && op.op !== 'update' && op.op !== 'apply') return op;
    if (op.object.kind !== SECRET_KIND) return op;
    const before =
      op.op === 'create'
        ? undefined
        : await this.#inner.get({
            kind: SECRET_KIND,
            namespace: op.object.metadata.namespace ?? '',
            name: op.object.metadata.name,
          });
    const check = op.check;
    return {
      ...op,
      object: this.encryptSecret(op.object, before),
      ...(check && {
        check: (stored: StoredResource | undefined, after: Resource) =>
          check(stored && this.#decrypt(stored), this.decryptSecret(after)),
      }),
    };
  }

  #decrypt(object: StoredResource): StoredResource {
    return this.decryptSecret(object);
  }

  /** The object with its Secret data in clear (other kinds unchanged); throws for a wrong key. */
  decryptSecret<T extends Resource>(object: T): T {
    if (object.kind !== SECRET_KIND) return object;
    const data = dataOf(object);
    if (!data) return object;
    return {
      ...object,
      data: Object.fromEntries(
        Object.entries(data).map(([field, value]) => [
          field,
          value.startsWith(PREFIX) ? this.#open(value, object, field) : value,
        ]),
      ),
    };
  }

  #seal(value: string, object: Resource, field: string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key.key, nonce);
    cipher.setAAD(associatedData(object, field));
    const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const payload = Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64');
    return `${PREFIX}${this.#key.id}:${payload}`;
  }

  #open(value: string, object: Resource, field: string): string {
    const [keyId = '', payload = ''] = value.slice(PREFIX.length).split(':');
    const where = `Secret "${object.metadata.name}" in project "${object.metadata.namespace ?? ''}", data.${field}`;
    const key = this.#keys.get(keyId);
    if (!key) {
      throw new GantryError(
        'Internal',
        `${where} was encrypted with key ${keyId}, but this server has key ${this.#key.id}: give every replica the same secrets key (GANTRY_SECRETS_KEY or the key file)`,
      );
    }
    const bytes = Buffer.from(payload, 'base64');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.key, bytes.subarray(0, NONCE_BYTES));
      decipher.setAAD(associatedData(object, field));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (err) {
      throw new GantryError('Internal', `${where} cannot be decrypted: it was altered`, {
        cause: err,
      });
    }
  }
}

/**
 * Wraps a store with encryption after checking the key: the store records the id of the key
 * its Secrets are encrypted with, and a server with another key refuses to start (instead of
 * reading garbage, or writing Secrets other replicas cannot read). Secrets written before
 * encryption existed are then encrypted in place (migration at start-up; until it has run,
 * and for any value it could not rewrite, plain values still read).
 */
export async function openEncryptingStore(
  inner: Store,
  key: SecretsKey,
  options: { previousKeys?: SecretsKey[]; keySource?: string } = {},
): Promise<EncryptingStore> {
  const store = new EncryptingStore(inner, key, options);
  const known = new Set([key.id, ...(options.previousKeys ?? []).map((k) => k.id)]);
  let check = await inner.get(KEY_CHECK);
  if (!check) {
    try {
      await inner.write([
        {
          op: 'create',
          object: {
            apiVersion: 'gantry.internal/v1',
            kind: SECRETS_KEY_CHECK_KIND,
            metadata: { name: KEY_CHECK.name },
            spec: { keyId: key.id, algorithm: 'AES-256-GCM' },
          },
        },
      ]);
    } catch (err) {
      // Another replica starting at the same moment wrote it first: compare with theirs.
      if (!isGantryError(err, 'AlreadyExists')) throw err;
    }
    check = await inner.get(KEY_CHECK);
  }
  const storedId = (check?.spec as { keyId?: string } | undefined)?.keyId ?? '';
  if (!known.has(storedId)) {
    throw new GantryError(
      'Invalid',
      `the secrets key${options.keySource ? ` from ${options.keySource}` : ''} (key id ${key.id}) is not the key this store's Secrets are encrypted with (key id ${storedId}): give every replica the same GANTRY_SECRETS_KEY or key file (docs/security.md)`,
    );
  }
  const { items } = await inner.list(SECRET_KIND);
  for (const secret of items) {
    // Proves every value decrypts with the keys this server has (throws otherwise).
    store.decryptSecret(secret);
    if (!store.hasPlainValues(secret)) continue;
    try {
      await inner.write([
        {
          op: 'update',
          object: {
            ...store.encryptSecret(secret),
            metadata: { ...secret.metadata },
          },
        },
      ]);
    } catch (err) {
      // Changed or deleted meanwhile (by a person, or another replica migrating it): the
      // writer encrypted it, or it is gone.
      if (!isGantryError(err, 'Conflict') && !isGantryError(err, 'NotFound')) throw err;
    }
  }
  return store;
}

function dataOf(object: Resource): Record<string, string> | undefined {
  return (object as { data?: Record<string, string> }).data;
}

/** `stringData` (plain text) folded into `data` (base64), as the Secret schema does. */
function foldStringData<T extends Resource>(object: T): T {
  const { stringData, ...rest } = object as T & { stringData?: Record<string, string> };
  if (!stringData) return object;
  const data: Record<string, string> = { ...dataOf(object) };
  for (const [field, value] of Object.entries(stringData))
    data[field] = Buffer.from(value, 'utf8').toString('base64');
  return { ...(rest as T), data };
}

function associatedData(object: Resource, field: string): Buffer {
  return Buffer.from(
    `${object.metadata.namespace ?? ''}\0${object.metadata.name}\0${field}`,
    'utf8',
  );
}
