import type { ValueUpdateCase } from './value-update-case.js';

const U = 'helm_chart_updater_test.go';
const DM =
  'pkg/helm/dependency_manager_test.go TestEphemeralDependencyManager_processDependencyUpdates';
const BITNAMI = 'https://charts.bitnami.com/bitnami';
const NO_MATCH = 'no dependency in Chart.yaml matches update';

/** A Chart.yaml with these dependencies (name, version), all from Bitnami's repository. */
function chartYaml(deps: Array<[string, string]>): string {
  return `name: test-chart\nversion: 1.0.0\n${
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
): ValueUpdateCase {
  return {
    upstream: `${DM} ${name}`,
    config: {
      path: 'testchart',
      charts: updates.map((u) => ({
        repository: u.repository ?? BITNAMI,
        name: u.name,
        version: u.version,
      })),
    },
    files: { 'testchart/Chart.yaml': chartYaml(before) },
    ...('error' in outcome
      ? { error: outcome.error }
      : { expectFiles: { 'testchart/Chart.yaml': chartYaml(outcome.after) } }),
  };
}
const NEEDS_DEPENDENCY_UPDATE =
  "needs `helm dependency update` (Chart.lock and charts/*.tgz from the chart's repositories), which Gantry's step does not do yet";
const NO_LOCK_MESSAGE =
  'an internal function over the versions in the old and new Chart.lock, which Gantry does not write yet';

const CHART = `apiVersion: v2
name: test-chart
version: 0.1.0
dependencies:
  - name: examplechart
    version: ">=0.0.1"
    repository: https://charts.example.com
`;

export const helmUpdateChartCases: ValueUpdateCase[] = [
  // Test_helmChartUpdater_convert: the config against helm-update-chart-config.json.
  {
    upstream: `${U} Test_helmChartUpdater_convert path is not specified`,
    validateOnly: true,
    config: {},
    error: 'path: required',
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert path is empty`,
    validateOnly: true,
    config: { path: '' },
    error: 'path: must not be empty',
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert charts is null`,
    validateOnly: true,
    config: { path: 'fake-path' },
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert charts is empty`,
    validateOnly: true,
    config: { charts: [] },
    error: 'charts: must have at least one item',
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert repository not specified`,
    validateOnly: true,
    config: { charts: [{}] },
    error: 'charts[0].repository: required',
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert repository is empty`,
    validateOnly: true,
    config: { charts: [{ repository: '' }] },
    error: 'charts[0].repository: must not be empty',
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert name not specified`,
    validateOnly: true,
    config: { charts: [{}] },
    error: 'charts[0].name: required',
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert name is empty`,
    validateOnly: true,
    config: { charts: [{ name: '' }] },
    error: 'charts[0].name: must not be empty',
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert version not specified`,
    validateOnly: true,
    config: { charts: [{}] },
    error: 'charts[0].version: required',
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert version is empty`,
    validateOnly: true,
    config: { charts: [{ version: '' }] },
    error: 'charts[0].version: must not be empty',
  },
  {
    upstream: `${U} Test_helmChartUpdater_convert valid kitchen sink`,
    validateOnly: true,
    config: {
      path: 'fake-path',
      charts: [{ repository: 'fake-repository', name: 'fake-chart', version: 'fake-version' }],
    },
  },

  // Test_helmChartUpdater_run: what Gantry's step does of it today is checked; the rest needs
  // the dependency update.
  {
    upstream: `${U} Test_helmChartUpdater_run successful run with HTTP repository (Chart.yaml)`,
    config: {
      path: 'testchart',
      charts: [
        { repository: 'https://charts.example.com', name: 'examplechart', version: '0.1.0' },
      ],
    },
    files: { 'testchart/Chart.yaml': CHART },
    expectContains: { 'testchart/Chart.yaml': ['version: 0.1.0'] },
    commitMessage: 'Updated chart dependencies for testchart\n\n- examplechart: 0.1.0',
  },
  {
    upstream: `${U} Test_helmChartUpdater_run successful run with HTTP repository (Chart.lock, charts/examplechart-0.1.0.tgz)`,
    config: {},
    skip: NEEDS_DEPENDENCY_UPDATE,
  },
  {
    upstream: `${U} Test_helmChartUpdater_run successful run with SemVer range`,
    config: {},
    skip: NEEDS_DEPENDENCY_UPDATE,
  },

  // The Chart.yaml edit Kargo's dependency manager makes before `helm dependency update`.
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
    { after: [['redis', '17.0.0']] },
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
  {
    upstream: `${DM} empty updates list`,
    config: {},
    skip: 'an internal call with no updates, which the step schema (charts: minItems 1) never lets through',
  },
  updateCase('empty dependencies list', [], [{ name: 'redis', version: '17.0.0' }], {
    error: NO_MATCH,
  }),

  ...[
    'empty newVersions',
    'single update',
    'multiple updates',
    'updates and removals',
    'only removals',
    'new additions',
    'mixed updates, removals, and additions',
  ].map((name) => ({
    upstream: `${U} Test_helmChartUpdater_generateCommitMessage ${name}`,
    config: {},
    skip: NO_LOCK_MESSAGE,
  })),
];
