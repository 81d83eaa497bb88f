import { packChart } from '../../helm/chart-archive.js';

/**
 * Kargo's kustomize-build tests (pkg/promotion/runner/builtin/kustomize_builder_test.go) as data,
 * run through Gantry's step by kustomize-build-compat.test.ts. Cases named after
 * kustomize_builder.go check what issue 15 asks beyond the upstream table: a directory outPath
 * is written into, nothing else in it removed (`.git` of a rendered branch included).
 */
export interface KustomizeBuildCase {
  upstream: string;
  config: unknown;
  /** Validation only: true when Kargo's schema accepts the config, else the message expected. */
  valid?: true | string;
  /** The working directory before the run (path → content). */
  files?: Record<string, string>;
  /** Substrings a file must hold after the run. */
  wantContains?: Record<string, string[]>;
  /** Files that must exist after the run with exactly this content. */
  wantFiles?: Record<string, string>;
  /** Every file under this directory after the run, exactly. */
  wantListing?: { dir: string; files: string[] };
  /** Files that must not exist after the run. */
  wantAbsent?: string[];
  /** A substring of the error the step fails with. */
  error?: string;
  /**
   * A classic Helm chart repository served on loopback for the run: archive name → chart
   * archive (index.yaml lists them). `$REPO` in `files` becomes its URL.
   */
  helmRepository?: Record<string, { name: string; version: string; archive: () => Buffer }>;
  skip?: string;
  differs?: string;
}

const T = 'kustomize_builder_test.go';

/** A chart named and versioned as Kargo's demo-0.1.0.tgz, rendering a Deployment. */
function DEMO_CHART(): Buffer {
  const file = (path: string, text: string) => ({ path, content: Buffer.from(text) });
  return packChart('demo', [
    file('Chart.yaml', 'apiVersion: v2\nname: demo\nversion: 0.1.0\n'),
    file('values.yaml', 'replicaCount: 1\n'),
    file(
      'templates/deployment.yaml',
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: {{ .Release.Name }}',
        '  labels:',
        '    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}',
        'spec:',
        '  replicas: {{ .Values.replicaCount }}',
        '',
      ].join('\n'),
    ),
  ]);
}
const G = 'kustomize_builder.go';

const KUSTOMIZATION =
  '\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n';
const DEPLOYMENT =
  '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: test-deployment\n';
const APP = { 'kustomization.yaml': KUSTOMIZATION, 'deployment.yaml': DEPLOYMENT };

