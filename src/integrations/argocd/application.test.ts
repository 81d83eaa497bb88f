import { describe, expect, it } from 'vitest';
import { appHealth, authorizedFor, sourcesOf, type Application } from './application.js';

function app(
  overrides: Partial<Application> = {},
  annotations?: Record<string, string>,
): Application {
  return {
    metadata: {
      name: 'frontend-dev',
      namespace: 'argocd',
      ...(annotations ? { annotations } : {}),
    },
    spec: { source: { repoURL: 'https://git.example/app.git', targetRevision: 'main' } },
    ...overrides,
  };
}

function withStatus(status: NonNullable<Application['status']>, extra: Partial<Application> = {}) {
  return app({ status, ...extra });
}

describe('sourcesOf', () => {
  it.each([
    ['a single source', app(), ['main']],
    [
      'sources, ignoring source',
      app({
        spec: {
          source: { targetRevision: 'ignored' },
          sources: [{ targetRevision: 'a' }, { targetRevision: 'b' }],
        },
      }),
      ['a', 'b'],
    ],
    [
      'an empty sources list falls back to source',
      app({ spec: { source: { targetRevision: 's' }, sources: [] } }),
      ['s'],
    ],
    ['no source at all', app({ spec: {} }), []],
  ])('%s', (_, input, revisions) => {
    expect(sourcesOf(input).map((s) => s.targetRevision)).toEqual(revisions);
  });
});

describe('appHealth', () => {
  const synced = (revision: string, health: string) =>
    withStatus({ sync: { status: 'Synced', revision }, health: { status: health } });

  it.each<[string, Application, string[] | undefined, ReturnType<typeof appHealth>]>([
    [
      'healthy, no desired revision',
      synced('abc', 'Healthy'),
      undefined,
      { status: 'Healthy', issues: [] },
    ],
    [
      'healthy but OutOfSync (drift)',
      withStatus({ sync: { status: 'OutOfSync', revision: 'abc' }, health: { status: 'Healthy' } }),
      ['abc'],
      { status: 'Unknown', issues: ['Application argocd/frontend-dev is Healthy but OutOfSync'] },
    ],
    [
      'healthy at the desired revision',
      synced('abc', 'Healthy'),
      ['abc'],
      { status: 'Healthy', issues: [] },
    ],
    [
      'an operation requested',
      app({ operation: { sync: { revision: 'abc' } }, status: { health: { status: 'Healthy' } } }),
      ['abc'],
      {
        status: 'Unknown',
        issues: ['Application argocd/frontend-dev has a sync operation in progress'],
      },
    ],
    [
      'an operation running',
      withStatus({ operationState: { phase: 'Running' }, health: { status: 'Healthy' } }),
      undefined,
      {
        status: 'Unknown',
        issues: ['Application argocd/frontend-dev has a sync operation in progress'],
      },
    ],
    [
      'synced to another revision',
      synced('old', 'Healthy'),
      ['new'],
      {
        status: 'Unhealthy',
        issues: ['Application argocd/frontend-dev is synced to revision old, want new'],
      },
    ],
    [
      'never synced',
      withStatus({ health: { status: 'Healthy' } }),
      ['new'],
      {
        status: 'Unhealthy',
        issues: ['Application argocd/frontend-dev is not synced to any revision, want new'],
      },
    ],
    [
      'multi-source compared index by index; empty desired means any',
      app({
        spec: { sources: [{}, {}, {}] },
        status: { sync: { revisions: ['a', 'x', 'c'] }, health: { status: 'Healthy' } },
      }),
      ['a', 'b', ''],
      {
        status: 'Unhealthy',
        issues: ['Application argocd/frontend-dev is synced to revision x (source 1), want b'],
      },
    ],
    [
      'Progressing',
      synced('abc', 'Progressing'),
      ['abc'],
      { status: 'Progressing', issues: ['Application argocd/frontend-dev is Progressing'] },
    ],
    [
      'Suspended counts as Progressing',
      synced('abc', 'Suspended'),
      undefined,
      { status: 'Progressing', issues: ['Application argocd/frontend-dev is Suspended'] },
    ],
    [
      'no health yet',
      withStatus({ sync: { revision: 'abc' } }),
      undefined,
      {
        status: 'Progressing',
        issues: ['Application argocd/frontend-dev has no health status yet'],
      },
    ],
    [
      'Degraded, with Argo CD message',
      withStatus({
        health: { status: 'Degraded', message: 'Deployment exceeded its progress deadline' },
      }),
      undefined,
      {
        status: 'Unhealthy',
        issues: [
          'Application argocd/frontend-dev is Degraded: Deployment exceeded its progress deadline',
        ],
      },
    ],
    [
      'Missing',
      synced('abc', 'Missing'),
      undefined,
      { status: 'Unhealthy', issues: ['Application argocd/frontend-dev is Missing'] },
    ],
    [
      'Unknown or custom',
      synced('abc', 'Unknown'),
      undefined,
      { status: 'Unhealthy', issues: ['Application argocd/frontend-dev is Unknown'] },
    ],
  ])('%s', (_, input, desired, expected) => {
    expect(appHealth(input, desired)).toEqual(expected);
  });
});

describe('authorizedFor', () => {
  const key = 'kargo.akuity.io/authorized-stage';
  it.each<[string, Record<string, string> | undefined, boolean, string?]>([
    ['exact match', { [key]: 'shop:dev' }, true],
    ['one of a comma-separated list', { [key]: 'shop:test,shop:dev' }, true],
    ['spaces around entries are trimmed', { [key]: ' shop:test ,  shop:dev ' }, true],
    [
      'no annotation',
      undefined,
      false,
      'Application argocd/frontend-dev is not authorized for Stage shop:dev (it has no kargo.akuity.io/authorized-stage annotation)',
    ],
    [
      'another stage',
      { [key]: 'shop:prod' },
      false,
      'Application argocd/frontend-dev is not authorized for Stage shop:dev (its kargo.akuity.io/authorized-stage annotation says "shop:prod")',
    ],
    [
      'another project',
      { [key]: 'other:dev' },
      false,
      'Application argocd/frontend-dev is not authorized for Stage shop:dev (its kargo.akuity.io/authorized-stage annotation says "other:dev")',
    ],
    [
      'globs are not supported',
      { [key]: 'shop:*' },
      false,
      'Application argocd/frontend-dev is not authorized for Stage shop:dev (unable to parse its kargo.akuity.io/authorized-stage annotation "shop:*": invalid authorized Stage "shop:*": deprecated glob expressions are no longer supported)',
    ],
    [
      'a prefix is not a match',
      { [key]: 'shop:dev-2' },
      false,
      'Application argocd/frontend-dev is not authorized for Stage shop:dev (its kargo.akuity.io/authorized-stage annotation says "shop:dev-2")',
    ],
  ])('%s', (_, annotations, authorized, message) => {
    const result = authorizedFor(app({}, annotations), 'shop', 'dev');
    expect(result).toEqual(authorized ? { authorized: true } : { authorized: false, message });
  });
});
