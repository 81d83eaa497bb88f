import type { HelmChartCase } from './helm-chart-case.js';

/*
 * Kargo's helm-update-chart tables as data: helm_chart_updater_test.go (config, runs, commit
 * messages) and pkg/helm/dependency_manager_test.go (the `helm dependency update` Kargo runs:
 * Chart.yaml edits, local dependency checks, HTTP and OCI resolution, Chart.lock). Kargo's
 * tests serve charts from a local HTTP file server and an in-memory OCI registry; here the
 * repositories are data served by test/memory-chart-source.ts (the real servers are used by
 * src/steps/helm-update-chart.test.ts). Rows testing Kargo's internal helpers are run through
 * the step where their effect shows, else listed with the reason.
 */

const U = 'helm_chart_updater_test.go';
const DM = 'pkg/helm/dependency_manager_test.go';
const EXAMPLE = 'https://charts.example.com';
const BITNAMI = 'https://charts.bitnami.com/bitnami';
const NO_MATCH = 'no dependency in Chart.yaml matches update';

/** Charts the Bitnami rows need, at every version they mention. */
const BITNAMI_CHARTS = {
  [BITNAMI]: {
    redis: ['17.0.0', '18.0.0'],
    postgresql: ['12.0.0'],
    mysql: ['9.0.0', '10.0.0'],
  },
};

/** A Chart.yaml with these dependencies (name, version), all from Bitnami's repository. */
function chartYaml(deps: Array<[string, string]>): string {
  return `apiVersion: v2\nname: test-chart\nversion: 1.0.0\n${
    deps.length === 0
      ? ''
      : `dependencies:\n${deps
          .map(
            ([name, version]) =>
              `  - name: ${name}\n    repository: ${BITNAMI}\n    version: ${version}\n`,
          )
          .join('')}`
  }`;
}

/** A processDependencyUpdates row, run through the step on testchart/Chart.yaml. */
function updateCase(
  name: string,
  before: Array<[string, string]>,
  updates: Array<{ name: string; repository?: string; version: string }>,
  outcome: { after: Array<[string, string]> } | { error: string },
): HelmChartCase {
  return {
    upstream: `${DM} TestEphemeralDependencyManager_processDependencyUpdates ${name}`,
    config: {
      path: 'testchart',
      ...(updates.length === 0
        ? {}
        : {
            charts: updates.map((u) => ({
              repository: u.repository ?? BITNAMI,
              name: u.name,
              version: u.version,
            })),
          }),
    },
    repositories: BITNAMI_CHARTS,
    files: { 'testchart/Chart.yaml': chartYaml(before) },
    ...('error' in outcome
      ? { error: outcome.error, expectFiles: { 'testchart/Chart.yaml': chartYaml(before) } }
      : { expectFiles: { 'testchart/Chart.yaml': chartYaml(outcome.after) } }),
  };
}

const CHART = `apiVersion: v2
name: test-chart
version: 0.1.0
dependencies:
  - name: examplechart
    version: ">=0.0.1"
    repository: ${EXAMPLE}
`;

/**
 * A generateCommitMessage row run through the step: Chart.lock pins `before`, Chart.yaml asks
 * for `after` exactly; the message lists what changed between them.
 */
function messageCase(
  name: string,
  before: Array<[string, string]>,
  after: Array<[string, string]>,
  lines: string[],
): HelmChartCase {
  const versions: Record<string, string[]> = {};
  for (const [chart, version] of [...before, ...after]) (versions[chart] ??= []).push(version);
  const lock = `dependencies:\n${before
    .map(
      ([chart, version]) => `- name: ${chart}\n  repository: ${EXAMPLE}\n  version: ${version}\n`,
    )
    .join('')}digest: sha256:0000\ngenerated: "2025-01-01T00:00:00Z"\n`;
  return {
    upstream: `${U} Test_helmChartUpdater_generateCommitMessage ${name}`,
    config: { path: 'charts/mychart' },
    repositories: { [EXAMPLE]: versions },
    files: {
      'charts/mychart/Chart.yaml': `apiVersion: v2\nname: mychart\nversion: 1.0.0\ndependencies:\n${after
        .map(
          ([chart, version]) =>
            `- name: ${chart}\n  repository: ${EXAMPLE}\n  version: ${version}\n`,
        )
        .join('')}`,
      'charts/mychart/Chart.lock': lock,
    },
    ...(lines.length === 0
      ? { commitMessage: null, expectFiles: { 'charts/mychart/Chart.lock': lock } }
      : { commitLines: lines }),
  };
}

