import { packChart } from '../../helm/chart-archive.js';
import { lockDigest, renderLock } from '../../helm/chart-lock.js';
import { parseChartMetadata } from '../../helm/chart-metadata.js';
import type { HelmTemplateCase, ResourceFileNameCase } from './helm-template-case.js';

const T = 'helm_template_runner_test.go';
const convert = (name: string) => `${T} Test_helmTemplateRunner_convert ${name}`;
const run = (name: string) => `${T} Test_helmTemplateRunner_run ${name}`;
const compose = (name: string) => `${T} Test_helmTemplateRunner_composeValues ${name}`;
const install = (name: string) => `${T} Test_helmTemplateRunner_newInstallAction ${name}`;
const write = (name: string) => `${T} Test_helmTemplateRunner_writeOutput ${name}`;

/*
 * Kargo's helm-template tables as data, rendered by the real helm (Helm 3). Kargo's run table
 * calls the runner past its schema, so rows whose config leaves out a required field (path,
 * outPath, releaseName) get one here; the tables of internal functions (composeValues,
 * newInstallAction, loadChart, checkDependencies, writeOutput, isTestHook, outPathIsFile,
 * outLayoutIs*) are translated into renders of small charts that show the same fact in the
 * written files: Kargo's synthetic releases become charts whose templates render them, so
 * files carry Helm's `# Source: <chart>/templates/…` header and hooks carry the `helm.sh/hook`
 * annotation that makes Helm class them as hooks.
 */

const CHART_V1 = 'apiVersion: v1\nname: test-chart\nversion: 0.1.0';
const CONFIGMAP = [
  '---',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: {{ .Release.Name }}-configmap',
  '  namespace: {{ .Release.Namespace }}',
  'data:',
  '  value: {{ .Values.key }}',
  '',
].join('\n');
const RENDERED_CONFIGMAP = [
  '---',
  '# Source: test-chart/templates/test.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: test-release-configmap',
  '  namespace: test-namespace',
  'data:',
  '  value: value',
  '',
].join('\n');
const TEST_CHART = {
  'values.yaml': 'key: value',
  'charts/test-chart/Chart.yaml': CHART_V1,
  'charts/test-chart/templates/test.yaml': CONFIGMAP,
};
const TWO_VALUES_TEMPLATE = [
  '---',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: {{ .Release.Name }}-configmap',
  '  namespace: {{ .Release.Namespace }}',
  'data:',
  '  value1: {{ .Values.key1 }}',
  '  value2: {{ .Values.key2 }}',
  '',
].join('\n');
const RENDERED_TWO_VALUES = [
  '---',
  '# Source: test-chart/templates/test.yaml',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: test-release-configmap',
  '  namespace: test-namespace',
  'data:',
  '  value1: value1',
  '  value2: value2',
  '',
].join('\n');

/** A chart whose one template prints the values Helm composed (composeValues' result). */
const VALUES_CHART = {
  'values/Chart.yaml': 'apiVersion: v2\nname: values\nversion: 0.1.0\n',
  'values/templates/values.yaml': '{{ toYaml .Values }}\n',
};
const valuesOut = (yaml: string) => `---\n# Source: values/templates/values.yaml\n${yaml}\n`;
const VALUES_RUN = { path: 'values', outPath: 'out.yaml', releaseName: 'values' };

/** A chart that prints what the install action was given, with a CRD and a hook. */
const CAPS_CHART = {
  'caps/Chart.yaml': 'apiVersion: v2\nname: caps\nversion: 0.1.0\n',
  'caps/crds/crd.yaml':
    'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.com\n',
  'caps/templates/caps.yaml': [
    'release: {{ .Release.Name }}',
    'namespace: {{ .Release.Namespace }}',
    'kubeVersion: {{ .Capabilities.KubeVersion.Version }}',
    'hasV2: {{ .Capabilities.APIVersions.Has "v2" }}',
    '',
  ].join('\n'),
  'caps/templates/hook.yaml': hook('caps-hook', 'pre-install'),
};

/** A ConfigMap Helm classes as a hook for `events`. */
function hook(name: string, events: string, extra = ''): string {
  return [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    `    helm.sh/hook: ${events}`,
    ...(extra ? [extra] : []),
  ].join('\n');
}

/** The chart `h` with a main template `main.yaml` and the given hook templates. */
function hooksChart(hooks: Record<string, string>, main = 'main: manifest\n') {
  return {
    'h/Chart.yaml': 'apiVersion: v2\nname: h\nversion: 0.1.0\n',
    'h/templates/main.yaml': main,
    ...Object.fromEntries(
      Object.entries(hooks).map(([file, text]) => [`h/templates/${file}`, text]),
    ),
  };
}
const hookFile = (file: string, text: string) => `---\n# Source: h/templates/${file}\n${text}\n`;

const DEMO_CHART = () =>
  packChart('demo', [
    { path: 'Chart.yaml', content: Buffer.from('apiVersion: v2\nname: demo\nversion: 0.1.0\n') },
    {
      path: 'templates/cm.yaml',
      content: Buffer.from(
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  labels:\n    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}\n',
      ),
    },
  ]);

const REQUIRED = { outPath: '/output/path', path: '/chart/path', releaseName: 'my-release' };

const APP_WITH_REDIS =
  'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: redis\n  version: ^1.0.0\n  repository: https://charts.example.com\n';
/** A Chart.lock pinning redis 1.0.0, in sync with APP_WITH_REDIS (Helm's digest). */
function appLock(): string {
  const locked = [{ name: 'redis', repository: 'https://charts.example.com', version: '1.0.0' }];
  const digest = lockDigest(parseChartMetadata(APP_WITH_REDIS).dependencies, locked);
  return renderLock({ dependencies: locked, digest, generated: '2024-01-01T00:00:00Z' });
}

