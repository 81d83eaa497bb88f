/**
 * Kargo's expression-function tests, pkg/expressions/function/functions_test.go at the mirror's
 * HEAD (Kargo v1.12), translated row by row: every test function, every row. Upstream calls
 * each Go function directly with a slice of arguments, after building fake Kubernetes objects
 * (Freight, Stage, Secret, ConfigMap, Warehouse); here those objects are written in Gantry's
 * shapes (what the store holds), the arguments as expression values, and upstream's assertions
 * as expectations: an exact result, the fields of a struct result, or the text of the error.
 *
 * Translation notes:
 * - The `get*FromFreight` rows give the Stage's requested origins (`freightRequests`) and the
 *   fake Warehouses (`objects`) as upstream does: without warehouse(), the function finds the
 *   requested origin whose Warehouse subscribes to the artifact (Kargo's freight finder).
 * - `getSecret(..., hasDirectAccess=false)` is what Kargo's `sharedSecret()` runs: those rows
 *   call sharedSecret() with the Secret in the shared resources project.
 * - Rows that exercise Kargo's cache (a go-cache shared within a step) assert the result; rows
 *   that need a pre-filled cache are skipped: Gantry reads project data once per step instead.
 * - Test_getRepoCredentials comes from the branch feat/repo-credentials-expr-fn (commit
 *   53bc65a73, not merged into HEAD); its credentials database is Gantry's credential Secrets.
 */
import { KARGO_API_VERSION } from '../../api/api-versions.js';
import type { Resource } from '../../api/resource.js';
import { SHARED_RESOURCES_PROJECT } from '../../api/shared-resources.js';
import { float } from '../../expr/compat/go-values.js';
import { freightOrigin } from '../../expr/functions/go-struct.js';
import type { KargoFunctionCase } from './kargo-function-case.js';

const FILE = 'pkg/expressions/function/functions_test.go';
const BRANCH = '(branch feat/repo-credentials-expr-fn)';
const PROJECT = 'fake-project';

const warehouseOrigin = (name: string) => freightOrigin('Warehouse', name);
/** Go's zero `kargoapi.FreightOrigin{}`. */
const zeroOrigin = freightOrigin('', '');
const fakeOrigin = { kind: 'Warehouse' as const, name: 'fake-warehouse' };
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

const warehouse = (subscriptions: unknown[]): Resource => ({
  apiVersion: KARGO_API_VERSION,
  kind: 'Warehouse',
  metadata: { name: 'fake-warehouse', namespace: PROJECT },
  spec: { subscriptions },
});

const secret = (
  name: string,
  data: Record<string, string>,
  options: { namespace?: string; labels?: Record<string, string> } = {},
): Resource => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name,
    namespace: options.namespace ?? PROJECT,
    ...(options.labels ? { labels: options.labels } : {}),
  },
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, base64(v)])),
});

const configMap = (name: string, data: Record<string, string>): Resource => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: PROJECT },
  data,
});

const freight = (name: string, status: Record<string, unknown>): Resource => ({
  apiVersion: KARGO_API_VERSION,
  kind: 'Freight',
  metadata: { name, namespace: PROJECT },
  origin: fakeOrigin,
  status,
});

const stage = (name: string, status: Record<string, unknown>): Resource => ({
  apiVersion: KARGO_API_VERSION,
  kind: 'Stage',
  metadata: { name, namespace: PROJECT },
  spec: {},
  status,
});

const GENERIC = { 'kargo.akuity.io/cred-type': 'generic' };

/** A credentials Secret for the repository the repoCredentials rows ask about. */
const repoCredentialsSecret = (data: Record<string, string>) =>
  secret(
    'repo-creds',
    { repoURL: 'https://github.com/example/repo.git', ...data },
    { labels: { 'kargo.akuity.io/cred-type': 'git' } },
  );

const deploymentConfig = '{"deployment-id":"abc123","environment":"staging"}';