export const kustomizeBuildCases: KustomizeBuildCase[] = [
  // --- Test_kustomizeBuilder_convert -----------------------------------------------------------
  { upstream: `${T} Test_kustomizeBuilder_convert path not specified`, config: {}, valid: 'path' },
  {
    upstream: `${T} Test_kustomizeBuilder_convert path is empty string`,
    config: { path: '', outPath: 'o' },
    valid: 'path',
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert outPath not specified`,
    config: { path: '/kustomization/path' },
    valid: 'outPath',
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert outPath is empty string`,
    config: { path: '/kustomization/path', outPath: '' },
    valid: 'outPath',
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert both required fields missing`,
    config: { plugin: {} },
    valid: 'outPath',
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert plugin.helm.apiVersions contains empty string`,
    config: {
      path: '/kustomization/path',
      outPath: '/output/manifests.yaml',
      plugin: { helm: { apiVersions: ['v1', ''] } },
    },
    valid: 'plugin.helm.apiVersions[1]',
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert valid minimal config`,
    config: { path: '/kustomization/path', outPath: '/output/manifests.yaml' },
    valid: true,
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert valid config with empty plugin`,
    config: { path: '/kustomization/path', outPath: '/output/manifests.yaml', plugin: {} },
    valid: true,
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert valid config with empty helm plugin`,
    config: {
      path: '/kustomization/path',
      outPath: '/output/manifests.yaml',
      plugin: { helm: {} },
    },
    valid: true,
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert valid config with helm kubeVersion only`,
    config: {
      path: '/kustomization/path',
      outPath: '/output/manifests.yaml',
      plugin: { helm: { kubeVersion: '1.28.0' } },
    },
    valid: true,
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert valid config with helm apiVersions only`,
    config: {
      path: '/kustomization/path',
      outPath: '/output/manifests.yaml',
      plugin: { helm: { apiVersions: ['v1', 'apps/v1', 'networking.k8s.io/v1'] } },
    },
    valid: true,
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert valid config with both helm fields`,
    config: {
      path: '/kustomization/path',
      outPath: '/output/manifests.yaml',
      plugin: { helm: { kubeVersion: '1.29.0', apiVersions: ['v1', 'apps/v1'] } },
    },
    valid: true,
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert valid kitchen sink`,
    config: {
      path: '/path/to/kustomization/directory',
      outPath: '/output/built-manifests.yaml',
      plugin: {
        helm: {
          kubeVersion: '1.29.2',
          apiVersions: [
            'v1',
            'apps/v1',
            'networking.k8s.io/v1',
            'cert-manager.io/v1',
            'argoproj.io/v1alpha1',
          ],
        },
      },
    },
    valid: true,
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert invalid outputFormat`,
    config: { path: '/kustomization/path', outPath: '/output/', outputFormat: 'invalid' },
    valid: 'outputFormat',
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert valid config with kargo outputFormat`,
    config: { path: '/kustomization/path', outPath: '/output/', outputFormat: 'kargo' },
    valid: true,
  },
  {
    upstream: `${T} Test_kustomizeBuilder_convert valid config with kustomize outputFormat`,
    config: { path: '/kustomization/path', outPath: '/output/', outputFormat: 'kustomize' },
    valid: true,
  },

  // --- Test_kustomizeBuilder_run ---------------------------------------------------------------
  {
    upstream: `${T} Test_kustomizeBuilder_run successful build`,
    config: { path: '.', outPath: 'output.yaml' },
    files: APP,
    wantContains: { 'output.yaml': ['test-deployment'] },
  },
  {
    // Kargo serves pkg/helm/testdata/charts/demo-0.1.0.tgz; DEMO_CHART is a chart of the same
    // name and version that renders what the row checks. kustomize runs the real helm.
    upstream: `${T} Test_kustomizeBuilder_run successful build with HelmChartInflationGenerator`,
    config: { path: '.', outPath: 'output.yaml' },
    helmRepository: { 'demo-0.1.0.tgz': { name: 'demo', version: '0.1.0', archive: DEMO_CHART } },
    files: {
      'kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\ngenerators:\n- chart.yaml\nnamespace: demo\n',
      'chart.yaml':
        '---\napiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata:\n  name: demo\nname: demo\nreleaseName: demo\nrepo: $REPO\nvaluesFile: values.yaml\n',
      'values.yaml': '---\nreplicaCount: 3',
    },
    wantContains: {
      'output.yaml': ['namespace: demo', 'helm.sh/chart: demo-0.1.0', 'replicas: 3'],
    },
  },
  {
    upstream: `${T} Test_kustomizeBuilder_run successful build with output directory`,
    config: { path: '.', outPath: 'output/' },
    files: APP,
    wantContains: { 'output/deployment-test-deployment.yaml': ['test-deployment'] },
  },
  {
    upstream: `${T} Test_kustomizeBuilder_run successful build with kargo output format`,
    config: { path: '.', outPath: 'output/', outputFormat: 'kargo' },
    files: APP,
    wantContains: { 'output/deployment-test-deployment.yaml': ['test-deployment'] },
  },
  {
    upstream: `${T} Test_kustomizeBuilder_run successful build with kustomize output format`,
    config: { path: '.', outPath: 'output/', outputFormat: 'kustomize' },
    files: APP,
    wantContains: { 'output/apps_v1_deployment_test-deployment.yaml': ['test-deployment'] },
  },
  {
    upstream: `${T} Test_kustomizeBuilder_run output directory rejects resource metadata that would escape it`,
    config: { path: '.', outPath: 'output/' },
    files: {
      'kustomization.yaml': KUSTOMIZATION,
      'deployment.yaml': '---\napiVersion: v1\nkind: ../owned/marker\nmetadata:\n  name: written\n',
      'owned/.keep': '',
    },
    error: 'unsafe generated resource filename',
    wantAbsent: ['owned/marker-written.yaml'],
  },
  {
    upstream: `${T} Test_kustomizeBuilder_run kustomization file not found`,
    config: { path: 'invalid/', outPath: 'output.yaml' },
    error: 'no such file or directory',
    wantAbsent: ['output.yaml'],
  },
  {
    upstream: `${T} Test_kustomizeBuilder_run invalid kustomization`,
    config: { path: '.', outPath: 'output.yaml' },
    files: { 'kustomization.yaml': 'invalid' },
    error: 'invalid Kustomization',
    wantAbsent: ['output.yaml'],
  },

  // --- Issue 15: a directory outPath is written into, nothing else removed ---------------------
  {
    upstream: `${G} writeResult (directory outPath: created if missing, nothing in it removed)`,
    config: { path: 'app', outPath: 'rendered' },
    files: {
      'app/kustomization.yaml': KUSTOMIZATION,
      'app/deployment.yaml': DEPLOYMENT,
      'rendered/.git/HEAD': 'ref: refs/heads/env/dev\n',
      'rendered/README.md': 'rendered manifests\n',
      'rendered/deployment-test-deployment.yaml': 'stale\n',
      'rendered/configmap-old.yaml': 'kept as Kargo keeps it\n',
    },
    wantFiles: {
      'rendered/.git/HEAD': 'ref: refs/heads/env/dev\n',
      'rendered/README.md': 'rendered manifests\n',
      'rendered/configmap-old.yaml': 'kept as Kargo keeps it\n',
    },
    wantListing: {
      dir: 'rendered',
      files: ['.git/HEAD', 'README.md', 'configmap-old.yaml', 'deployment-test-deployment.yaml'],
    },
    wantContains: { 'rendered/deployment-test-deployment.yaml': ['name: test-deployment'] },
  },
  {
    upstream: `${G} fileNameKargo (namespace-kind-name.yaml when the resource has a namespace)`,
    config: { path: '.', outPath: 'out' },
    files: {
      'kustomization.yaml': 'namespace: Demo\nresources:\n- deployment.yaml\n',
      'deployment.yaml': DEPLOYMENT,
    },
    wantListing: { dir: 'out', files: ['demo-deployment-test-deployment.yaml'] },
  },
  {
    upstream: `${G} fileNameKustomize (namespace_ prefix only with more than one namespace)`,
    config: { path: '.', outPath: 'out', outputFormat: 'kustomize' },
    files: {
      'kustomization.yaml': 'resources:\n- resources.yaml\n',
      'resources.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: one\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: two\n',
    },
    wantListing: { dir: 'out', files: ['one_v1_configmap_a.yaml', 'two_v1_configmap_b.yaml'] },
  },
];