export const helmTemplateCases: HelmTemplateCase[] = [
  // --- Test_helmTemplateRunner_convert (the schema) --------------------------------------------
  {
    upstream: convert('outPath not specified'),
    validateOnly: true,
    config: {},
    error: 'outPath: required',
  },
  {
    upstream: convert('outPath is empty string'),
    validateOnly: true,
    config: { outPath: '' },
    error: 'outPath: must not be empty',
  },
  {
    upstream: convert('path not specified'),
    validateOnly: true,
    config: { outPath: '/output/path' },
    error: 'path: required',
  },
  {
    upstream: convert('path is empty string'),
    validateOnly: true,
    config: { outPath: '/output/path', path: '' },
    error: 'path: must not be empty',
  },
  {
    upstream: convert('releaseName not specified'),
    validateOnly: true,
    config: { outPath: '/output/path', path: '/chart/path' },
    error: 'releaseName: required',
  },
  {
    upstream: convert('releaseName is empty string'),
    validateOnly: true,
    config: { outPath: '/output/path', path: '/chart/path', releaseName: '' },
    error: 'releaseName: must not be empty',
  },
  {
    upstream: convert('all required fields missing'),
    validateOnly: true,
    config: { namespace: 'default' },
    error: 'path: required; outPath: required; releaseName: required',
  },
  {
    upstream: convert('valuesFiles contains empty string'),
    validateOnly: true,
    config: { ...REQUIRED, valuesFiles: ['values.yaml', ''] },
    error: 'valuesFiles[1]: must not be empty',
  },
  {
    upstream: convert('setValues key not specified'),
    validateOnly: true,
    config: { ...REQUIRED, setValues: [{ value: 'some-value' }] },
    error: 'setValues[0].key: required',
  },
  {
    upstream: convert('setValues key is empty string'),
    validateOnly: true,
    config: { ...REQUIRED, setValues: [{ key: '', value: 'some-value' }] },
    error: 'setValues[0].key: must not be empty',
  },
  {
    upstream: convert('setValues value not specified'),
    validateOnly: true,
    config: { ...REQUIRED, setValues: [{ key: 'image.tag' }] },
    error: 'setValues[0].value: required',
  },
  {
    upstream: convert('apiVersions contains empty string'),
    validateOnly: true,
    config: { ...REQUIRED, apiVersions: ['v1', ''] },
    error: 'apiVersions[1]: must not be empty',
  },
  { upstream: convert('valid minimal config'), validateOnly: true, config: REQUIRED },
  {
    upstream: convert('valid config with optional boolean fields'),
    validateOnly: true,
    config: {
      ...REQUIRED,
      useReleaseName: true,
      buildDependencies: true,
      includeCRDs: true,
      disableHooks: true,
      skipTests: true,
    },
  },
  {
    upstream: convert('valid config with namespace and kubeVersion'),
    validateOnly: true,
    config: { ...REQUIRED, namespace: 'production', kubeVersion: '1.28.0' },
  },
  {
    upstream: convert('valid config with valuesFiles'),
    validateOnly: true,
    config: { ...REQUIRED, valuesFiles: ['values.yaml', 'values-prod.yaml'] },
  },
  {
    upstream: convert('valid config with setValues'),
    validateOnly: true,
    config: {
      ...REQUIRED,
      setValues: [
        { key: 'image.tag', value: 'v1.2.3' },
        { key: 'replicaCount', value: '3' },
        { key: 'service.type', value: '' },
      ],
    },
  },
  {
    upstream: convert('valid config with setValues using literal'),
    validateOnly: true,
    config: {
      ...REQUIRED,
      setValues: [
        { key: 'image.tag', value: 'v1.2.3', literal: true },
        { key: 'replicaCount', value: '3' },
      ],
    },
  },
  {
    upstream: convert('valid config with apiVersions'),
    validateOnly: true,
    config: { ...REQUIRED, apiVersions: ['v1', 'apps/v1', 'networking.k8s.io/v1'] },
  },
  {
    upstream: convert('valid kitchen sink'),
    validateOnly: true,
    config: {
      outPath: '/output/manifests',
      path: '/path/to/helm/chart',
      releaseName: 'my-application',
      useReleaseName: true,
      namespace: 'production',
      valuesFiles: ['values.yaml', 'values-prod.yaml', 'secrets.yaml'],
      setValues: [
        { key: 'image.repository', value: 'myregistry.com/myapp' },
        { key: 'image.tag', value: 'v2.1.0' },
        { key: 'ingress.enabled', value: 'true' },
      ],
      buildDependencies: true,
      includeCRDs: true,
      disableHooks: false,
      skipTests: true,
      kubeVersion: '1.29.0',
      apiVersions: ['v1', 'apps/v1', 'networking.k8s.io/v1', 'cert-manager.io/v1'],
    },
  },
  {
    upstream: `${T} (schema) outLayout is helm or flat`,
    validateOnly: true,
    config: { ...REQUIRED, outLayout: 'nested' },
    error: 'outLayout',
  },

  // --- Test_helmTemplateRunner_run --------------------------------------------------------------
  {
    upstream: run('successful run'),
    files: TEST_CHART,
    config: {
      path: 'charts/test-chart',
      valuesFiles: ['values.yaml'],
      outPath: 'output.yaml',
      releaseName: 'test-release',
      namespace: 'test-namespace',
    },
    expectFiles: { 'output.yaml': RENDERED_CONFIGMAP },
  },
  {
    upstream: run('successful run with flat layout'),
    files: {
      'values.yaml': 'key: value',
      'charts/test-chart/Chart.yaml': CHART_V1,
      'charts/test-chart/templates/configmap.yaml': [
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: test-configmap',
        '  namespace: test-namespace',
        'data:',
        '  value: {{ .Values.key }}',
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: test-secret',
        '  namespace: test-namespace',
        'data:',
        '  secret: dGVzdA==',
        '',
      ].join('\n'),
    },
    config: {
      path: 'charts/test-chart',
      valuesFiles: ['values.yaml'],
      outPath: 'output',
      outLayout: 'flat',
      releaseName: 'test-release',
      namespace: 'test-namespace',
    },
    expectListing: {
      output: [
        'configmap-test-namespace-test-configmap.yaml',
        'secret-test-namespace-test-secret.yaml',
      ],
    },
    expectContains: {
      'output/configmap-test-namespace-test-configmap.yaml': [
        'kind: ConfigMap',
        'name: test-configmap',
      ],
      'output/secret-test-namespace-test-secret.yaml': ['kind: Secret', 'name: test-secret'],
    },
  },
  {
    upstream: run('successful run with multiple values'),
    files: {
      'values1.yaml': 'key1: value1',
      'values2.yaml': 'key2: value2',
      'charts/test-chart/Chart.yaml': CHART_V1,
      'charts/test-chart/templates/test.yaml': TWO_VALUES_TEMPLATE,
    },
    config: {
      path: 'charts/test-chart',
      valuesFiles: ['values1.yaml', 'values2.yaml'],
      outPath: 'output.yaml',
      releaseName: 'test-release',
      namespace: 'test-namespace',
    },
    expectFiles: { 'output.yaml': RENDERED_TWO_VALUES },
  },
  {
    upstream: run('successful run with set values'),
    files: {
      'values.yaml': 'key1: value1',
      'charts/test-chart/Chart.yaml': CHART_V1,
      'charts/test-chart/templates/test.yaml': TWO_VALUES_TEMPLATE,
    },
    config: {
      path: 'charts/test-chart',
      valuesFiles: ['values.yaml'],
      setValues: [{ key: 'key2', value: 'value2' }],
      outPath: 'output.yaml',
      releaseName: 'test-release',
      namespace: 'test-namespace',
    },
    expectFiles: { 'output.yaml': RENDERED_TWO_VALUES },
  },
  {
    upstream: run('successful run with literal set values'),
    files: {
      'charts/test-chart/Chart.yaml': CHART_V1,
      'charts/test-chart/templates/test.yaml': [
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-configmap',
        '  namespace: {{ .Release.Namespace }}',
        'data:',
        '  literalValue: {{ .Values.literalKey }}',
        '  normalValue: {{ .Values.normalKey }}',
        '',
      ].join('\n'),
    },
    config: {
      path: 'charts/test-chart',
      setValues: [
        { key: 'literalKey', value: 'foo,bar,baz', literal: true },
        { key: 'normalKey', value: 'normal-string', literal: false },
      ],
      outPath: 'output.yaml',
      releaseName: 'test-release',
      namespace: 'test-namespace',
    },
    expectContains: {
      'output.yaml': ['literalValue: foo,bar,baz', 'normalValue: normal-string'],
    },
  },
  {
    upstream: run('successful run with output directory (helm layout)'),
    files: TEST_CHART,
    config: {
      path: 'charts/test-chart',
      valuesFiles: ['values.yaml'],
      outPath: 'output/',
      releaseName: 'test-release',
      namespace: 'test-namespace',
    },
    expectFiles: { 'output/test-chart/templates/test.yaml': RENDERED_CONFIGMAP },
  },
  {
    upstream: run('successful run with UseReleaseName'),
    files: TEST_CHART,
    config: {
      path: 'charts/test-chart',
      valuesFiles: ['values.yaml'],
      outPath: 'output/',
      releaseName: 'test-release',
      useReleaseName: true,
      namespace: 'test-namespace',
    },
    expectFiles: { 'output/test-release/test-chart/templates/test.yaml': RENDERED_CONFIGMAP },
  },
  {
    upstream: run('missing values file'),
    files: TEST_CHART,
    config: {
      path: 'charts/test-chart',
      valuesFiles: ['non-existent.yaml'],
      outPath: 'output.yaml',
      releaseName: 'test-release',
    },
    error: 'failed to compose values',
    terminal: false,
    expectFiles: { 'output.yaml': null },
  },
  {
    upstream: run('invalid chart'),
    config: { path: './', outPath: 'output.yaml', releaseName: 'test-release' },
    error: 'failed to load chart',
    terminal: false,
    expectFiles: { 'output.yaml': null },
  },
  {
    upstream: run('Helm action initialization error'),
    files: { 'charts/test-chart/Chart.yaml': CHART_V1 },
    config: {
      path: 'charts/test-chart',
      kubeVersion: 'invalid',
      outPath: 'output.yaml',
      releaseName: 'test-release',
    },
    error: 'failed to initialize Helm action config',
    terminal: false,
    expectFiles: { 'output.yaml': null },
  },
  {
    upstream: run('template rendering error'),
    files: {
      'charts/test-chart/Chart.yaml': CHART_V1,
      'charts/test-chart/templates/test.yaml': [
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: {{ .Release.Name }}-configmap',
        'data:',
        '  value: {{ .Values.nonexistent | quote }}}',
        '',
      ].join('\n'),
    },
    config: { path: 'charts/test-chart', outPath: 'output.yaml', releaseName: 'test-release' },
    error: 'failed to render chart',
    terminal: false,
    expectFiles: { 'output.yaml': null },
  },
  {
    upstream: run('invalid output path'),
    files: {
      'output.yaml/foo': '',
      'chart/Chart.yaml': CHART_V1,
      'chart/templates/test.yaml':
        '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-configmap\n',
    },
    config: { path: './chart/', outPath: 'output.yaml', releaseName: 'test-release' },
    error: 'failed to write rendered chart',
    expectListing: { 'output.yaml': ['foo'] },
  },

  // --- Test_helmTemplateRunner_composeValues (what helm composed, printed by the chart) --------
  {
    upstream: compose('successful composition'),
    files: { ...VALUES_CHART, 'values1.yaml': 'key1: value1', 'values2.yaml': 'key2: value2' },
    config: {
      ...VALUES_RUN,
      valuesFiles: ['values1.yaml', 'values2.yaml'],
      setValues: [{ key: 'key3', value: 'value3' }],
    },
    expectFiles: { 'out.yaml': valuesOut('key1: value1\nkey2: value2\nkey3: value3') },
  },
  {
    upstream: compose('successful composition with no files'),
    files: VALUES_CHART,
    config: { ...VALUES_RUN, valuesFiles: [], setValues: [{ key: 'key3', value: 'value3' }] },
    expectFiles: { 'out.yaml': valuesOut('key3: value3') },
  },
  {
    upstream: compose('successful composition with no set values'),
    files: { ...VALUES_CHART, 'values1.yaml': 'key1: value1', 'values2.yaml': 'key2: value2' },
    config: { ...VALUES_RUN, valuesFiles: ['values1.yaml', 'values2.yaml'], setValues: [] },
    expectFiles: { 'out.yaml': valuesOut('key1: value1\nkey2: value2') },
  },
  {
    upstream: compose('file not found'),
    files: VALUES_CHART,
    config: { ...VALUES_RUN, valuesFiles: ['non_existent.yaml'], setValues: [] },
    error: 'failed to compose values: open non_existent.yaml: no such file or directory',
    expectFiles: { 'out.yaml': null },
  },
  {
    upstream: compose('ignore missing value files - file missing'),
    files: VALUES_CHART,
    config: {
      ...VALUES_RUN,
      valuesFiles: ['non_existent.yaml'],
      ignoreMissingValueFiles: true,
      setValues: [{ key: 'key1', value: 'value1' }],
    },
    expectFiles: { 'out.yaml': valuesOut('key1: value1') },
  },
  {
    upstream: compose('ignore missing value files - file exists'),
    files: { ...VALUES_CHART, 'values.yaml': 'key1: value1' },
    config: { ...VALUES_RUN, valuesFiles: ['values.yaml'], ignoreMissingValueFiles: true },
    expectFiles: { 'out.yaml': valuesOut('key1: value1') },
  },
  {
    upstream: compose('ignore missing value files - mixed existing and missing'),
    files: { ...VALUES_CHART, 'values.yaml': 'key1: value1' },
    config: {
      ...VALUES_RUN,
      valuesFiles: ['values.yaml', 'missing.yaml'],
      ignoreMissingValueFiles: true,
    },
    expectFiles: { 'out.yaml': valuesOut('key1: value1') },
  },
  {
    upstream: compose('composition with literal values'),
    files: VALUES_CHART,
    config: {
      ...VALUES_RUN,
      valuesFiles: [],
      setValues: [
        { key: 'normalKey', value: 'normalValue', literal: false },
        { key: 'literalKey', value: 'foo,bar,baz', literal: true },
      ],
    },
    expectFiles: { 'out.yaml': valuesOut('literalKey: foo,bar,baz\nnormalKey: normalValue') },
  },
  {
    upstream: compose('composition with only literal values'),
    files: VALUES_CHART,
    config: {
      ...VALUES_RUN,
      valuesFiles: [],
      setValues: [
        { key: 'key1', value: 'foo,bar,baz', literal: true },
        { key: 'key2', value: 'baz,bar,foo', literal: true },
      ],
    },
    expectFiles: { 'out.yaml': valuesOut('key1: foo,bar,baz\nkey2: baz,bar,foo') },
  },
  {
    upstream: `${T} (Helm's --set) a value that is not literal is typed and split at commas`,
    files: VALUES_CHART,
    config: {
      ...VALUES_RUN,
      setValues: [
        { key: 'count', value: '3' },
        { key: 'list', value: 'a,extra=b' },
        { key: 'text', value: '3', literal: true },
      ],
    },
    expectFiles: { 'out.yaml': valuesOut('count: 3\nextra: b\nlist: a\ntext: "3"') },
  },

  // --- Test_helmTemplateRunner_newInstallAction (what the chart was rendered with) ------------
  {
    upstream: install('default values'),
    // releaseName is given: Kargo's schema requires it too, so its "release-name" default
    // (the Go test calls the action builder directly) never applies.
    files: CAPS_CHART,
    config: { path: 'caps', outPath: 'out.yaml', releaseName: 'release-name' },
    expectContains: { 'out.yaml': ['release: release-name', 'hasV2: false', 'name: caps-hook'] },
    expectMissing: { 'out.yaml': ['CustomResourceDefinition'] },
  },
  {
    upstream: install('custom values'),
    files: CAPS_CHART,
    config: {
      path: 'caps',
      outPath: 'out.yaml',
      releaseName: 'custom-release',
      useReleaseName: true,
      namespace: 'custom-namespace',
      includeCRDs: true,
      apiVersions: ['v1', 'v2'],
      kubeVersion: '1.20.0',
      disableHooks: true,
    },
    expectContains: {
      'out.yaml': [
        'release: custom-release',
        'namespace: custom-namespace',
        'kubeVersion: v1.20.0',
        'hasV2: true',
        '# Source: caps/crds/crd.yaml\napiVersion: apiextensions.k8s.io/v1',
      ],
    },
    expectMissing: { 'out.yaml': ['caps-hook'] },
  },
  {
    upstream: install('output directory with helm layout'),
    files: CAPS_CHART,
    config: { path: 'caps', outPath: 'output/', outLayout: 'helm', releaseName: 'r' },
    expectListing: { output: ['caps'], 'output/caps/templates': ['caps.yaml', 'hook.yaml'] },
  },
  {
    upstream: install('output directory with flat layout'),
    files: CAPS_CHART,
    config: { path: 'caps', outPath: 'output/', outLayout: 'flat', releaseName: 'r' },
    expectListing: { output: ['configmap-caps-hook.yaml', 'resource-0.yaml'] },
  },
  {
    upstream: install('output file (YAML)'),
    files: CAPS_CHART,
    config: { path: 'caps', outPath: 'output.yaml', releaseName: 'r' },
    expectContains: { 'output.yaml': ['# Source: caps/templates/caps.yaml'] },
  },
  {
    upstream: install('output file (YML)'),
    files: CAPS_CHART,
    config: { path: 'caps', outPath: 'output.yml', releaseName: 'r' },
    expectContains: { 'output.yml': ['# Source: caps/templates/caps.yaml'] },
  },
  {
    upstream: install('project used as default namespace'),
    files: CAPS_CHART,
    project: 'test-project',
    config: { path: 'caps', outPath: 'out.yaml', releaseName: 'r' },
    expectContains: { 'out.yaml': ['namespace: test-project'] },
  },
  {
    upstream: install('KubeVersion parsing error'),
    files: CAPS_CHART,
    config: { path: 'caps', outPath: 'out.yaml', releaseName: 'r', kubeVersion: 'invalid' },
    error: 'failed to parse Kubernetes version "invalid"',
    expectFiles: { 'out.yaml': null },
  },
  {
    upstream: `${T} (Helm's ParseKubeVersion) a v prefix and a pre-release are versions`,
    files: CAPS_CHART,
    config: { path: 'caps', outPath: 'out.yaml', releaseName: 'r', kubeVersion: 'v1.29.3-gke.1' },
    expectContains: { 'out.yaml': ['kubeVersion: v1.29.3-gke.1'] },
  },

  // --- Test_helmTemplateRunner_loadChart, checkDependencies -----------------------------------
  {
    upstream: `${T} Test_helmTemplateRunner_loadChart successful load`,
    binaryFiles: { 'demo-0.1.0.tgz': DEMO_CHART },
    config: { path: 'demo-0.1.0.tgz', outPath: 'out.yaml', releaseName: 'demo' },
    expectContains: {
      'out.yaml': ['# Source: demo/templates/cm.yaml', 'helm.sh/chart: demo-0.1.0'],
    },
  },
  {
    upstream: `${T} Test_helmTemplateRunner_loadChart chart not found`,
    config: { path: 'nonexistent.tgz', outPath: 'out.yaml', releaseName: 'demo' },
    error: 'failed to load chart from "nonexistent.tgz"',
  },
  {
    upstream: `${T} Test_helmTemplateRunner_checkDependencies no dependencies`,
    files: { 'c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 1.0.0\n' },
    config: { path: 'c', outPath: 'out.yaml', releaseName: 'r' },
    expectFiles: { 'out.yaml': '\n' },
  },
  {
    upstream: `${T} Test_helmTemplateRunner_checkDependencies with dependencies`,
    files: {
      'c/Chart.yaml':
        'apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: dep1\n  version: 1.0.0\n  repository: https://charts.example.com\n',
    },
    config: { path: 'c', outPath: 'out.yaml', releaseName: 'r' },
    error:
      'missing chart dependencies: found in Chart.yaml, but missing in charts/ directory: dep1',
    expectFiles: { 'out.yaml': null },
  },

  // --- Test_helmTemplateRunner_writeOutput (releases rendered from charts) --------------------
  {
    upstream: write('successful write to file'),
    files: hooksChart({}, 'key: value\n'),
    config: { path: 'h', outPath: 'output.yaml', releaseName: 'r' },
    expectFiles: { 'output.yaml': '---\n# Source: h/templates/main.yaml\nkey: value\n' },
  },
  {
    upstream: write('write to non-existent directory'),
    files: hooksChart({}, 'key: value\n'),
    config: { path: 'h', outPath: 'subdir/output.yaml', releaseName: 'r' },
    expectFiles: { 'subdir/output.yaml': '---\n# Source: h/templates/main.yaml\nkey: value\n' },
  },
  {
    upstream: write('write hooks to separate files'),
    files: hooksChart({
      'hook1.yaml': hook('hook1', 'pre-install'),
      'hook2.yaml': hook('hook2', 'post-install'),
    }),
    config: { path: 'h', outPath: 'output', releaseName: 'r' },
    expectFiles: {
      'output/h/templates/hook1.yaml': hookFile('hook1.yaml', hook('hook1', 'pre-install')),
      'output/h/templates/hook2.yaml': hookFile('hook2.yaml', hook('hook2', 'post-install')),
      'output/h/templates/main.yaml': hookFile('main.yaml', 'main: manifest'),
    },
  },
  {
    upstream: write('write manifest and hooks to flat layout'),
    files: hooksChart(
      {
        'hook1.yaml': [
          '---',
          'apiVersion: v1',
          'kind: Job',
          'metadata:',
          '  name: test-job',
          '  namespace: test-ns',
          '  annotations:',
          '    helm.sh/hook: pre-install',
          'spec:',
          '  template:',
          '    spec:',
          '      containers:',
          '      - name: test',
          '        image: test',
        ].join('\n'),
      },
      [
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: test-configmap',
        '  namespace: test-ns',
        'data:',
        '  key: value',
        '---',
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: test-secret',
        '  namespace: test-ns',
        'data:',
        '  secret: dGVzdA==',
      ].join('\n'),
    ),
    config: { path: 'h', outPath: 'output', outLayout: 'flat', releaseName: 'r' },
    expectListing: {
      output: [
        'configmap-test-ns-test-configmap.yaml',
        'secret-test-ns-test-secret.yaml',
        'job-test-ns-test-job.yaml',
      ],
    },
    expectFiles: {
      // A manifest document keeps Helm's Source comment; a hook is its manifest alone.
      'output/configmap-test-ns-test-configmap.yaml':
        '# Source: h/templates/main.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: test-configmap\n  namespace: test-ns\ndata:\n  key: value',
      'output/job-test-ns-test-job.yaml':
        'apiVersion: v1\nkind: Job\nmetadata:\n  name: test-job\n  namespace: test-ns\n  annotations:\n    helm.sh/hook: pre-install\nspec:\n  template:\n    spec:\n      containers:\n      - name: test\n        image: test',
    },
  },
  {
    upstream: write('flat layout rejects manifest metadata that would escape output dir'),
    files: {
      ...hooksChart(
        {},
        'apiVersion: v1\nkind: ../outside/marker\nmetadata:\n  name: written\ndata:\n  key: value\n',
      ),
      'outside/.keep': '',
    },
    config: { path: 'h', outPath: 'output', outLayout: 'flat', releaseName: 'r' },
    error: 'unsafe generated resource filename',
    expectFiles: { 'outside/marker-written.yaml': null },
  },
  {
    upstream: write('skip test hooks'),
    files: hooksChart({
      'hook1.yaml': hook('hook1', 'pre-install'),
      'test.yaml': hook('test', 'test'),
    }),
    config: { path: 'h', outPath: 'output', skipTests: true, releaseName: 'r' },
    expectFiles: {
      'output/h/templates/hook1.yaml': hookFile('hook1.yaml', hook('hook1', 'pre-install')),
      'output/h/templates/test.yaml': null,
    },
  },
  {
    upstream: write('write hooks to single file'),
    files: hooksChart({
      'hook1.yaml': hook('hook1', 'pre-install'),
      'hook2.yaml': hook('hook2', 'post-install'),
    }),
    config: { path: 'h', outPath: 'output.yaml', releaseName: 'r' },
    expectFiles: {
      'output.yaml':
        '---\n# Source: h/templates/main.yaml\nmain: manifest\n' +
        hookFile('hook1.yaml', hook('hook1', 'pre-install')) +
        hookFile('hook2.yaml', hook('hook2', 'post-install')),
    },
  },
  {
    upstream: write('disable hooks'),
    files: hooksChart({ 'hook1.yaml': hook('hook1', 'pre-install') }),
    config: { path: 'h', outPath: 'output', disableHooks: true, releaseName: 'r' },
    expectFiles: { 'output/h/templates/hook1.yaml': null },
    expectListing: { 'output/h/templates': ['main.yaml'] },
  },
  {
    upstream: write('append to existing hook file'),
    files: {
      ...hooksChart({ 'hook1.yaml': hook('hook1', 'pre-install') }),
      'output/h/templates/hook1.yaml': 'existing content\n',
      'output/h/templates/main.yaml': 'replaced: the main manifest is rewritten\n',
    },
    config: { path: 'h', outPath: 'output', releaseName: 'r' },
    expectFiles: {
      'output/h/templates/hook1.yaml': `existing content\n${hookFile('hook1.yaml', hook('hook1', 'pre-install'))}`,
      'output/h/templates/main.yaml': hookFile('main.yaml', 'main: manifest'),
    },
  },
  {
    upstream: write('UseReleaseName with helm layout'),
    files: hooksChart({ 'hook1.yaml': hook('hook1', 'pre-install') }),
    config: { path: 'h', outPath: 'output', releaseName: 'my-release', useReleaseName: true },
    expectFiles: {
      'output/my-release/h/templates/hook1.yaml': hookFile(
        'hook1.yaml',
        hook('hook1', 'pre-install'),
      ),
    },
  },

  // --- Test_isTestHook (through skipTests) -------------------------------------------------
  {
    upstream: `${T} Test_isTestHook test hook`,
    files: hooksChart({ 'test.yaml': hook('t', 'test') }),
    config: { path: 'h', outPath: 'out.yaml', skipTests: true, releaseName: 'r' },
    expectMissing: { 'out.yaml': ['name: t\n'] },
  },
  {
    upstream: `${T} Test_isTestHook pre-install hook`,
    files: hooksChart({ 'pre.yaml': hook('p', 'pre-install') }),
    config: { path: 'h', outPath: 'out.yaml', skipTests: true, releaseName: 'r' },
    expectContains: { 'out.yaml': ['name: p\n'] },
  },
  {
    upstream: `${T} Test_isTestHook multiple events including test`,
    files: hooksChart({ 'both.yaml': hook('b', 'pre-install,test') }),
    config: { path: 'h', outPath: 'out.yaml', skipTests: true, releaseName: 'r' },
    expectMissing: { 'out.yaml': ['name: b\n'] },
  },
  {
    upstream: `${T} Test_isTestHook no events`,
    config: {},
    skip: 'a hook without events cannot come out of a chart: Helm drops a template whose helm.sh/hook names no known event',
  },

  // --- Test_outPathIsFile, Test_outLayoutIsFlat, Test_outLayoutIsHelm ------------------------
  ...(
    [
      ['Test_outPathIsFile YAML file', 'output.yaml', undefined, 'output.yaml'],
      ['Test_outPathIsFile YML file', 'output.yml', undefined, 'output.yml'],
      ['Test_outPathIsFile directory', 'output/', undefined, 'output/h/templates/main.yaml'],
      [
        'Test_outPathIsFile directory without slash',
        'output',
        undefined,
        'output/h/templates/main.yaml',
      ],
      [
        'Test_outPathIsFile other file extension',
        'output.txt',
        undefined,
        'output.txt/h/templates/main.yaml',
      ],
      [
        '(filepath.Ext) a trailing slash makes a directory',
        'out.yaml/',
        undefined,
        'out.yaml/h/templates/main.yaml',
      ],
      ['(filepath.Ext) a hidden .yaml is a file', 'rendered/.yaml', undefined, 'rendered/.yaml'],
      ['Test_outLayoutIsHelm nil layout (default)', 'out', undefined, 'out/h/templates/main.yaml'],
      ['Test_outLayoutIsHelm helm layout', 'out', 'helm', 'out/h/templates/main.yaml'],
      ['Test_outLayoutIsFlat flat layout', 'out', 'flat', 'out/resource-0.yaml'],
    ] as const
  ).map(([name, outPath, outLayout, file]): HelmTemplateCase => ({
    upstream: `${T} ${name}`,
    files: hooksChart({}),
    config: { path: 'h', outPath, releaseName: 'r', ...(outLayout ? { outLayout } : {}) },
    expectContains: { [file]: ['main: manifest'] },
  })),
  {
    upstream: `${T} Test_outLayoutIsFlat nil layout (default)`,
    files: hooksChart({}),
    config: { path: 'h', outPath: 'out', releaseName: 'r' },
    expectFiles: { 'out/resource-0.yaml': null },
  },
  {
    upstream: `${T} Test_outLayoutIsFlat helm layout`,
    files: hooksChart({}),
    config: { path: 'h', outPath: 'out', outLayout: 'helm', releaseName: 'r' },
    expectFiles: { 'out/resource-0.yaml': null },
  },
  {
    upstream: `${T} Test_outLayoutIsHelm flat layout`,
    files: hooksChart({}),
    config: { path: 'h', outPath: 'out', outLayout: 'flat', releaseName: 'r' },
    expectFiles: { 'out/h': null },
  },
  {
    upstream: `${T} Test_defaultValue (string, int and slice defaults)`,
    config: {},
    skip: "Go's generic zero-value helper has no counterpart: its uses are the release-name default (unreachable, the schema requires releaseName) and the namespace default, the 'project used as default namespace' row",
  },

  // --- Kargo's documented examples (docs/…/promotion-steps/helm-template.md), stage `test` ---
  {
    upstream: 'helm-template.md Rendering to a File',
    // The example leaves releaseName out, which Kargo's schema refuses (as Gantry's does).
    files: {
      'src/charts/my-chart/Chart.yaml': 'apiVersion: v2\nname: my-chart\nversion: 1.0.0\n',
      'src/charts/my-chart/values.yaml': 'replicas: 1\n',
      'src/charts/my-chart/test-values.yaml': 'replicas: 2\n',
      'src/charts/my-chart/templates/deploy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n',
      'out/.git/HEAD': 'ref: refs/heads/stage/test\n',
    },
    config: {
      path: './src/charts/my-chart',
      valuesFiles: ['./src/charts/my-chart/test-values.yaml'],
      outPath: './out/manifests.yaml',
      releaseName: 'my-chart',
    },
    expectFiles: {
      'out/manifests.yaml':
        '---\n# Source: my-chart/templates/deploy.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: my-chart\nspec:\n  replicas: 2\n',
    },
  },
  {
    upstream: 'helm-template.md Rendering to a Directory',
    files: {
      'src/charts/my-chart/Chart.yaml': 'apiVersion: v2\nname: my-chart\nversion: 1.0.0\n',
      'src/charts/my-chart/test-values.yaml': 'replicas: 2\n',
      'src/charts/my-chart/templates/deploy.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\nspec:\n  replicas: {{ .Values.replicas }}\n',
      'out/.git/HEAD': 'ref: refs/heads/stage/test\n',
    },
    config: {
      path: './src/charts/my-chart',
      valuesFiles: ['./src/charts/my-chart/test-values.yaml'],
      outPath: './out',
      releaseName: 'my-chart',
    },
    expectListing: { out: ['.git', 'my-chart'], 'out/my-chart/templates': ['deploy.yaml'] },
    expectContains: { 'out/my-chart/templates/deploy.yaml': ['replicas: 2'] },
  },

  // --- Gantry: paths stay in the working directory, Helm sees nothing of the server's ---------
  {
    upstream: `${T} (Gantry) a chart file linked outside the working directory is not rendered`,
    files: {
      ...hooksChart({}, 'secret: {{ .Files.Get "leak.txt" | quote }}\n'),
    },
    links: { 'h/leak.txt': 'outside:secret.txt' },
    outside: { 'secret.txt': 'server secret' },
    config: { path: 'h', outPath: 'out.yaml', releaseName: 'r' },
    error: 'leads outside the promotion',
    terminal: true,
    expectFiles: { 'out.yaml': null },
  },
  {
    upstream: `${T} (Gantry) links inside the working directory are followed, as Helm's loader does`,
    files: {
      ...hooksChart({}, 'shared: {{ .Files.Get "shared.txt" | quote }}\n'),
      'common/shared.txt': 'from the repository',
    },
    links: { 'h/shared.txt': '../common/shared.txt' },
    config: { path: 'h', outPath: 'out.yaml', releaseName: 'r' },
    expectContains: { 'out.yaml': ['shared: "from the repository"'] },
  },
  {
    upstream: `${T} (Gantry) a values file outside the working directory is refused`,
    files: hooksChart({}),
    outside: { 'values.yaml': 'a: b' },
    config: { path: 'h', outPath: 'out.yaml', releaseName: 'r', valuesFiles: ['../values.yaml'] },
    error: 'valuesFiles[0]: "../values.yaml" leaves the promotion\'s working directory',
    terminal: true,
  },
  {
    upstream: `${T} (Gantry) outPath outside the working directory is refused`,
    files: hooksChart({}),
    config: { path: 'h', outPath: '../out.yaml', releaseName: 'r' },
    error: 'outPath: "../out.yaml" leaves',
    terminal: true,
  },
  {
    upstream: `${T} (Gantry) the helm layout is not written through a link in outPath`,
    files: hooksChart({}),
    links: { 'output/h': 'outside:elsewhere' },
    outside: { 'elsewhere/.keep': '' },
    config: { path: 'h', outPath: 'output', releaseName: 'r' },
    error: 'leads outside the promotion',
    terminal: true,
  },
  {
    upstream: `${T} (Gantry) errors name the configured paths, not the server's temporary copies`,
    files: { ...hooksChart({}), 'bad.yaml': 'a: [' },
    config: { path: 'h', outPath: 'out.yaml', releaseName: 'r', valuesFiles: ['bad.yaml'] },
    error: 'failed to compose values: failed to parse bad.yaml',
  },
  {
    upstream: `${T} (Gantry) a chart cannot look up DNS (Helm's getHostByName is off without --enable-dns)`,
    files: hooksChart({}, 'host: {{ getHostByName "localhost" | quote }}\n'),
    config: { path: 'h', outPath: 'out.yaml', releaseName: 'r' },
    expectContains: { 'out.yaml': ['host: ""'] },
  },

  {
    upstream: `${T} (Gantry) a library chart is refused, as helm template refuses it`,
    differs:
      "Kargo's library call renders a library chart (to nothing); `helm template` refuses it",
    files: {
      'lib/Chart.yaml': 'apiVersion: v2\nname: lib\nversion: 0.1.0\ntype: library\n',
      'lib/templates/_helpers.tpl': '{{- define "lib.name" }}lib{{- end }}\n',
    },
    config: { path: 'lib', outPath: 'out.yaml', releaseName: 'r' },
    error: 'failed to render chart: library charts are not installable',
    expectFiles: { 'out.yaml': null },
  },

  // --- buildDependencies (EphemeralDependencyManager.Build: helm dependency build) ------------
  {
    upstream: `${T} (buildDependencies) without Chart.lock the dependencies are resolved and locked`,
    files: {
      'app/Chart.yaml':
        'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: redis\n  version: ^1.0.0\n  repository: https://charts.example.com\n',
    },
    repositories: { 'https://charts.example.com': { redis: ['1.0.0', '1.2.0', '2.0.0'] } },
    config: { path: 'app', outPath: 'out.yaml', releaseName: 'r', buildDependencies: true },
    expectListing: { 'app/charts': ['redis-1.2.0.tgz'] },
    expectContains: { 'app/Chart.lock': ['version: 1.2.0'] },
  },
  {
    upstream: `${T} (buildDependencies) with Chart.lock the locked versions are fetched, not newer ones`,
    files: { 'app/Chart.yaml': APP_WITH_REDIS, 'app/Chart.lock': appLock() },
    repositories: { 'https://charts.example.com': { redis: ['1.0.0', '1.2.0'] } },
    config: { path: 'app', outPath: 'out.yaml', releaseName: 'r', buildDependencies: true },
    expectListing: { 'app/charts': ['redis-1.0.0.tgz'] },
    expectFiles: { 'app/Chart.lock': appLock() },
  },
  {
    upstream: `${T} (buildDependencies) without it, missing dependencies fail as Helm's check does`,
    files: { 'app/Chart.yaml': APP_WITH_REDIS, 'app/Chart.lock': appLock() },
    config: { path: 'app', outPath: 'out.yaml', releaseName: 'r' },
    error:
      'missing chart dependencies: found in Chart.yaml, but missing in charts/ directory: redis',
  },
  {
    upstream: `${T} (buildDependencies) with Chart.lock out of sync with Chart.yaml`,
    files: {
      'app/Chart.yaml':
        'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: redis\n  version: ^1.0.0\n  repository: https://charts.example.com\n',
      'app/Chart.lock':
        'dependencies:\n- name: redis\n  repository: https://charts.example.com\n  version: 1.0.0\ndigest: sha256:0000000000000000000000000000000000000000000000000000000000000000\ngenerated: "2024-01-01T00:00:00Z"\n',
    },
    repositories: { 'https://charts.example.com': { redis: ['1.0.0', '1.2.0'] } },
    config: { path: 'app', outPath: 'out.yaml', releaseName: 'r', buildDependencies: true },
    error:
      'failed to build chart dependencies: the lock file (Chart.lock) is out of sync with the dependencies file (Chart.yaml)',
  },
  {
    upstream: `${T} (buildDependencies) a dependency path outside the working directory is refused`,
    files: {
      'app/Chart.yaml':
        'apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n- name: lib\n  version: 1.0.0\n  repository: file://../../lib\n',
    },
    config: { path: 'app', outPath: 'out.yaml', releaseName: 'r', buildDependencies: true },
    error: 'invalid dependency "file://../../lib"',
  },
];

