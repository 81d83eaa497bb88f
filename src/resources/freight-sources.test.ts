import { describe, expect, it } from 'vitest';
import type { Freight } from '../api/freight.js';
import { imageSubscriptionSchema, type WarehouseSpec } from '../api/warehouse.js';
import { isGantryError } from '../errors.js';
import {
  checkFreightSources,
  tagOutsideSubscription,
  type FreightSourceLookups,
} from './freight-sources.js';

const REPO = 'registry.example.com/acme/app';
const DIGEST = `sha256:${'a'.repeat(64)}`;

const image = (fields: Record<string, unknown>) =>
  imageSubscriptionSchema.parse({ repoURL: REPO, ...fields });

describe('tagOutsideSubscription', () => {
  it.each([
    ['1.2.0', {}, undefined],
    ['1.2.0', { constraint: '^1.0.0' }, undefined],
    ['2.0.0', { constraint: '^1.0.0' }, `tag outside the subscription's constraint "^1.0.0"`],
    ['latest', {}, 'tag is not a semantic version (the subscription selects by SemVer)'],
    ['v1', { strictSemvers: false }, undefined],
    [
      '1.2.0-rc1',
      { ignoreTagsRegexes: ['-rc'] },
      'tag excluded by the subscription (allowTagsRegexes / ignoreTagsRegexes)',
    ],
    [
      'main-abc',
      { imageSelectionStrategy: 'Lexical', allowTagsRegexes: ['^release-'] },
      'tag excluded by the subscription (allowTagsRegexes / ignoreTagsRegexes)',
    ],
    ['anything', { imageSelectionStrategy: 'Lexical' }, undefined],
    ['anything', { imageSelectionStrategy: 'NewestBuild' }, undefined],
    ['stable', { imageSelectionStrategy: 'Digest', constraint: 'stable' }, undefined],
    [
      'latest',
      { imageSelectionStrategy: 'Digest', constraint: 'stable' },
      'the subscription follows tag "stable" only (imageSelectionStrategy: Digest)',
    ],
  ])('%s with %j: %s', (tag, fields, expected) => {
    expect(tagOutsideSubscription(tag, image(fields))).toBe(expected);
  });
});

