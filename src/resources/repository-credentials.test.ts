import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createCredentialResolver } from './repository-credentials.js';
import { ResourceService } from './resource-service.js';

const secret = (name: string, data: Record<string, string>, type = 'git') => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, namespace: 'demo', labels: { 'kargo.akuity.io/cred-type': type } },
  stringData: data,
});

describe('repository credentials', () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    await new ResourceService({ store }).apply({
      mode: 'apply',
      documents: [
        { apiVersion: 'kargo.akuity.io/v1alpha1', kind: 'Project', metadata: { name: 'demo' } },
        secret('b-regex', {
          repoURL: '^https://git\\.example\\.com/.*',
          repoURLIsRegex: 'true',
          username: 'regex',
          password: 'r',
        }),
        secret('a-regex', {
          repoURL: '^https://git\\.example\\.com/team/.*',
          repoURLIsRegex: 'true',
          username: 'first-regex',
          password: 'r1',
        }),
        secret('z-exact', {
          repoURL: 'https://git.example.com/team/app.git',
          username: 'exact',
          password: 'e',
        }),
        secret(
          'image',
          { repoURL: 'https://git.example.com/team/other', username: 'image-only', password: 'i' },
          'image',
        ),
      ],
    });
  });
  afterEach(() => store.close());

  it('prefers an exact repoURL, then regular expressions in name order, per credential type', async () => {
    const resolve = createCredentialResolver(store);
    expect(await resolve('demo', 'https://GIT.example.com/team/app')).toEqual({
      username: 'exact',
      password: 'e',
    });
    expect(await resolve('demo', 'https://git.example.com/team/other.git')).toEqual({
      username: 'first-regex',
      password: 'r1',
    });
    expect(await resolve('demo', 'https://git.example.com/elsewhere')).toEqual({
      username: 'regex',
      password: 'r',
    });
    expect(await resolve('demo', 'https://github.com/x/y')).toBeUndefined();
    expect(await resolve('other-project', 'https://git.example.com/team/app')).toBeUndefined();
  });

  it('matches regular expressions with RE2 (as Kargo), against the URL as given and normalized', async () => {
    await new ResourceService({ store }).apply({
      mode: 'apply',
      documents: [
        secret('c-re2', {
          repoURL: '(?i)^https://CODE\\.example\\.org/',
          repoURLIsRegex: 'true',
          username: 're2',
          password: 'c',
        }),
        secret('d-normalized', {
          repoURL: '^https://code\\.example\\.net/team/app$',
          repoURLIsRegex: 'true',
          username: 'normalized',
          password: 'd',
        }),
      ],
    });
    const resolve = createCredentialResolver(store);
    expect((await resolve('demo', 'https://code.example.org/x'))?.username).toBe('re2');
    expect((await resolve('demo', 'https://Code.Example.net/team/app.git/'))?.username).toBe(
      'normalized',
    );
  });

  it('refuses a repoURL pattern that is not RE2 at admission', async () => {
    const err = await new ResourceService({ store })
      .apply({
        mode: 'apply',
        documents: [secret('e-js', { repoURL: '^https://(?!internal)', repoURLIsRegex: 'true' })],
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toContain(
      'stringData.repoURL: invalid regular expression "^https://(?!internal)"',
    );
    expect(await store.get({ kind: 'Secret', namespace: 'demo', name: 'e-js' })).toBeUndefined();
  });

  it('stores stringData as base64 data', async () => {
    const stored = await store.get({ kind: 'Secret', namespace: 'demo', name: 'z-exact' });
    expect(stored?.data).toMatchObject({ username: Buffer.from('exact').toString('base64') });
    expect(stored).not.toHaveProperty('stringData');
  });
});