/** A validateDependencies / validateLocalDependency row: chart `chart` with one file:// dependency. */
function localCase(
  name: string,
  repository: string,
  setup: Pick<HelmChartCase, 'files' | 'links' | 'outside'>,
  error?: string,
): HelmChartCase {
  return {
    upstream: `${DM} ${name}`,
    config: { path: 'chart' },
    ...setup,
    files: {
      'chart/Chart.yaml': `apiVersion: v2\nname: chart\nversion: 1.0.0\ndependencies:\n- name: dep\n  repository: ${repository}\n  version: "*"\n`,
      ...setup.files,
    },
    ...(error ? { error } : { expectListing: { 'chart/charts': ['dep-0.1.0.tgz'] } }),
  };
}

const DEP_CHART = 'apiVersion: v2\nname: dep\nversion: 0.1.0\n';
const NOT_RUN_INTERNAL = (what: string) =>
  `tests ${what}, an internal helper of Kargo's dependency manager with no counterpart here`;

export const helmUpdateChartCases: HelmChartCase[] = [
  // Test_helmChartUpdater_convert: the config against helm-update-chart-config.json.
  ...(
    [
      ['path is not specified', {}, 'path: required'],
      ['path is empty', { path: '' }, 'path: must not be empty'],
      ['charts is null', { path: 'fake-path' }, undefined],
      ['charts is empty', { charts: [] }, 'charts: must have at least one item'],
      ['repository not specified', { charts: [{}] }, 'charts[0].repository: required'],
      [
        'repository is empty',
        { charts: [{ repository: '' }] },
        'charts[0].repository: must not be empty',
      ],
      ['name not specified', { charts: [{}] }, 'charts[0].name: required'],
      ['name is empty', { charts: [{ name: '' }] }, 'charts[0].name: must not be empty'],
      ['version not specified', { charts: [{}] }, 'charts[0].version: required'],
      ['version is empty', { charts: [{ version: '' }] }, 'charts[0].version: must not be empty'],
      [
        'valid kitchen sink',
        {
          path: 'fake-path',
          charts: [{ repository: 'fake-repository', name: 'fake-chart', version: 'fake-version' }],
        },
        undefined,
      ],
    ] as Array<[string, unknown, string | undefined]>
  ).map(([name, config, error]): HelmChartCase => ({
    upstream: `${U} Test_helmChartUpdater_convert ${name}`,
    validateOnly: true,
    config,
    ...(error === undefined ? {} : { error }),
  })),

  // Test_helmChartUpdater_run
  {
    upstream: `${U} Test_helmChartUpdater_run successful run with HTTP repository`,
    config: {
      path: 'testchart',
      charts: [{ repository: EXAMPLE, name: 'examplechart', version: '0.1.0' }],
    },
    repositories: { [EXAMPLE]: { examplechart: ['0.1.0'] } },
    files: { 'testchart/Chart.yaml': CHART },
    commitMessage: 'Updated chart dependencies for testchart\n\n- examplechart: 0.1.0',
    expectContains: {
      'testchart/Chart.yaml': ['version: 0.1.0'],
      'testchart/Chart.lock': ['version: 0.1.0', 'digest: sha256:'],
    },
    expectListing: { 'testchart/charts': ['examplechart-0.1.0.tgz'] },
  },
  {
    upstream: `${U} Test_helmChartUpdater_run successful run with SemVer range`,
    config: { path: 'testchart' },
    repositories: { [EXAMPLE]: { examplechart: ['0.1.0'] } },
    files: { 'testchart/Chart.yaml': CHART },
    commitMessage: 'Updated chart dependencies for testchart\n\n- examplechart: 0.1.0',
    expectContains: {
      'testchart/Chart.yaml': ['version: 0.1.0'],
      'testchart/Chart.lock': ['version: 0.1.0'],
    },
    expectListing: { 'testchart/charts': ['examplechart-0.1.0.tgz'] },
  },

  // TestEphemeralDependencyManager_update
  {
    upstream: `${DM} TestEphemeralDependencyManager_update update with HTTP and OCI repositories`,
    config: { path: 'test-chart' },
    repositories: {
      'http://127.0.0.1:8080': { examplechart: ['0.1.0'] },
      'oci://127.0.0.1:5000': { demo: ['0.1.0'] },
    },
    files: {
      'test-chart/Chart.yaml':
        'apiVersion: v2\nname: test-chart\nversion: 1.0.0\ndependencies:\n- name: examplechart\n  repository: http://127.0.0.1:8080\n  version: 0.1.*\n- name: demo\n  repository: oci://127.0.0.1:5000\n  version: "*"\n',
    },
    commitLines: ['- examplechart: 0.1.0', '- demo: 0.1.0'],
    expectListing: { 'test-chart/charts': ['examplechart-0.1.0.tgz', 'demo-0.1.0.tgz'] },
  },
  {
    upstream: `${DM} TestEphemeralDependencyManager_update update with existing Chart.lock`,
    config: { path: 'test-chart' },
    repositories: { 'http://127.0.0.1:8080': { examplechart: ['0.1.0'] } },
    files: {
      'test-chart/Chart.yaml':
        'apiVersion: v2\nname: test-chart\nversion: 1.0.0\ndependencies:\n- name: examplechart\n  repository: http://127.0.0.1:8080\n  version: 0.1.*\n',
      'test-chart/Chart.lock':
        '# This is an existing Chart.lock file\ndependencies:\n- name: examplechart\n  repository: http://127.0.0.1:8080\n  version: 0.0.9\ndigest: sha256:old-digest-should-be-replaced\ngenerated: "2023-01-01T00:00:00Z"\n',
    },
    commitLines: ['- examplechart: 0.0.9 -> 0.1.0'],
    expectContains: { 'test-chart/Chart.lock': ['version: 0.1.0', 'digest: sha256:'] },
    expectMissing: { 'test-chart/Chart.lock': ['version: 0.0.9', 'old-digest-should-be-replaced'] },
    // No backup files remain.
    expectListing: { 'test-chart': ['Chart.lock', 'Chart.yaml', 'charts'] },
  },

  // TestEphemeralDependencyManager_validateDependencies
  {
    upstream: `${DM} TestEphemeralDependencyManager_validateDependencies no dependencies`,
    config: {},
    skip: 'validates an empty list in isolation; a chart with no dependencies has nothing for the step to update (see docs/compatibility.md)',
  },
  localCase(
    'TestEphemeralDependencyManager_validateDependencies valid local dependency',
    'file://../local-chart',
    {
      files: { 'local-chart/Chart.yaml': DEP_CHART },
    },
  ),
  localCase(
    'TestEphemeralDependencyManager_validateDependencies invalid local dependency outside work directory',
    'file://../../outside-chart',
    {},
    'invalid dependency',
  ),
  {
    upstream: `${DM} TestEphemeralDependencyManager_validateDependencies remote dependencies are valid`,
    config: { path: 'test-chart' },
    repositories: {
      [BITNAMI]: { nginx: ['1.0.0'] },
      'oci://registry.com/charts': { redis: ['2.0.0'] },
    },
    files: {
      'test-chart/Chart.yaml': `apiVersion: v2\nname: test-chart\nversion: 1.0.0\ndependencies:\n- name: nginx\n  repository: ${BITNAMI}\n  version: "*"\n- name: redis\n  repository: oci://registry.com/charts\n  version: "*"\n`,
    },
    commitLines: ['- nginx: 1.0.0', '- redis: 2.0.0'],
  },

  // TestEphemeralDependencyManager_validateLocalDependency
  localCase(
    'TestEphemeralDependencyManager_validateLocalDependency valid local dependency',
    'file://../valid-dep',
    {
      files: { 'valid-dep/Chart.yaml': DEP_CHART },
    },
  ),
  localCase(
    'TestEphemeralDependencyManager_validateLocalDependency dependency outside work directory',
    'file://../../outside-dep',
    { outside: { 'outside-dep/Chart.yaml': DEP_CHART } },
    'dependency path is outside the work directory',
  ),
  localCase(
    'TestEphemeralDependencyManager_validateLocalDependency valid symlink within work directory',
    'file://../symlink-dep',
    { files: { 'valid-dep/Chart.yaml': DEP_CHART }, links: { 'symlink-dep': 'valid-dep' } },
  ),
  localCase(
    'TestEphemeralDependencyManager_validateLocalDependency symlink pointing outside work directory',
    'file://../symlink-dep',
    {
      outside: { 'outside-dep/Chart.yaml': DEP_CHART },
      links: { 'symlink-dep': '../outside-dep' },
    },
    'dependency path is outside the work directory',
  ),
  localCase(
    'TestEphemeralDependencyManager_validateLocalDependency non-existent dependency path',
    'file://../non-existent-dep',
    {},
    'resolve dependency path',
  ),
  localCase(
    'TestEphemeralDependencyManager_validateLocalDependency absolute dependency path',
    'file:///absolute-dep',
    {},
    'must be relative',
  ),

  // TestEphemeralDependencyManager_processDependencyUpdates: the Chart.yaml edit.
  updateCase(
    'successful update with version change',
    [
      ['redis', '17.0.0'],
      ['postgresql', '12.0.0'],
    ],
    [{ name: 'redis', version: '18.0.0' }],
    {
      after: [
        ['redis', '18.0.0'],
        ['postgresql', '12.0.0'],
      ],
    },
  ),
  updateCase(
    'no update when version equals',
    [['redis', '17.0.0']],
    [{ name: 'redis', version: '17.0.0' }],
    {
      after: [['redis', '17.0.0']],
    },
  ),
  updateCase(
    'multiple updates with mixed changes',
    [
      ['redis', '17.0.0'],
      ['postgresql', '12.0.0'],
      ['mysql', '9.0.0'],
    ],
    [
      { name: 'redis', version: '18.0.0' },
      { name: 'mysql', version: '10.0.0' },
    ],
    {
      after: [
        ['redis', '18.0.0'],
        ['postgresql', '12.0.0'],
        ['mysql', '10.0.0'],
      ],
    },
  ),
  updateCase(
    'dependency name mismatch',
    [['redis', '17.0.0']],
    [{ name: 'postgresql', version: '12.0.0' }],
    {
      error: NO_MATCH,
    },
  ),
  updateCase(
    'dependency repository mismatch',
    [['redis', '17.0.0']],
    [{ name: 'redis', repository: 'https://different-repo.com', version: '18.0.0' }],
    { error: NO_MATCH },
  ),
  updateCase('empty updates list', [['redis', '17.0.0']], [], { after: [['redis', '17.0.0']] }),
  updateCase('empty dependencies list', [], [{ name: 'redis', version: '17.0.0' }], {
    error: NO_MATCH,
  }),

  // TestEphemeralDependencyManager_setupRepositories / fetchRepositoryIndexes
  {
    upstream: `${DM} TestEphemeralDependencyManager_setupRepositories mixed dependency types with credentials`,
    config: {},
    skip: NOT_RUN_INTERNAL(
      'the repositories.yaml and registry logins Helm needs; Gantry passes credentials per request (src/steps/helm-update-chart.test.ts checks which requests carry them)',
    ),
  },
  ...[
    'HTTPS repository credential database error',
    'OCI credential database error',
    'OCI authentication with invalid credentials',
    'multiple OCI repositories same host',
    'path-less OCI repository with credentials',
  ].map((name): HelmChartCase => ({
    upstream: `${DM} TestEphemeralDependencyManager_setupRepositories ${name}`,
    config: {},
    skip: NOT_RUN_INTERNAL('the Helm registry login and credential database calls'),
  })),
  ...[
    'successful fetch with valid repositories',
    'repository config file not found',
    'invalid repository URL',
    'empty repositories list',
    'malformed repositories.yaml',
  ].map((name): HelmChartCase => ({
    upstream: `${DM} TestEphemeralDependencyManager_fetchRepositoryIndexes ${name}`,
    config: {},
    skip: NOT_RUN_INTERNAL("the repositories.yaml file of Helm's ephemeral home"),
  })),
  {
    upstream: `${DM} TestEphemeralDependencyManager_fetchRepositoryIndexes server returns 404 for index file`,
    config: { path: 'c' },
    repositories: {},
    files: {
      'c/Chart.yaml': `apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n- name: nginx\n  repository: ${EXAMPLE}\n  version: "*"\n`,
    },
    error: ['is not a valid chart repository or cannot be reached', '404'],
  },
  ...[
    'TestNewEphemeralDependencyManager',
    'TestEphemeralDependencyManager_Teardown',
    'TestEphemeralDependencyManager_repositoryConfig',
    'TestEphemeralDependencyManager_repositoryCache',
    'Test_newFileBackup',
    'Test_backupFile_Restore',
  ].map((name): HelmChartCase => ({
    upstream: `${DM} ${name}`,
    config: {},
    skip: NOT_RUN_INTERNAL('the temporary Helm home and Chart.lock backup files'),
  })),

  // Test_helmChartUpdater_generateCommitMessage, through Chart.lock before and after.
  messageCase('empty newVersions', [['chart1', '1.0.0']], [['chart1', '1.0.0']], []),
  messageCase(
    'single update',
    [['chart1', '1.0.0']],
    [['chart1', '1.1.0']],
    ['- chart1: 1.0.0 -> 1.1.0'],
  ),
  messageCase(
    'multiple updates',
    [
      ['chart1', '1.0.0'],
      ['chart2', '2.0.0'],
      ['chart3', '3.0.0'],
    ],
    [
      ['chart1', '1.1.0'],
      ['chart2', '2.1.0'],
      ['chart3', '3.1.0'],
    ],
    ['- chart1: 1.0.0 -> 1.1.0', '- chart2: 2.0.0 -> 2.1.0', '- chart3: 3.0.0 -> 3.1.0'],
  ),
  messageCase(
    'updates and removals',
    [
      ['chart1', '1.0.0'],
      ['chart2', '2.0.0'],
      ['chart3', '3.0.0'],
    ],
    [
      ['chart1', '1.1.0'],
      ['chart3', '3.1.0'],
    ],
    ['- chart1: 1.0.0 -> 1.1.0', '- chart2: removed', '- chart3: 3.0.0 -> 3.1.0'],
  ),
  {
    upstream: `${U} Test_helmChartUpdater_generateCommitMessage only removals`,
    config: {},
    skip: 'removing every dependency leaves Chart.yaml without dependencies, where helm writes no Chart.lock; only reachable through the internal function',
  },
  messageCase(
    'new additions',
    [['chart0', '0.1.0']],
    [
      ['chart0', '0.1.0'],
      ['chart1', '1.0.0'],
      ['chart2', '2.0.0'],
    ],
    ['- chart1: 1.0.0', '- chart2: 2.0.0'],
  ),
  messageCase(
    'mixed updates, removals, and additions',
    [
      ['chart1', '1.0.0'],
      ['chart2', '2.0.0'],
      ['chart4', '4.0.0'],
    ],
    [
      ['chart1', '1.1.0'],
      ['chart3', '3.0.0'],
      ['chart4', '4.1.0'],
    ],
    [
      '- chart1: 1.0.0 -> 1.1.0',
      '- chart2: removed',
      '- chart3: 3.0.0',
      '- chart4: 4.0.0 -> 4.1.0',
    ],
  ),
];