function rows(
  test: string,
  functions: KargoFunctionCase['functions'],
  call: string,
  cases: Array<Omit<KargoFunctionCase, 'upstream' | 'functions' | 'call'> & { name: string }>,
  suffix = '',
): KargoFunctionCase[] {
  return cases.map(({ name, ...rest }) => ({
    upstream: `${FILE} ${test} ${name}${suffix ? ` ${suffix}` : ''}`,
    functions,
    call,
    ...rest,
  }));
}

export const kargoFunctionCases: KargoFunctionCase[] = [
  ...rows('Test_warehouse', 'standard', 'warehouse', [
    {
      name: 'valid warehouse name',
      args: ['test-warehouse'],
      wantStruct: {
        type: 'v1alpha1.FreightOrigin',
        fields: { Kind: 'Warehouse', Name: 'test-warehouse' },
      },
    },
    { name: 'no arguments', args: [], error: 'expected 1 argument' },
    { name: 'too many arguments', args: ['test-warehouse', 'extra'], error: 'expected 1 argument' },
    { name: 'invalid argument type', args: [123], error: 'argument must be string' },
    { name: 'empty string name', args: [''], error: 'name must not be empty' },
  ]),

  ...rows('Test_getCommitFromFreight', 'promotion', 'commitFrom', [
    {
      name: 'repo URL only',
      objects: [warehouse([{ git: { repoURL: 'https://github.com/example/repo' } }])],
      freightRequests: [fakeOrigin],
      freight: [
        {
          origin: fakeOrigin,
          commits: [{ repoURL: 'https://github.com/example/repo', id: 'abc123' }],
        },
      ],
      args: ['https://github.com/example/repo'],
      wantStruct: {
        type: '*v1alpha1.GitCommit',
        fields: { RepoURL: 'https://github.com/example/repo', ID: 'abc123' },
      },
    },
    {
      name: 'repo URL and origin',
      freightRequests: [fakeOrigin],
      freight: [
        {
          origin: fakeOrigin,
          commits: [{ repoURL: 'https://github.com/example/repo', id: 'def456' }],
        },
      ],
      args: ['https://github.com/example/repo', warehouseOrigin('fake-warehouse')],
      wantStruct: {
        type: '*v1alpha1.GitCommit',
        fields: { RepoURL: 'https://github.com/example/repo', ID: 'def456' },
      },
    },
    { name: 'no arguments', args: [], error: 'expected 1-2 arguments' },
    {
      name: 'too many arguments',
      args: ['https://github.com/example/repo', zeroOrigin, 'extra'],
      error: 'expected 1-2 arguments',
    },
    { name: 'invalid first argument type', args: [123], error: 'first argument must be string' },
    {
      name: 'invalid second argument type',
      args: ['https://github.com/example/repo', 'invalid'],
      error: 'second argument must be FreightOrigin',
    },
  ]),

  ...rows('Test_getCommitFromDiscoveredArtifacts', 'discovered', 'commitFrom', [
    { name: 'wrong number of args', args: ['one', 'two'], error: 'expected 1 argument, got 2' },
    { name: 'invalid arg type', args: [1], error: 'first argument must be string, got int' },
    {
      name: 'success',
      discovered: {
        git: [
          {
            repoURL: 'https://example.com/repo.git',
            commits: [
              { tag: 'def456', creatorDate: '2023-09-17T02:00:00Z' },
              { tag: 'abc123', creatorDate: '2023-09-17T01:00:00Z' },
            ],
          },
        ],
      },
      args: ['https://example.com/repo.git'],
      wantStruct: { type: 'v1alpha1.DiscoveredCommit', fields: { Tag: 'def456' } },
    },
    { name: 'nil artifacts', args: ['https://example.com/repo.git'], want: null },
    {
      name: 'no commits found',
      discovered: {},
      args: ['https://example.com/repo.git'],
      want: null,
    },
  ]),

  ...rows('Test_getImageFromFreight', 'promotion', 'imageFrom', [
    {
      name: 'repo URL only',
      objects: [warehouse([{ image: { repoURL: 'registry.example.com/app' } }])],
      freightRequests: [fakeOrigin],
      freight: [{ origin: fakeOrigin, images: [{ repoURL: 'registry.example.com/app' }] }],
      args: ['registry.example.com/app'],
      wantStruct: { type: '*v1alpha1.Image', fields: { RepoURL: 'registry.example.com/app' } },
    },
    {
      name: 'repo URL and origin',
      freightRequests: [fakeOrigin],
      freight: [{ origin: fakeOrigin, images: [{ repoURL: 'registry.example.com/app' }] }],
      args: ['registry.example.com/app', warehouseOrigin('fake-warehouse')],
      wantStruct: { type: '*v1alpha1.Image', fields: { RepoURL: 'registry.example.com/app' } },
    },
    { name: 'no arguments', args: [], error: 'expected 1-2 arguments' },
    {
      name: 'too many arguments',
      args: ['registry.example.com/app', zeroOrigin, 'extra'],
      error: 'expected 1-2 arguments',
    },
    { name: 'invalid first argument type', args: [123], error: 'first argument must be string' },
    {
      name: 'invalid second argument type',
      args: ['registry.example.com/app', 'invalid'],
      error: 'second argument must be FreightOrigin',
    },
  ]),

  ...rows('Test_getImageFromDiscoveredArtifacts', 'discovered', 'imageFrom', [
    { name: 'wrong number of args', args: ['one', 'two'], error: 'expected 1 argument, got 2' },
    { name: 'invalid arg type', args: [1], error: 'first argument must be string, got int' },
    {
      name: 'success',
      discovered: {
        images: [
          {
            repoURL: 'docker.io/example/repo',
            references: [{ tag: 'v1.0.0' }, { tag: 'v1.1.0' }],
          },
        ],
      },
      args: ['docker.io/example/repo'],
      wantStruct: { type: 'v1alpha1.DiscoveredImageReference', fields: { Tag: 'v1.0.0' } },
    },
    { name: 'nil artifacts', args: ['docker.io/example/repo'], want: null },
    { name: 'no images found', discovered: {}, args: ['docker.io/example/repo'], want: null },
  ]),

  ...rows('Test_getChartFromFreight', 'promotion', 'chartFrom', [
    {
      name: 'repo URL only',
      objects: [warehouse([{ chart: { repoURL: 'oci://registry.example.com/chart' } }])],
      freightRequests: [fakeOrigin],
      freight: [{ origin: fakeOrigin, charts: [{ repoURL: 'oci://registry.example.com/chart' }] }],
      args: ['oci://registry.example.com/chart'],
      wantStruct: {
        type: '*v1alpha1.Chart',
        fields: { RepoURL: 'oci://registry.example.com/chart' },
      },
    },
    {
      name: 'repo URL and chart name',
      objects: [
        warehouse([{ chart: { repoURL: 'https://charts.example.com', name: 'fake-chart' } }]),
      ],
      freightRequests: [fakeOrigin],
      freight: [
        {
          origin: fakeOrigin,
          charts: [{ repoURL: 'https://charts.example.com', name: 'fake-chart' }],
        },
      ],
      args: ['https://charts.example.com', 'fake-chart'],
      wantStruct: {
        type: '*v1alpha1.Chart',
        fields: { RepoURL: 'https://charts.example.com', Name: 'fake-chart' },
      },
    },
    {
      name: 'repo URL and origin',
      freightRequests: [fakeOrigin],
      freight: [{ origin: fakeOrigin, charts: [{ repoURL: 'oci://registry.example.com/chart' }] }],
      args: ['oci://registry.example.com/chart', warehouseOrigin('fake-warehouse')],
      wantStruct: {
        type: '*v1alpha1.Chart',
        fields: { RepoURL: 'oci://registry.example.com/chart' },
      },
    },
    {
      name: 'repo URL, chart name, and origin',
      freightRequests: [fakeOrigin],
      freight: [
        {
          origin: fakeOrigin,
          charts: [{ repoURL: 'https://charts.example.com', name: 'fake-chart' }],
        },
      ],
      args: ['https://charts.example.com', 'fake-chart', warehouseOrigin('fake-warehouse')],
      wantStruct: {
        type: '*v1alpha1.Chart',
        fields: { RepoURL: 'https://charts.example.com', Name: 'fake-chart' },
      },
    },
    { name: 'no arguments', args: [], error: 'expected 1-3 arguments' },
    {
      name: 'too many arguments',
      args: ['url', 'name', zeroOrigin, 'extra'],
      error: 'expected 1-3 arguments',
    },
    { name: 'invalid first argument type', args: [123], error: 'first argument must be string' },
    {
      name: 'invalid second argument type',
      args: ['https://charts.example.com', 123],
      error: 'second argument must be string or FreightOrigin',
    },
    {
      name: 'invalid third argument with string second argument',
      args: ['https://charts.example.com', 'fake-chart', 'invalid'],
      error: 'third argument must be FreightOrigin',
    },
    {
      name: 'invalid third argument with origin second argument',
      args: ['https://charts.example.com', zeroOrigin, 'invalid'],
      error: 'when using three arguments, second argument must be string',
    },
  ]),

  ...rows('Test_getChartFromDiscoveredArtifacts', 'discovered', 'chartFrom', [
    { name: 'wrong number of args', args: [], error: 'expected 1-2 arguments, got 0' },
    { name: '1st arg type invalid', args: [1], error: 'first argument must be string, got int' },
    {
      name: '2nd arg type invalid',
      args: ['oci://ghcr.io/akuity/kargo-charts/kargo', 2],
      error: 'second argument must be string, got int',
    },
    {
      name: 'success with repo URL only',
      discovered: {
        charts: [
          {
            repoURL: 'oci://ghcr.io/other/chart-repo',
            versions: ['v1.0.0', 'v1.1.0', 'v2.0.0'],
          },
          {
            repoURL: 'oci://ghcr.io/akuity/kargo-charts/kargo',
            versions: ['v2.3.0', 'v2.2.0', 'v2.1.0'],
          },
        ],
      },
      args: ['oci://ghcr.io/akuity/kargo-charts/kargo'],
      wantStruct: { type: 'v1alpha1.Chart', fields: { Version: 'v2.3.0' } },
    },
    {
      name: 'success with repo URL and name',
      discovered: {
        charts: [
          {
            name: 'other-chart',
            repoURL: 'oci://ghcr.io/other/chart-repo',
            versions: ['v1.0.0', 'v1.1.0', 'v2.0.0'],
          },
          {
            name: 'kargo',
            repoURL: 'https://charts.example.com',
            versions: ['v2.3.0', 'v2.2.0', 'v2.1.0'],
          },
        ],
      },
      args: ['https://charts.example.com', 'kargo'],
      wantStruct: { type: 'v1alpha1.Chart', fields: { Version: 'v2.3.0' } },
    },
    { name: 'nil artifacts', args: ['oci://ghcr.io/akuity/kargo-charts/kargo'], want: null },
    {
      name: 'no charts found',
      discovered: {},
      args: ['oci://ghcr.io/akuity/kargo-charts/kargo'],
      want: null,
    },
  ]),

  ...rows('Test_getArtifactFromFreight', 'promotion', 'artifactFrom', [
    {
      name: 'subscription name only',
      objects: [warehouse([{ name: 'fake-sub', 'fake-type': {} }])],
      freightRequests: [fakeOrigin],
      freight: [
        {
          origin: fakeOrigin,
          artifacts: [{ subscriptionName: 'fake-sub', version: 'fake-version' }],
        },
      ],
      args: ['fake-sub'],
      wantStruct: {
        type: 'function.expressionFriendlyArtifactReference',
        fields: { SubscriptionName: 'fake-sub', Version: 'fake-version' },
      },
    },
    {
      name: 'subscription name and origin',
      freightRequests: [fakeOrigin],
      freight: [
        {
          origin: fakeOrigin,
          artifacts: [{ subscriptionName: 'fake-sub', version: 'fake-version' }],
        },
      ],
      args: ['fake-sub', warehouseOrigin('fake-warehouse')],
      wantStruct: {
        type: 'function.expressionFriendlyArtifactReference',
        fields: { SubscriptionName: 'fake-sub', Version: 'fake-version' },
      },
    },
    { name: 'no arguments', args: [], error: 'expected 1-2 arguments' },
    {
      name: 'too many arguments',
      args: ['fake-sub', zeroOrigin, 'extra'],
      error: 'expected 1-2 arguments',
    },
    { name: 'invalid first argument type', args: [123], error: 'first argument must be string' },
    {
      name: 'invalid second argument type',
      args: ['fake-sub', 'invalid'],
      error: 'second argument must be FreightOrigin',
    },
    // No Freight requested or referenced: nothing to find, and no error.
    { name: 'success', args: ['fake-sub'], want: null },
  ]),

  ...rows('Test_getArtifactFromDiscoveredArtifacts', 'discovered', 'artifactFrom', [
    { name: 'wrong number of args', args: ['one', 'two'], error: 'expected 1 argument, got 2' },
    { name: 'invalid arg type', args: [1], error: 'first argument must be string, got int' },
    {
      name: 'success',
      discovered: {
        results: [
          {
            name: 'fake-sub',
            artifactReferences: [{ version: 'v1.0.0' }, { version: 'v1.1.0' }],
          },
        ],
      },
      args: ['fake-sub'],
      wantStruct: {
        type: 'function.expressionFriendlyArtifactReference',
        fields: { Version: 'v1.0.0' },
      },
    },
    { name: 'artifacts nil', args: ['fake-sub'], want: null },
    {
      name: 'requested artifact not found',
      discovered: {
        results: [
          {
            name: 'fake-sub',
            artifactReferences: [{ version: 'v1.0.0' }, { version: 'v1.1.0' }],
          },
        ],
      },
      args: ['wrong-sub'],
      want: null,
    },
  ]),

  ...rows('Test_getConfigMap', 'promotion', 'configMap', [
    { name: 'no arguments', args: [], error: 'expected 1 argument' },
    { name: 'too many arguments', args: ['fake-configmap', 'extra'], error: 'expected 1 argument' },
    { name: 'invalid argument type', args: [123], error: 'argument must be string' },
    { name: 'ConfigMap not found', args: ['fake-configmap'], want: {} },
    {
      name: 'success',
      objects: [configMap('fake-configmap', { foo: 'bar' })],
      args: ['fake-configmap'],
      want: { foo: 'bar' },
    },
    {
      name: 'success with cache',
      objects: [configMap('fake-configmap', { foo: 'bar' })],
      args: ['fake-configmap'],
      want: { foo: 'bar' },
    },
    {
      name: 'success from cache',
      objects: [configMap('fake-configmap', { foo: 'baz' })],
      args: ['fake-configmap'],
      want: { foo: 'bar' },
      skip: 'needs a pre-filled go-cache; Gantry has no cache across reads: it reads project data once per step',
    },
  ]),

  ...rows('Test_getSecret', 'promotion', 'secret', [
    { name: 'no arguments', args: [], error: 'expected 1 argument' },
    { name: 'too many arguments', args: ['fake-secret', 'extra'], error: 'expected 1 argument' },
    { name: 'invalid argument type', args: [123], error: 'argument must be string' },
    { name: 'Secret not found', args: ['fake-secret'], want: {} },
    {
      name: 'success',
      objects: [secret('fake-secret', { foo: 'bar' })],
      args: ['fake-secret'],
      want: { foo: 'bar' },
    },
    {
      name: 'success with cache',
      objects: [secret('fake-secret', { foo: 'bar' })],
      args: ['fake-secret'],
      want: { foo: 'bar' },
    },
    {
      name: 'success from cache',
      objects: [secret('fake-secret', { foo: 'baz' })],
      args: ['fake-secret'],
      want: { foo: 'bar' },
      skip: 'needs a pre-filled go-cache; Gantry has no cache across reads: it reads project data once per step',
    },
  ]),
  // hasDirectAccess=false: what sharedSecret() runs, on the shared resources namespace.
  ...rows('Test_getSecret', 'promotion', 'sharedSecret', [
    {
      name: 'success with no direct access but is generic',
      objects: [
        secret(
          'fake-secret',
          { foo: 'bar' },
          { namespace: SHARED_RESOURCES_PROJECT, labels: GENERIC },
        ),
      ],
      args: ['fake-secret'],
      want: { foo: 'bar' },
    },
    {
      name: 'no direct access and not generic returns empty data',
      objects: [secret('fake-secret', { foo: 'bar' }, { namespace: SHARED_RESOURCES_PROJECT })],
      args: ['fake-secret'],
      want: {},
    },
  ]),

  ...rows(
    'Test_getRepoCredentials',
    'promotion',
    'repoCredentials',
    [
      { name: 'no arguments', args: [], error: 'expected 2 arguments' },
      {
        name: 'too many arguments',
        args: ['https://github.com/example/repo.git', 'git', 'extra'],
        error: 'expected 2 arguments',
      },
      {
        name: 'invalid repo URL argument type',
        args: [123, 'git'],
        error: 'first argument must be string',
      },
      {
        name: 'invalid credential type argument type',
        args: ['https://github.com/example/repo.git', 123],
        error: 'second argument must be string',
      },
      {
        name: 'invalid credential type value',
        args: ['https://github.com/example/repo.git', 'bogus'],
        error: 'invalid credential type "bogus"',
      },
      {
        name: 'nil credentials database',
        withoutSecrets: true,
        args: ['https://github.com/example/repo.git', 'git'],
        error: 'repoCredentials is not available',
      },
      {
        name: 'error from credentials database',
        args: ['https://github.com/example/repo.git', 'git'],
        error: 'error getting git credentials',
        skip: 'needs a credentials database that fails; Gantry resolves credentials from Secrets read before the step, which cannot fail there',
      },
      {
        name: 'credentials not found',
        args: ['https://github.com/example/repo.git', 'git'],
        want: {},
      },
      {
        name: 'success with username and password',
        objects: [repoCredentialsSecret({ username: 'user', password: 'token' })],
        args: ['https://github.com/example/repo.git', 'git'],
        want: { username: 'user', password: 'token', sshPrivateKey: '' },
      },
      {
        name: 'success includes SSH private key when set',
        objects: [
          repoCredentialsSecret({
            username: 'user',
            password: 'token',
            sshPrivateKey: 'private-key',
          }),
        ],
        args: ['https://github.com/example/repo.git', 'git'],
        want: { username: 'user', password: 'token', sshPrivateKey: 'private-key' },
      },
      {
        name: 'success with cache',
        objects: [repoCredentialsSecret({ username: 'user', password: 'token' })],
        args: ['https://github.com/example/repo.git', 'git'],
        want: { username: 'user', password: 'token', sshPrivateKey: '' },
      },
      {
        name: 'success from cache',
        args: ['https://github.com/example/repo.git', 'git'],
        want: { username: 'cached-user' },
        skip: 'needs a pre-filled go-cache; Gantry has no cache across reads: it reads project data once per step',
      },
    ],
    BRANCH,
  ),

  // The same name for a ConfigMap and a Secret: each function reads its own kind.
  ...rows(
    'Test_getConfigMap_getSecret_no_cache_key_collision',
    'promotion',
    'configMap',
    [
      {
        name: 'ConfigMap and Secret with identical names',
        objects: [
          configMap('fake-name', { type: 'configmap' }),
          secret('fake-name', { type: 'secret' }),
        ],
        args: ['fake-name'],
        want: { type: 'configmap' },
      },
    ],
    '(configMap)',
  ),
  ...rows(
    'Test_getConfigMap_getSecret_no_cache_key_collision',
    'promotion',
    'secret',
    [
      {
        name: 'ConfigMap and Secret with identical names',
        objects: [
          configMap('fake-name', { type: 'configmap' }),
          secret('fake-name', { type: 'secret' }),
        ],
        args: ['fake-name'],
        want: { type: 'secret' },
      },
    ],
    '(secret)',
  ),

  ...rows('Test_getStatus', 'promotion', 'status', [
    { name: 'no arguments', args: [], error: 'expected 1 argument' },
    { name: 'too many arguments', args: ['one', 'two'], error: 'expected 1 argument' },
    { name: 'one empty argument', args: [''], error: 'must not be empty' },
    {
      name: 'basic usage; no hit',
      currentAlias: 'step-2',
      steps: [{ alias: 'step-1', status: 'Succeeded' }],
      args: ['non-existent-step'],
      want: '',
    },
    {
      name: 'basic usage; hit',
      currentAlias: 'step-2',
      steps: [{ alias: 'step-1', status: 'Succeeded' }],
      args: ['step-1'],
      want: 'Succeeded',
    },
    {
      name: 'used in a task; no alias match',
      currentAlias: 'task-2::step-2',
      steps: [
        { alias: 'step-1', status: 'Succeeded' },
        { alias: 'task-1::step-2', status: 'Succeeded' },
      ],
      args: ['step-1'],
      want: '',
    },
    {
      name: 'used in a task; no namespace match',
      currentAlias: 'task-2::step-2',
      steps: [
        { alias: 'step-1', status: 'Succeeded' },
        { alias: 'task-1::step-2', status: 'Succeeded' },
      ],
      args: ['step-1'],
      want: '',
    },
    {
      name: 'used in a task; hit',
      currentAlias: 'task-2::step-2',
      steps: [{ alias: 'task-2::step-1', status: 'Succeeded' }],
      args: ['step-1'],
      want: 'Succeeded',
    },
  ]),

  ...rows('Test_freightMetadata', 'promotion', 'freightMetadata', [
    { name: 'no arguments', args: [], error: 'expected 1 argument' },
    { name: 'too many arguments', args: ['fake-freight', 'extra'], error: 'expected 1 argument' },
    { name: 'invalid argument type', args: [123], error: 'argument must be string' },
    { name: 'empty freight ref name', args: [''], error: 'freight ref name must not be empty' },
    { name: 'freight not found', args: ['fake-freight'], want: null },
    {
      name: 'freight exists but no metadata',
      objects: [freight('fake-freight', {})],
      args: ['fake-freight'],
      want: null,
    },
    {
      name: 'successful metadata retrieval from string map',
      objects: [
        freight('fake-freight', {
          metadata: {
            'deployment-config': JSON.parse(deploymentConfig) as unknown,
            'build-number': 42,
            issue: '#1234',
          },
        }),
      ],
      args: ['fake-freight'],
      want: {
        'deployment-config': { 'deployment-id': 'abc123', environment: 'staging' },
        'build-number': float(42),
        issue: '#1234',
      },
    },
  ]),

  ...rows('Test_freightStatus', 'promotion', 'freightStatus', [
    { name: 'no arguments', args: [], error: 'expected 1 argument' },
    { name: 'too many arguments', args: ['fake-freight', 'extra'], error: 'expected 1 argument' },
    { name: 'invalid argument type', args: [123], error: 'argument must be string' },
    { name: 'empty freight ref name', args: [''], error: 'freight ref name must not be empty' },
    { name: 'freight not found', args: ['fake-freight'], want: null },
    {
      name: 'freight exists with empty status',
      objects: [freight('fake-freight', {})],
      args: ['fake-freight'],
      want: {},
    },
    {
      name: 'successful status retrieval',
      objects: [
        freight('fake-freight', {
          currentlyIn: { staging: { since: '2026-05-13T14:42:47Z' } },
          approvedFor: { prod: { approvedAt: '2026-07-24T23:11:01Z' } },
          metadata: { 'snow-id': 'c2d4dd08833503d4b6207e95eeaad316' },
        }),
      ],
      args: ['fake-freight'],
      want: {
        currentlyIn: { staging: { since: '2026-05-13T14:42:47Z' } },
        approvedFor: { prod: { approvedAt: '2026-07-24T23:11:01Z' } },
        metadata: { 'snow-id': 'c2d4dd08833503d4b6207e95eeaad316' },
      },
    },
  ]),

  ...rows('Test_stageMetadata', 'promotion', 'stageMetadata', [
    { name: 'no arguments', args: [], error: 'expected 1 argument' },
    { name: 'too many arguments', args: ['fake-stage', 'extra'], error: 'expected 1 argument' },
    { name: 'invalid argument type', args: [123], error: 'argument must be string' },
    { name: 'empty stage name', args: [''], error: 'stage name must not be empty' },
    { name: 'stage not found', args: ['fake-stage'], want: null },
    {
      name: 'stage exists but no metadata',
      objects: [stage('fake-stage', {})],
      args: ['fake-stage'],
      want: null,
    },
    {
      name: 'successful metadata retrieval',
      objects: [
        stage('fake-stage', {
          metadata: { 'deployment-config': JSON.parse(deploymentConfig) as unknown },
        }),
      ],
      args: ['fake-stage'],
      want: { 'deployment-config': { 'deployment-id': 'abc123', environment: 'staging' } },
    },
  ]),

  ...rows('Test_semverDiff', 'standard', 'semverDiff', [
    { name: 'major version difference', args: ['1.1.1', '2.2.2'], want: 'Major' },
    { name: 'minor version difference', args: ['1.1.1', '1.2.2'], want: 'Minor' },
    { name: 'patch version difference', args: ['1.1.1', '1.1.2'], want: 'Patch' },
    { name: 'metadata difference', args: ['1.1.1+build1', '1.1.1+build2'], want: 'Metadata' },
    { name: 'no difference', args: ['1.2.3', '1.2.3'], want: 'None' },
    { name: 'invalid first version', args: ['invalid', '1.0.0'], want: 'Incomparable' },
    { name: 'invalid second version', args: ['1.0.0', 'invalid'], want: 'Incomparable' },
    { name: 'both versions invalid', args: ['invalid1', 'invalid2'], want: 'Incomparable' },
    // Kargo does not compare prereleases.
    { name: 'semver with prerelease', args: ['1.0.0-alpha', '1.0.0-beta'], want: 'None' },
    {
      name: 'complex semver with metadata and prerelease',
      args: ['1.0.0-alpha.1+build.1', '1.0.0-alpha.1+build.2'],
      want: 'Metadata',
    },
    {
      name: 'major difference with prerelease',
      args: ['1.0.0-alpha', '2.0.0-alpha'],
      want: 'Major',
    },
    {
      name: 'minor difference with prerelease',
      args: ['1.1.0-alpha', '1.2.0-alpha'],
      want: 'Minor',
    },
    {
      name: 'patch difference with prerelease',
      args: ['1.1.1-alpha', '1.1.2-alpha'],
      want: 'Patch',
    },
    { name: 'no arguments', args: [], error: 'expected 2 arguments' },
    { name: 'one argument', args: ['1.0.0'], error: 'expected 2 arguments' },
    {
      name: 'too many arguments',
      args: ['1.0.0', '2.0.0', '3.0.0'],
      error: 'expected 2 arguments',
    },
    {
      name: 'invalid first argument type',
      args: [123, '1.0.0'],
      error: 'first argument must be string',
    },
    {
      name: 'invalid second argument type',
      args: ['1.0.0', 123],
      error: 'second argument must be string',
    },
    { name: 'empty version strings', args: ['', ''], want: 'Incomparable' },
    { name: 'loose semver format', args: ['v1.0.0', 'v2.0.0'], want: 'Major' },
  ]),

  ...rows('Test_semverParse', 'standard', 'semverParse', [
    { name: 'no arguments', args: [], error: 'expected 1 argument' },
    { name: 'too many arguments', args: ['1.0.0', '2.0.0'], error: 'expected 1 argument' },
    { name: 'invalid argument type', args: [123], error: 'argument must be string' },
    { name: 'invalid semver', args: ['invalid'], error: 'invalid semantic version' },
    { name: 'success', args: ['1.2.3'], wantType: '*semver.Version' },
  ]),
];
