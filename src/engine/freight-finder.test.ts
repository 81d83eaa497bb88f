import { describe, expect, it } from 'vitest';
import type { FreightReference } from '../api/common.js';
import type { Subscription } from '../api/warehouse.js';
import { evaluate } from '../expr/evaluator.js';
import { standardFunctions } from '../expr/functions/index.js';
import { parse } from '../expr/parser.js';
import { promotionFunctions } from './promotion-functions.js';

/**
 * What Kargo's finder tests (./compat/kargo-finder.cases.ts) leave out, read from finder.go:
 * how URLs are compared, chartFrom() without a chart name, the order requests are read in,
 * artifactFrom()'s wording, and a generic subscription named inside its body.
 */
const warehouses: Record<string, Subscription[]> = {
  api: [
    { image: { repoURL: 'docker.io/library/nginx' } },
    { git: { repoURL: 'https://github.com/Acme/Config.git/' } },
    { chart: { repoURL: 'oci://ghcr.io/acme/charts/api' } },
    { 'fake-type': { name: 'inner-name' } },
  ],
  web: [{ name: 'bundle', 'fake-type': {} }],
};

const freight: FreightReference[] = [
  {
    origin: { kind: 'Warehouse', name: 'api' },
    images: [{ repoURL: 'docker.io/library/nginx', tag: '1.27.0' }],
    commits: [{ repoURL: 'https://github.com/acme/config', id: 'abc123' }],
    charts: [{ repoURL: 'oci://ghcr.io/acme/charts/api', version: '0.3.0' }],
    artifacts: [{ subscriptionName: 'inner-name', version: 'v1' }],
  },
  {
    origin: { kind: 'Warehouse', name: 'web' },
    artifacts: [{ subscriptionName: 'bundle', version: 'v2' }],
  },
];

function run(source: string, requested = ['api', 'web']): unknown {
  return evaluate(parse(source), {
    variables: {},
    functions: {
      ...standardFunctions,
      ...promotionFunctions({
        freight,
        lookups: { freightMetadata: {}, stageMetadata: {}, warehouses },
        project: 'shop',
        freightRequests: requested.map((name) => ({ origin: { kind: 'Warehouse', name } })),
        steps: () => [],
      }),
    },
  });
}

describe('finding artifacts without warehouse(), as Kargo', () => {
  it.each([
    // Images: the URL as the subscription and the Freight write it, not normalized.
    ['imageFrom("docker.io/library/nginx").Tag', '1.27.0'],
    ['imageFrom("nginx")', null],
    // Git: normalized on every side (case, trailing slash, .git).
    ['commitFrom("https://github.com/acme/config").ID', 'abc123'],
    ['commitFrom("https://GITHUB.com/acme/config.git").ID', 'abc123'],
    // Charts: an OCI chart has no name; chartFrom(url) asks for the empty one.
    ['chartFrom("oci://ghcr.io/acme/charts/api").Version', '0.3.0'],
    // Generic subscriptions by name, also a name written inside the subscription.
    ['artifactFrom("bundle").Version', 'v2'],
    ['artifactFrom("inner-name").Version', 'v1'],
    ['artifactFrom("nope")', null],
    // With an origin, only that origin's Freight, and no Warehouse is read.
    ['imageFrom("docker.io/library/nginx", warehouse("web"))', null],
    ['chartFrom("oci://ghcr.io/acme/charts/web", warehouse("api"))', null],
  ])('%s is %j', (source, want) => {
    expect(run(source)).toStrictEqual(want);
  });

  it.each([
    [
      'chartFrom("oci://ghcr.io/acme/charts/web")',
      'chart from repo oci://ghcr.io/acme/charts/web not found in referenced Freight',
    ],
    [
      'chartFrom("https://charts.example.com", "api")',
      'chart "api" from repo https://charts.example.com not found in referenced Freight',
    ],
  ])('%s fails: %s', (source, error) => {
    expect(() => run(source)).toThrow(error);
  });

  it('reads every requested Warehouse, even after the one that matched', () => {
    expect(() => run('imageFrom("docker.io/library/nginx")', ['api', 'gone'])).toThrow(
      'Warehouse "gone" not found in namespace "shop"',
    );
    expect(run('imageFrom("docker.io/library/nginx", warehouse("api")).Tag', ['gone'])).toBe(
      '1.27.0',
    );
  });

  it("says which subscription artifactFrom() was looking for, in Kargo's words", () => {
    expect(() => run('artifactFrom("bundle")', ['web', 'web'])).toThrow(
      'error finding artifact from subscription bundle: multiple requested Freight could potentially provide a "bundle" artifact; please update promotion steps to disambiguate',
    );
    expect(() => run('commitFrom("https://github.com/acme/config.git")', ['api', 'api'])).toThrow(
      'multiple requested Freight could potentially provide a commit from repo https://github.com/acme/config; please update promotion steps to disambiguate',
    );
  });
});
