import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../../test/postgres.js';
import type { Resource } from '../api/resource.js';
import { errorMessage, isGantryError } from '../errors.js';
import { loadSecretsKey } from '../secrets-key.js';
import { EncryptingStore, openEncryptingStore, secretsKey } from './encrypting-store.js';
import { openPostgresStore } from './postgres/postgres-store.js';
import { openSqliteStore, type SqliteStore } from './sqlite/sqlite-store.js';
import { describeStoreContract } from './store.contract.js';
import type { Store } from './store.js';

const PLAIN = 'correct-horse-battery-staple-42';
const BASE64 = Buffer.from(PLAIN).toString('base64');

const secret = (name: string, data: Record<string, string>, namespace = 'shop'): Resource => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace },
  data: Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
});
const decoded = (object: unknown, field: string) =>
  Buffer.from((object as { data: Record<string, string> }).data[field]!, 'base64').toString();

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describeStoreContract('encrypting store over sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-encrypting-'));
  const path = join(dir, 'gantry.db');
  const key = secretsKey(randomBytes(32));
  let inner: SqliteStore = openSqliteStore({ path, pollIntervalMs: 50 });
  let limit = 20_000;
  let current: Store = new EncryptingStore(inner, key);
  const reopen = async (): Promise<Store> => {
    await current.close();
    inner = openSqliteStore({ path, pollIntervalMs: 50, historyLimit: limit });
    current = new EncryptingStore(inner, key);
    return current;
  };
  return Promise.resolve({
    store: current,
    reopen,
    compactTo: (keep: number) => {
      limit = keep;
      return reopen();
    },
    destroy: async () => {
      await current.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
});

describe('EncryptingStore', () => {
  let dir: string;
  let path: string;
  let inner: SqliteStore;
  const key = secretsKey(randomBytes(32));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-encrypting-'));
    path = join(dir, 'gantry.db');
    inner = openSqliteStore({ path });
  });
  afterEach(async () => {
    await inner.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every byte the database keeps on disk: the main file, its WAL and shared memory. */
  const rawBytes = () =>
    Buffer.concat(
      ['', '-wal', '-shm', '-journal']
        .map((suffix) => `${path}${suffix}`)
        .filter((file) => existsSync(file))
        .map((file) => readFileSync(file)),
    );

  it('keeps no Secret value on disk, in clear or in base64, and reads it back everywhere', async () => {
    const store = await openEncryptingStore(inner, key);
    const watch = new AbortController();
    const from = await store.currentResourceVersion();
    const events = store.watch({
      kinds: ['Secret'],
      fromResourceVersion: from,
      signal: watch.signal,
    });
    const [created] = await store.write([
      { op: 'create', object: secret('git', { password: PLAIN }) },
    ]);
    await store.write([
      {
        op: 'apply',
        object: {
          ...secret('git', { password: PLAIN }),
          metadata: { name: 'git', namespace: 'shop', labels: { a: 'b' } },
        },
      },
    ]);

    const bytes = rawBytes();
    expect(bytes.includes(PLAIN)).toBe(false);
    expect(bytes.includes(BASE64)).toBe(false);
    expect(bytes.includes('gantry:v1:')).toBe(true);
    expect(
      JSON.stringify(await inner.get({ kind: 'Secret', namespace: 'shop', name: 'git' })),
    ).not.toContain(BASE64);

    expect(decoded(created!.object, 'password')).toBe(PLAIN);
    expect(
      decoded(await store.get({ kind: 'Secret', namespace: 'shop', name: 'git' }), 'password'),
    ).toBe(PLAIN);
    expect(decoded((await store.list('Secret')).items[0], 'password')).toBe(PLAIN);
    expect(decoded(JSON.parse((await store.listJson('Secret')).items[0]!), 'password')).toBe(PLAIN);
    const seen = [];
    for await (const event of events) {
      seen.push(decoded(event.object, 'password'));
      if (seen.length === 2) break;
    }
    watch.abort();
    expect(seen).toEqual([PLAIN, PLAIN]);
    const [deleted] = await store.write([{ op: 'deleteNamespace', namespace: 'shop' }]);
    expect(decoded(deleted!.deleted![0], 'password')).toBe(PLAIN);
  });

  it('decrypts Secrets in every watch that may carry them, and leaves other watches to the store', async () => {
    const store = await openEncryptingStore(inner, key);
    const from = await store.currentResourceVersion();
    const controller = new AbortController();
    const first = async (kinds: string[] | undefined) => {
      for await (const event of store.watch({
        kinds,
        fromResourceVersion: from,
        signal: controller.signal,
      }))
        return event.object;
      return undefined;
    };
    await store.write([{ op: 'create', object: secret('git', { password: PLAIN }) }]);
    await store.write([
      {
        op: 'create',
        object: {
          apiVersion: 'kargo.akuity.io/v1alpha1',
          kind: 'Project',
          metadata: { name: 'shop' },
        },
      },
    ]);
    for (const kinds of [undefined, ['Secret'], ['Project', 'Secret']])
      expect(decoded(await first(kinds), 'password'), String(kinds)).toBe(PLAIN);
    // A watch without Secrets is the store's own: nothing to decrypt.
    expect(await first(['Project'])).toEqual(
      await inner.get({ kind: 'Project', namespace: '', name: 'shop' }),
    );
    controller.abort();
  });

  it('changes nothing when the same Secret is applied again (unchanged values keep their ciphertext)', async () => {
    const store = new EncryptingStore(inner, key);
    await store.write([
      { op: 'apply', object: secret('git', { username: 'deploy', password: PLAIN }) },
    ]);
    const before = await inner.get({ kind: 'Secret', namespace: 'shop', name: 'git' });
    const [again] = await store.write([
      { op: 'apply', object: secret('git', { username: 'deploy', password: PLAIN }) },
    ]);
    expect(again!.outcome).toBe('unchanged');
    const [changed] = await store.write([
      { op: 'apply', object: secret('git', { username: 'deploy', password: 'new-one' }) },
    ]);
    expect(changed!.outcome).toBe('configured');
    const after = await inner.get({ kind: 'Secret', namespace: 'shop', name: 'git' });
    const data = (o: unknown) => (o as { data: Record<string, string> }).data;
    expect(data(after).username).toBe(data(before).username);
    expect(data(after).password).not.toBe(data(before).password);
  });

  it('folds stringData into data before encrypting it, and hands checks the values in clear', async () => {
    const store = new EncryptingStore(inner, key);
    const checked: string[] = [];
    await store.write([
      {
        op: 'create',
        object: { ...secret('s', {}), stringData: { token: PLAIN } },
        check: (_before, after) => checked.push(decoded(after, 'token')),
      },
    ]);
    expect(checked).toEqual([PLAIN]);
    expect(
      JSON.stringify(await inner.get({ kind: 'Secret', namespace: 'shop', name: 's' })),
    ).not.toContain(PLAIN);
    expect(
      decoded(await store.get({ kind: 'Secret', namespace: 'shop', name: 's' }), 'token'),
    ).toBe(PLAIN);
  });

  it('reads Secrets written before encryption, and encrypts them at start-up', async () => {
    await inner.write([{ op: 'create', object: secret('legacy', { password: PLAIN }) }]);
    expect(
      new EncryptingStore(inner, key).hasPlainValues(
        (await inner.get({ kind: 'Secret', namespace: 'shop', name: 'legacy' }))!,
      ),
    ).toBe(true);
    const legacy = await new EncryptingStore(inner, key).get({
      kind: 'Secret',
      namespace: 'shop',
      name: 'legacy',
    });
    expect(decoded(legacy, 'password')).toBe(PLAIN);

    const store = await openEncryptingStore(inner, key);
    const stored = await inner.get({ kind: 'Secret', namespace: 'shop', name: 'legacy' });
    expect(JSON.stringify(stored)).not.toContain(BASE64);
    expect(
      decoded(await store.get({ kind: 'Secret', namespace: 'shop', name: 'legacy' }), 'password'),
    ).toBe(PLAIN);
  });

  it('refuses to start with another key, saying what to do, instead of reading garbage', async () => {
    const store = await openEncryptingStore(inner, key);
    await store.write([{ op: 'create', object: secret('git', { password: PLAIN }) }]);
    const other = secretsKey(randomBytes(32));
    const refused = await failure(
      openEncryptingStore(inner, other, { keySource: '/data/secrets.key' }),
    );
    expect(isGantryError(refused, 'Invalid')).toBe(true);
    expect(errorMessage(refused)).toBe(
      `the secrets key from /data/secrets.key (key id ${other.id}) is not the key this store's Secrets are encrypted with (key id ${key.id}): give every replica the same GANTRY_SECRETS_KEY or key file (docs/security.md)`,
    );
    // Even past the start-up check, a value is never decrypted with the wrong key.
    const read = await failure(
      new EncryptingStore(inner, other).get({ kind: 'Secret', namespace: 'shop', name: 'git' }),
    );
    expect(errorMessage(read)).toContain(
      `was encrypted with key ${key.id}, but this server has key ${other.id}`,
    );
  });

  it('refuses to start when an empty store was first opened by a replica with another key', async () => {
    await openEncryptingStore(inner, key);
    const refused = await failure(openEncryptingStore(inner, secretsKey(randomBytes(32))));
    expect(errorMessage(refused)).toContain('give every replica the same GANTRY_SECRETS_KEY');
  });

  it('reads values encrypted with a previous key (rotation)', async () => {
    const old = new EncryptingStore(inner, key);
    await old.write([{ op: 'create', object: secret('git', { password: PLAIN }) }]);
    const next = secretsKey(randomBytes(32));
    const rotated = new EncryptingStore(inner, next, { previousKeys: [key] });
    expect(
      decoded(await rotated.get({ kind: 'Secret', namespace: 'shop', name: 'git' }), 'password'),
    ).toBe(PLAIN);
  });

  it('does not decrypt a value moved onto another Secret', async () => {
    const store = new EncryptingStore(inner, key);
    await store.write([
      { op: 'create', object: secret('a', { password: PLAIN }) },
      { op: 'create', object: secret('b', { password: 'other' }) },
    ]);
    const a = (await inner.get({ kind: 'Secret', namespace: 'shop', name: 'a' }))!;
    const b = (await inner.get({ kind: 'Secret', namespace: 'shop', name: 'b' }))!;
    await inner.write([
      { op: 'update', object: { ...b, data: (a as unknown as { data: object }).data } },
    ]);
    const moved = await failure(store.get({ kind: 'Secret', namespace: 'shop', name: 'b' }));
    expect(errorMessage(moved)).toBe(
      'Secret "b" in project "shop", data.password cannot be decrypted: it was altered',
    );
  });
});

describe('loadSecretsKey', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gantry-secrets-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates 32 random bytes in a file only its owner can read, then reads the same key', () => {
    const file = join(dir, 'data', 'secrets.key');
    const first = loadSecretsKey({ secretsKeyFile: file });
    expect(first.key).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadSecretsKey({ secretsKeyFile: file }).key.equals(first.key)).toBe(true);
    expect(first.source).toBe(file);
  });

  it('prefers GANTRY_SECRETS_KEY, and checks it is 32 bytes', () => {
    const key = randomBytes(32);
    const loaded = loadSecretsKey({
      secretsKey: key.toString('base64'),
      secretsKeyFile: join(dir, 'k'),
    });
    expect(loaded.key.equals(key)).toBe(true);
    expect(existsSync(join(dir, 'k'))).toBe(false);
    expect(() =>
      loadSecretsKey({ secretsKey: 'c2hvcnQ=', secretsKeyFile: join(dir, 'k') }),
    ).toThrow(
      'GANTRY_SECRETS_KEY: must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`), got 5 bytes',
    );
  });

  it('names a key file that holds no key', () => {
    const file = join(dir, 'bad.key');
    writeFileSync(file, 'not a key\n', { mode: 0o600 });
    expect(() => loadSecretsKey({ secretsKeyFile: file })).toThrow(
      `the secrets key file ${file}: must be 32 random bytes`,
    );
  });
});

describe('EncryptingStore with several replicas on PostgreSQL', () => {
  let postgres: TestPostgres;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
  });

  it('shares Secrets between replicas with the same key, and refuses a replica with another', async () => {
    const url = await postgres.createDatabase();
    const key = secretsKey(randomBytes(32));
    const [a, b, c] = await Promise.all([
      openPostgresStore({ url, pollIntervalMs: 50 }),
      openPostgresStore({ url, pollIntervalMs: 50 }),
      openPostgresStore({ url, pollIntervalMs: 50 }),
    ]);
    try {
      // Starting together: one writes the key check, the others compare with it.
      const [first, second] = await Promise.all([
        openEncryptingStore(a, key),
        openEncryptingStore(b, key),
      ]);
      await first.write([{ op: 'create', object: secret('git', { password: PLAIN }) }]);
      const read = await second.get({ kind: 'Secret', namespace: 'shop', name: 'git' });
      expect(decoded(read, 'password')).toBe(PLAIN);
      expect(JSON.stringify(await c.list('Secret'))).not.toContain(BASE64);
      const refused = await failure(openEncryptingStore(c, secretsKey(randomBytes(32))));
      expect(errorMessage(refused)).toContain('give every replica the same GANTRY_SECRETS_KEY');
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