describe('checkFreightSources', () => {
  const warehouse = {
    subscriptions: [{ image: image({ constraint: '^1.0.0' }) }],
  } as unknown as WarehouseSpec;
  const freight = (fields: Record<string, unknown>): Freight => ({
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Freight',
    metadata: { name: 'x', namespace: 'shop' },
    origin: { kind: 'Warehouse', name: 'app' },
    images: [{ repoURL: REPO, ...fields }],
  });
  /** A registry that has tag 1.0.0 (DIGEST) and nothing else; `down` makes it unreachable. */
  const registry = (down = false) => {
    const asked: string[] = [];
    const lookups: FreightSourceLookups = {
      image: (_project, _sub, reference) => {
        asked.push(reference);
        if (down) return Promise.reject(new Error('cannot reach registry registry.example.com'));
        if (reference === '1.0.0' || reference === DIGEST)
          return Promise.resolve({ digest: DIGEST, annotations: { built: 'today' } });
        return Promise.reject(Object.assign(new Error('404'), { notFound: true }));
      },
      chartVersions: () => Promise.resolve([]),
    };
    return { lookups, asked };
  };
  const run = (f: Freight, mode: 'check' | 'force', lookups?: FreightSourceLookups) =>
    checkFreightSources(f, warehouse, { project: 'shop', mode, actor: 'token:ci', lookups });
  const failure = async (promise: Promise<unknown>) => {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isGantryError(err)) throw new Error(`expected a GantryError, got ${String(err)}`);
    return err;
  };

  it('fills in the digest and annotations of a tag that exists', async () => {
    const checked = await run(freight({ tag: '1.0.0' }), 'check', registry().lookups);
    expect(checked.images).toEqual([
      { repoURL: REPO, tag: '1.0.0', digest: DIGEST, annotations: { built: 'today' } },
    ]);
    expect(checked.metadata.annotations).toBeUndefined();
  });

  it('accepts an image given by digest alone', async () => {
    const checked = await run(freight({ digest: DIGEST }), 'check', registry().lookups);
    expect(checked.images?.[0]?.digest).toBe(DIGEST);
  });

  it.each([
    [{ tag: '1.9.9' }, 'Invalid', `images[0]: ${REPO}:1.9.9: tag not found in the registry`],
    [
      { tag: '1.0.0', digest: `sha256:${'b'.repeat(64)}` },
      'Invalid',
      `images[0]: ${REPO}:1.0.0: digest sha256:${'b'.repeat(64)} does not match the registry's ${DIGEST} for this tag`,
    ],
    [
      { tag: '2.0.0' },
      'Invalid',
      `images[0]: ${REPO}:2.0.0: tag outside the subscription's constraint "^1.0.0"`,
    ],
    [{}, 'Invalid', `images[0]: ${REPO}: a tag or a digest is required`],
  ])('refuses %j', async (fields, code, message) => {
    const err = await failure(run(freight(fields), 'check', registry().lookups));
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
    expect(err.issues[0]?.path).toBe('images[0]');
  });

  it('says when the registry cannot be reached, and how to go on without it', async () => {
    const err = await failure(run(freight({ tag: '1.0.0' }), 'check', registry(true).lookups));
    expect(err.code).toBe('Unavailable');
    expect(err.message).toContain(
      `images[0] ${REPO}:1.0.0: cannot reach registry registry.example.com`,
    );
    expect(err.message).toContain('--force');
  });

  it('when forced, asks no registry, checks the subscription and marks the Freight', async () => {
    const { lookups, asked } = registry(true);
    const forced = await run(freight({ tag: '1.9.9' }), 'force', lookups);
    expect(asked).toEqual([]);
    expect(forced.images?.[0]?.digest).toBeUndefined();
    expect(forced.metadata.annotations).toEqual({ 'gantry.io/forced-by': 'token:ci' });
    const outside = await failure(run(freight({ tag: '2.0.0' }), 'force', lookups));
    expect(outside.message).toContain('tag outside the subscription');
  });

  it('without lookups, runs the subscription checks only', async () => {
    const checked = await run(freight({ tag: '1.9.9' }), 'check');
    expect(checked.images?.[0]?.digest).toBeUndefined();
  });

  describe('git commits', () => {
    const GIT = 'https://git.example.com/acme/config.git';
    const FULL = 'abcdef0123456789abcdef0123456789abcdef01';
    const gitWarehouse = {
      subscriptions: [{ git: { repoURL: GIT } }],
    } as unknown as WarehouseSpec;
    const withCommit = (id: string): Freight => ({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Freight',
      metadata: { name: 'x', namespace: 'shop' },
      origin: { kind: 'Warehouse', name: 'config' },
      commits: [{ repoURL: GIT, id }],
    });
    const repository = (reachable: boolean): FreightSourceLookups => ({
      ...registry().lookups,
      commit: (_project, _sub, id) =>
        !reachable
          ? Promise.reject(new Error('could not fetch'))
          : Promise.resolve(
              FULL.startsWith(id)
                ? { id: FULL, subject: 'say hello', author: 'Ana <ana@example.com>' }
                : undefined,
            ),
    });
    const check = (id: string, lookups: FreightSourceLookups) =>
      checkFreightSources(withCommit(id), gitWarehouse, {
        project: 'shop',
        mode: 'check',
        lookups,
      });

    it('fills in the full id, message and author of a commit that exists', async () => {
      const checked = await check(FULL.slice(0, 8), repository(true));
      expect(checked.commits).toEqual([
        { repoURL: GIT, id: FULL, message: 'say hello', author: 'Ana <ana@example.com>' },
      ]);
    });

    it.each([
      ['0'.repeat(40), `commits[0]: ${GIT}@${'0'.repeat(40)}: commit not found in the repository`],
      ['main', `commits[0]: ${GIT}@main: the commit id must be a hexadecimal commit SHA`],
    ])('refuses %s', async (id, message) => {
      expect((await failure(check(id, repository(true)))).message).toBe(message);
    });

    it('leaves a commit unchecked when its repository cannot be fetched', async () => {
      const checked = await check(FULL, repository(false));
      expect(checked.commits).toEqual([{ repoURL: GIT, id: FULL }]);
    });
  });
});
