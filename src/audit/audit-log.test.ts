import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { AuditLog } from './audit-log.js';

describe('the audit log', () => {
  let store: SqliteStore;
  let audit: AuditLog;
  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
    let id = 0;
    audit = new AuditLog({ store, ulid: () => `01J${String(++id).padStart(23, '0')}` });
  });
  afterEach(() => store.close());

  const seen = (events: Array<{ actor: string; action: string; kind: string; name: string }>) =>
    events.map((e) => `${e.actor} ${e.action} ${e.kind}/${e.name}`);

  it("lists one object's events, newest first, by kind and name, within the limit", async () => {
    await audit.record([
      { actor: 'token:ci', action: 'create', kind: 'Freight', project: 'shop', name: 'abc' },
      {
        actor: 'email:ana@example.com',
        action: 'approve',
        kind: 'Freight',
        project: 'shop',
        name: 'abc',
      },
      { actor: 'token:ci', action: 'approve', kind: 'Freight', project: 'shop', name: 'def' },
      { actor: 'token:ci', action: 'promote', kind: 'Promotion', project: 'shop', name: 'abc' },
      { actor: 'token:ci', action: 'approve', kind: 'Freight', project: 'other', name: 'abc' },
    ]);
    expect(seen(await audit.list({ project: 'shop', kind: 'Freight', name: 'abc' }))).toEqual([
      'email:ana@example.com approve Freight/abc',
      'token:ci create Freight/abc',
    ]);
    expect(
      seen(await audit.list({ project: 'shop', kind: 'Freight', name: 'abc', limit: 1 })),
    ).toEqual(['email:ana@example.com approve Freight/abc']);
    expect(seen(await audit.list({ project: 'shop', name: 'abc', actor: 'token:ci' }))).toEqual([
      'token:ci promote Promotion/abc',
      'token:ci create Freight/abc',
    ]);
    expect(await audit.list({ project: 'shop', kind: 'Stage' })).toEqual([]);
  });
});