/** Kargo's generateResourceFilename and extractObjectMetadata tables. */
export const resourceFileNameCases: ResourceFileNameCase[] = [
  {
    upstream: `${T} Test_generateResourceFilename simple ConfigMap`,
    resource:
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: test-config\n  namespace: default\ndata:\n  key: value',
    fileName: 'configmap-default-test-config.yaml',
  },
  {
    upstream: `${T} Test_generateResourceFilename resource with API group`,
    resource:
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: test-deployment\n  namespace: prod\nspec:\n  replicas: 3',
    fileName: 'apps-deployment-prod-test-deployment.yaml',
  },
  {
    upstream: `${T} Test_generateResourceFilename cluster-scoped resource`,
    resource: 'apiVersion: v1\nkind: ClusterRole\nmetadata:\n  name: test-cluster-role\nrules: []',
    fileName: 'clusterrole-test-cluster-role.yaml',
  },
  {
    upstream: `${T} Test_generateResourceFilename resource with complex API group`,
    resource:
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: test-netpol\n  namespace: kube-system\nspec: {}',
    fileName: 'networking_k8s_io-networkpolicy-kube-system-test-netpol.yaml',
  },
  {
    upstream: `${T} Test_generateResourceFilename invalid YAML`,
    resource: 'invalid: yaml: content: [',
    fileName: '',
  },
  {
    upstream: `${T} Test_generateResourceFilename missing kind`,
    resource: 'apiVersion: v1\nmetadata:\n  name: test-resource',
    fileName: '',
  },
  {
    upstream: `${T} Test_generateResourceFilename missing name`,
    resource: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  namespace: default',
    fileName: '',
  },
  {
    upstream: `${T} Test_extractObjectMetadata core API resource`,
    resource:
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: test-config\n  namespace: default',
    fileName: 'configmap-default-test-config.yaml',
  },
  {
    upstream: `${T} Test_extractObjectMetadata resource with API group`,
    resource:
      '\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: test-deployment\n  namespace: prod',
    fileName: 'apps-deployment-prod-test-deployment.yaml',
  },
  {
    upstream: `${T} Test_extractObjectMetadata cluster-scoped resource`,
    resource: 'apiVersion: v1\nkind: ClusterRole\nmetadata:\n  name: test-cluster-role',
    fileName: 'clusterrole-test-cluster-role.yaml',
  },
  {
    upstream: `${T} Test_extractObjectMetadata invalid YAML`,
    resource: 'invalid: yaml: content: [',
    fileName: '',
  },
];
