import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../errors.js';
import { describeStoreContract } from '../store.contract.js';
import type { Store } from '../store.js';
import { openSqliteStore, type SqliteStore } from './sqlite-store.js';

describeStoreContract('sqlite', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
  const path = join(dir, 'gantry.db');
  let current: SqliteStore = openSqliteStore({ path, pollIntervalMs: 50 });
  let limit = 20_000;
  const reopen = async (): Promise<Store> => {
    await current.close();
    current = openSqliteStore({ path, pollIntervalMs: 50, historyLimit: limit });
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

describe('SqliteStore schema', () => {
  it('refuses a database written by a newer Gantry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-sqlite-'));
    const path = join(dir, 'gantry.db');
    const store = openSqliteStore({ path });
    await store.close();
    const { createRequire } = await import('node:module');
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (p: string) => {
      exec(sql: string): void;
      close(): void;
    };
    const db = new Database(path);
    db.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', 'x')");
    db.close();
    let err: unknown;
    try {
      openSqliteStore({ path });
    } catch (e) {
      err = e;
    }
    expect(isGantryError(err, 'Unavailable')).toBe(true);
    expect((err as Error).message).toContain('schema version 99');
    rmSync(dir, { recursive: true, force: true });
  });
});
