import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { ApiTokens } from './api-tokens.js';

describe('API tokens', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
  });

  const setup = (now: () => Date = () => new Date('2026-12-01T00:00:00Z')) => {
    store = openSqliteStore({ path: ':memory:' });
    return { store, tokens: new ApiTokens({ store, now }) };
  };

  it('shows a token once, keeps only its hash, and knows it again', async () => {
    const { store, tokens } = setup();
    const { token, info } = await tokens.create({
      name: 'ci',
      role: 'kargo-viewer',
      createdBy: 'token:initial-admin',
    });
    expect(token).toMatch(/^gty_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(info).toEqual({
      name: 'ci',
      role: 'kargo-viewer',
      createdBy: 'token:initial-admin',
      createdAt: '2026-12-01T00:00:00Z',
    });
    const stored = JSON.stringify((await store.list('APIToken')).items);
    // The secret is everything after the id (base64url: it may hold `_` itself).
    expect(stored).not.toContain(token.slice('gty_'.length + 12 + 1));
    expect(await tokens.verify(token)).toMatchObject({
      kind: 'token',
      actor: 'token:ci',
      role: 'kargo-viewer',
    });
    expect(await tokens.list(undefined)).toEqual([info]);
  });

  it.each([
    ['a wrong secret', (t: string) => t.slice(0, -1) + (t.endsWith('A') ? 'B' : 'A')],
    ['an unknown id', (t: string) => `gty_AAAAAAAAAAAA_${t.split('_')[2]}`],
    ['garbage', () => 'gty_nope'],
    ['an empty string', () => ''],
  ])('refuses %s', async (_, mangle) => {
    const { tokens } = setup();
    const { token } = await tokens.create({ name: 'ci', role: 'kargo-viewer', createdBy: 't' });
    expect(await tokens.verify(mangle(token))).toBeUndefined();
  });

  it('refuses a token once it has expired, and a revoked one at once', async () => {
    let now = new Date('2026-12-01T00:00:00Z');
    const { tokens } = setup(() => now);
    const { token } = await tokens.create({
      name: 'short',
      role: 'kargo-viewer',
      createdBy: 't',
      expiresAt: new Date('2026-12-02T00:00:00Z'),
    });
    expect(await tokens.verify(token)).toBeDefined();
    now = new Date('2026-12-02T00:00:00Z');
    expect(await tokens.verify(token)).toBeUndefined();
    const { token: other } = await tokens.create({
      name: 'other',
      role: 'kargo-viewer',
      createdBy: 't',
    });
    expect(await tokens.delete(undefined, 'other')).toMatchObject({ name: 'other' });
    expect(await tokens.verify(other)).toBeUndefined();
    await expect(tokens.delete(undefined, 'other')).rejects.toThrow(
      'token "other" not found (system tokens)',
    );
  });

  it('keeps names unique per project, and a project token dies with its project', async () => {
    const { store, tokens } = setup(() => new Date()); // the store stamps projects with its clock
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
    const { token } = await tokens.create({
      name: 'ci',
      project: 'shop',
      role: 'kargo-promoter',
      createdBy: 't',
    });
    await tokens.create({ name: 'ci', role: 'kargo-viewer', createdBy: 't' }); // a system token may share it
    await expect(
      tokens.create({ name: 'ci', project: 'shop', role: 'kargo-viewer', createdBy: 't' }),
    ).rejects.toThrow('a token named "ci" already exists in project "shop"');
    expect(await tokens.verify(token)).toMatchObject({ actor: 'token:shop/ci', project: 'shop' });
    await store.write([{ op: 'delete', key: { kind: 'Project', namespace: '', name: 'shop' } }]);
    expect(await tokens.verify(token)).toBeUndefined();
  });

  it.each([
    ['Bad_Name', 'must be lowercase letters'],
    ['', 'must be lowercase letters'],
  ])('refuses the name %j', async (name, message) => {
    const { tokens } = setup();
    await expect(tokens.create({ name, role: 'kargo-viewer', createdBy: 't' })).rejects.toThrow(
      message,
    );
  });
});
