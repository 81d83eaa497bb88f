/**
 * Kargo's freight finder tests, pkg/controller/freight/finder_test.go at the mirror's HEAD
 * (Kargo v1.12), translated row by row: every test function, every row. Upstream calls
 * FindCommit, FindImage, FindChart and FindArtifact directly, which Kargo's commitFrom(),
 * imageFrom(), chartFrom() and artifactFrom() call with their arguments; here each row calls
 * the expression function with the same arguments (the desired origin as `warehouse()`'s
 * value), the Stage's requested origins as `freightRequests`, its namespace as `project`, and
 * the fake client's Warehouses as objects in Gantry's shape (`spec.subscriptions`).
 *
 * Translation notes:
 * - A Stage left empty upstream (`&kargoapi.Stage{}`) has namespace "" and requests nothing.
 * - "Warehouse not found" rows assert that the error contains `Warehouse` and `not found in
 *   namespace`; the expected text here is Kargo's whole message, which contains both.
 * - Upstream's artifacts have no version; Gantry's Freight type requires the field, so they
 *   carry Go's zero value "".
 * - TestHasAmbiguousImageRequest checks a helper of Kargo's kustomize-set-image step, not an
 *   expression function: its rows are kept, skipped with the reason.
 */
import { KARGO_API_VERSION } from '../../api/api-versions.js';
import type { FreightReference } from '../../api/common.js';
import type { Resource } from '../../api/resource.js';
import { freightOrigin } from '../../expr/functions/go-struct.js';
import type { KargoFunctionCase } from './kargo-function-case.js';

const FILE = 'pkg/controller/freight/finder_test.go';
const NAMESPACE = 'test-namespace';
const REPO = 'fake-repo-url';
const CHART = 'fake-chart';
const SUB = 'fake-sub';

const origin1 = { kind: 'Warehouse' as const, name: 'test-warehouse' };
const origin2 = { kind: 'Warehouse' as const, name: 'some-other-warehouse' };
/** A desired origin, as warehouse("…") gives it to the function. */
const desired1 = freightOrigin('Warehouse', origin1.name);

const warehouse = (name: string, subscription: Record<string, unknown>): Resource => ({
  apiVersion: KARGO_API_VERSION,
  kind: 'Warehouse',
  metadata: { name, namespace: NAMESPACE },
  spec: { subscriptions: [subscription] },
});

const warehouseNotFound = `Warehouse "${origin1.name}" not found in namespace ""`;
const ambiguous = 'multiple requested Freight could potentially provide';

type Row = Omit<KargoFunctionCase, 'upstream' | 'functions' | 'call' | 'args'> & {
  name: string;
  /** The desired origin (FindX's desiredOrigin); none when absent. */
  origin?: typeof desired1;
};

function rows(test: string, call: string, args: unknown[], cases: Row[]): KargoFunctionCase[] {
  return cases.map(({ name, origin, ...rest }) => ({
    upstream: `${FILE} ${test} ${name}`,
    functions: 'promotion',
    call,
    args: origin ? [...args, origin] : args,
    ...rest,
  }));
}

/**
 * The six rows FindCommit, FindImage, FindChart and FindArtifact share: `item1`/`item2` are
 * the test's two artifacts, `put` puts artifacts in a FreightReference, `subscription` is the
 * Warehouses' subscription to the artifact and `other` one to something else.
 */
