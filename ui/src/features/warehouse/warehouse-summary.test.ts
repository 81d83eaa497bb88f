import { describe, expect, it } from 'vitest';
import { failuresBySubscription, summarizeDiscovery } from './warehouse-summary.js';
import type { Warehouse } from './warehouse-types.js';

const warehouse = (spec: Warehouse['spec'], status: Warehouse['status']): Warehouse => ({
  kind: 'Warehouse',
  metadata: { name: 'app', namespace: 'shop' },
  spec,
  status,
});

describe('summarizeDiscovery', () => {
  it('lists what each subscription asks for and found, newest first as stored', () => {
    const summary = summarizeDiscovery(
      warehouse(
        {
          subscriptions: [
            {
              image: {
                repoURL: 'reg.example/shop/api',
                imageSelectionStrategy: 'SemVer',
                constraint: '^1.0.0',
                allowTagsRegexes: ['^1\\.'],
              },
            },
            {
              git: { repoURL: 'https://git.example/gitops.git', branch: 'main' },
            },
            { chart: { repoURL: 'https://charts.example', name: 'web', semverConstraint: '2.x' } },
          ],
        },
        {
          conditions: [
            {
              type: 'Ready',
              status: 'True',
              reason: 'Discovered',
              message: 'created Freight wise-owl',
              lastTransitionTime: '2025-01-01T10:00:00Z',
            },
          ],
          lastHandledRefresh: '2025-01-02T03:04:05.678Z.a1b2c3',
          discoveredArtifacts: {
            discoveredAt: '2025-01-02T03:04:06Z',
            images: [
              {
                repoURL: 'reg.example/shop/api',
                references: [
                  { tag: '1.1.0', digest: 'sha256:bb', createdAt: '2025-01-02T00:00:00Z' },
                  { tag: '1.0.0', digest: 'sha256:aa' },
                ],
              },
            ],
            git: [
              {
                repoURL: 'https://git.example/gitops.git',
                commits: [{ id: '0123456789abcdef', branch: 'main', subject: 'Bump api' }],
              },
            ],
            charts: [{ repoURL: 'https://charts.example', name: 'web', versions: ['2.1.0'] }],
          },
        },
      ),
    );
    expect(summary).toMatchObject({
      ready: 'True',
      since: '2025-01-01T10:00:00Z',
      result: 'created Freight wise-owl',
      discoveredAt: '2025-01-02T03:04:06Z',
      lastRefresh: '2025-01-02T03:04:05.678Z',
    });
    expect(summary.subscriptions).toEqual([
      {
        type: 'image',
        name: undefined,
        repoURL: 'reg.example/shop/api',
        selection: ['SemVer', 'constraint ^1.0.0', 'tags matching ^1\\.'],
        found: [
          { version: '1.1.0', detail: 'sha256:bb', time: '2025-01-02T00:00:00Z' },
          { version: '1.0.0', detail: 'sha256:aa', time: undefined },
        ],
        error: undefined,
        nothing: undefined,
      },
      {
        type: 'git',
        name: undefined,
        repoURL: 'https://git.example/gitops.git',
        selection: ['NewestFromBranch', 'branch main'],
        found: [{ version: '0123456', detail: 'Bump api', time: undefined }],
        error: undefined,
        nothing: undefined,
      },
      {
        type: 'chart',
        name: undefined,
        repoURL: 'https://charts.example',
        selection: ['chart web', 'constraint 2.x'],
        found: [{ version: '2.1.0' }],
        error: undefined,
        nothing: undefined,
      },
    ]);
  });

  it('says why a subscription found nothing: its selection matched no version', () => {
    const summary = summarizeDiscovery(
      warehouse(
        { subscriptions: [{ image: { repoURL: 'reg.example/shop/api', constraint: '^9.0.0' } }] },
        {
          conditions: [{ type: 'Ready', status: 'True', message: 'no Freight: no image found' }],
          discoveredArtifacts: { images: [{ repoURL: 'reg.example/shop/api', references: [] }] },
        },
      ),
    );
    expect(summary.subscriptions[0]!.nothing).toBe('nothing matched: SemVer, constraint ^9.0.0');
    expect(summary.result).toBe('no Freight: no image found');
  });

  it('gives each failing subscription its own error, in full, and says what was not looked at yet', () => {
    const message =
      'git https://git.example/x.git: could not list refs; exit 128\nfatal: no such repository; image 127.0.0.1:1/shop/api: connect ECONNREFUSED 127.0.0.1:1';
    const summary = summarizeDiscovery(
      warehouse(
        {
          subscriptions: [
            { image: { repoURL: '127.0.0.1:1/shop/api' } },
            { git: { repoURL: 'https://git.example/x.git' } },
          ],
        },
        { conditions: [{ type: 'Ready', status: 'False', reason: 'DiscoveryFailed', message }] },
      ),
    );
    expect(summary.ready).toBe('False');
    expect(summary.subscriptions.map((s) => [s.error, s.nothing])).toEqual([
      ['connect ECONNREFUSED 127.0.0.1:1', undefined],
      ['could not list refs; exit 128\nfatal: no such repository', undefined],
    ]);
    expect(
      summarizeDiscovery(warehouse({ subscriptions: [{ image: { repoURL: 'r/a' } }] }, {}))
        .subscriptions[0]!.nothing,
    ).toBe('not discovered yet');
  });

  it('matches the status by repository without the credentials a repoURL may carry', () => {
    const summary = summarizeDiscovery(
      warehouse(
        { subscriptions: [{ git: { repoURL: 'https://ci:s3cret@git.example/x.git' } }] },
        {
          discoveredArtifacts: {
            git: [{ repoURL: 'https://git.example/x.git', commits: [{ id: 'abcdef0123' }] }],
          },
        },
      ),
    );
    expect(summary.subscriptions[0]!.found).toEqual([
      { version: 'abcdef0', detail: '', time: undefined },
    ]);
  });
});

describe('failuresBySubscription', () => {
  it.each([
    ['no failure', '', ['image a', 'git b'], [undefined, undefined]],
    ['one of two', 'git b: boom', ['image a', 'git b'], [undefined, 'boom']],
    ['both, joined', 'git b: x; image a: y', ['image a', 'git b'], ['y', 'x']],
    ['an error holding "; "', 'image a: one; two', ['image a'], ['one; two']],
    ['a message naming neither', 'something else', ['image a'], [undefined]],
  ])('%s', (_name, message, descriptions, expected) => {
    expect(failuresBySubscription(message, descriptions)).toEqual(expected);
  });
});