function finderRows(spec: {
  put: (items: unknown[]) => Omit<FreightReference, 'origin'>;
  item1: unknown;
  item2: unknown;
  found: KargoFunctionCase['wantStruct'];
  subscription: Record<string, unknown>;
  other: Record<string, unknown>;
  notFound: string;
  /** What the row "cannot be inferred" expects: nil, or FindChart's NotFoundError. */
  notInferred: Pick<KargoFunctionCase, 'want' | 'error'>;
}): Row[] {
  const ref = (origin: typeof origin1, item: unknown): FreightReference => ({
    origin,
    ...spec.put([item]),
  });
  return [
    {
      name: `desired origin specified, but ${spec.notFound} not found`,
      project: '',
      origin: desired1,
      freight: [ref(origin2, spec.item2)],
      want: null,
    },
    {
      name: `desired origin specified and ${spec.notFound} is found`,
      project: '',
      origin: desired1,
      freight: [ref(origin1, spec.item1), ref(origin2, spec.item2)],
      wantStruct: spec.found,
    },
    {
      name: 'desired origin not specified and warehouse not found',
      project: '',
      freightRequests: [origin1],
      error: warehouseNotFound,
    },
    {
      name: 'desired origin not specified and cannot be inferred',
      project: NAMESPACE,
      objects: [warehouse(origin1.name, spec.other)],
      freightRequests: [origin1],
      ...spec.notInferred,
    },
    {
      name: 'desired origin not specified and more than one possible origin found',
      project: NAMESPACE,
      objects: [
        warehouse(origin1.name, spec.subscription),
        warehouse(origin2.name, spec.subscription),
      ],
      freightRequests: [origin1, origin2],
      error: ambiguous,
    },
    {
      name: 'desired origin not specified and successfully inferred',
      project: NAMESPACE,
      objects: [warehouse(origin1.name, spec.subscription)],
      freightRequests: [origin1],
      freight: [ref(origin1, spec.item1), ref(origin2, spec.item1)],
      wantStruct: spec.found,
    },
  ];
}

export const kargoFinderCases: KargoFunctionCase[] = [
  ...rows(
    'TestFindCommit',
    'commitFrom',
    [REPO],
    finderRows({
      put: (commits) => ({ commits: commits as FreightReference['commits'] }),
      item1: { repoURL: REPO, id: 'fake-commit-1' },
      item2: { repoURL: REPO, id: 'fake-commit-2' },
      found: { type: '*v1alpha1.GitCommit', fields: { RepoURL: REPO, ID: 'fake-commit-1' } },
      subscription: { git: { repoURL: REPO } },
      other: { git: { repoURL: 'not-the-right-repo' } },
      notFound: 'commit',
      notInferred: { want: null },
    }),
  ),

  ...rows(
    'TestFindImage',
    'imageFrom',
    [REPO],
    finderRows({
      put: (images) => ({ images: images as FreightReference['images'] }),
      item1: { repoURL: REPO, tag: 'fake-tag-1' },
      item2: { repoURL: REPO, tag: 'fake-tag-2' },
      found: { type: '*v1alpha1.Image', fields: { RepoURL: REPO, Tag: 'fake-tag-1' } },
      subscription: { image: { repoURL: REPO } },
      other: { image: { repoURL: 'not-the-right-repo' } },
      notFound: 'image',
      notInferred: { want: null },
    }),
  ),

  ...['no ambiguous image request', 'ambiguous image request', 'origin not found'].map(
    (name): KargoFunctionCase => ({
      upstream: `${FILE} TestHasAmbiguousImageRequest ${name}`,
      functions: 'promotion',
      call: 'kustomize-set-image',
      args: [],
      want: null,
      skip: "tests a helper of Kargo's kustomize-set-image step (no images given: refuse when two requested Warehouses subscribe to one image repository), not an expression function",
    }),
  ),

  ...rows(
    'TestFindChart',
    'chartFrom',
    [REPO, CHART],
    finderRows({
      put: (charts) => ({ charts: charts as FreightReference['charts'] }),
      item1: { repoURL: REPO, name: CHART, version: 'fake-version-1' },
      item2: { repoURL: REPO, name: CHART, version: 'fake-version-2' },
      found: {
        type: '*v1alpha1.Chart',
        fields: { RepoURL: REPO, Name: CHART, Version: 'fake-version-1' },
      },
      subscription: { chart: { repoURL: REPO, name: CHART } },
      other: { chart: { repoURL: 'not-the-right-repo', name: 'not-the-right-chart' } },
      notFound: 'chart',
      notInferred: { error: 'not found in referenced Freight' },
    }),
  ),

  ...rows(
    'TestFindArtifact',
    'artifactFrom',
    [SUB],
    finderRows({
      put: (artifacts) => ({ artifacts: artifacts as FreightReference['artifacts'] }),
      item1: { subscriptionName: SUB, version: '' },
      item2: { subscriptionName: SUB, version: '' },
      found: {
        type: 'function.expressionFriendlyArtifactReference',
        fields: { SubscriptionName: SUB },
      },
      subscription: { name: SUB, 'fake-type': {} },
      other: { git: { repoURL: 'not-the-right-repo' } },
      notFound: 'artifact',
      notInferred: { want: null },
    }),
  ),
];
