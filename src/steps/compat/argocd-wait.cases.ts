import type { ArgoCdWaitCase } from './argocd-wait-case.js';
import type { SimpleStepCase } from './simple-step-case.js';

const convert = (name: string) => `argocd_waiter_test.go Test_argocdWaiter_convert ${name}`;
const ready = (name: string) => `argocd_waiter_test.go Test_argocdWaiter_checkAppReadiness ${name}`;
const run = (name: string) => `argocd_waiter_test.go Test_argocdWaiter_run ${name}`;
const NOW = '2024-01-01T00:00:00Z';
const healthy = { health: { status: 'Healthy' }, sync: { status: 'Synced' } };

/** Kargo's argocd-wait config table (argocd-wait-config.json), as data. */
export const argocdWaitConfigCases: SimpleStepCase[] = [
  {
    upstream: convert('apps not specified'),
    validateOnly: true,
    config: {},
    error: 'apps: required',
  },
  {
    upstream: convert('apps is empty'),
    validateOnly: true,
    config: { apps: [] },
    error: 'apps: must have at least one item',
  },
  {
    upstream: convert('app entry has neither name nor selector'),
    validateOnly: true,
    config: { apps: [{}] },
    error: 'apps[0]: set exactly one of name and selector',
  },
  {
    upstream: convert('app entry has both name and selector'),
    validateOnly: true,
    config: { apps: [{ name: 'my-app', selector: { matchLabels: { env: 'prod' } } }] },
    error: 'apps[0]: set exactly one of name and selector',
  },
  {
    upstream: convert('waitFor has invalid value'),
    validateOnly: true,
    config: { apps: [{ name: 'my-app', waitFor: ['invalid'] }] },
    error: 'apps[0].waitFor[0]: must be one of',
  },
  {
    upstream: convert('valid config with name'),
    validateOnly: true,
    config: { apps: [{ name: 'my-app' }] },
  },
  {
    upstream: convert('valid config with selector'),
    validateOnly: true,
    config: { apps: [{ selector: { matchLabels: { env: 'prod' } } }] },
  },
  {
    upstream: convert('valid config with waitFor'),
    validateOnly: true,
    config: { apps: [{ name: 'my-app', waitFor: ['health', 'sync'] }] },
  },
  // Not upstream rows: what argocd-wait-config.json also says.
  {
    upstream: 'argocd-wait-config.json waitFor uniqueItems',
    validateOnly: true,
    config: { apps: [{ name: 'my-app', waitFor: ['health', 'health'] }] },
    error: 'apps[0].waitFor: must not name a condition twice',
  },
  {
    upstream: 'argocd-wait-config.json waitFor minItems 1',
    validateOnly: true,
    config: { apps: [{ name: 'my-app', waitFor: [] }] },
    error: 'apps[0].waitFor: must have at least one item',
  },
];

/** Kargo's checkAppReadiness and run tables, with the Applications as data. */
export const argocdWaitCases: ArgoCdWaitCase[] = [
  {
    upstream: ready('error condition is terminal'),
    apps: [
      {
        name: 'my-app',
        status: { conditions: [{ type: 'InvalidSpecError', message: 'bad spec' }] },
      },
    ],
    expect: { terminal: 'bad spec' },
  },
  {
    upstream: ready('operation in progress returns not ready'),
    apps: [{ name: 'my-app', operation: {}, status: healthy }],
    expect: 'waiting',
  },
  {
    upstream: ready('reconciledAt nil after operation requests refresh and returns not ready'),
    apps: [
      {
        name: 'my-app',
        status: { ...healthy, operationState: { phase: 'Succeeded', finishedAt: NOW } },
      },
    ],
    expect: 'waiting',
  },
  {
    upstream: ready('reconciledAt before finishedAt requests refresh and returns not ready'),
    apps: [
      {
        name: 'my-app',
        status: {
          ...healthy,
          operationState: { phase: 'Succeeded', finishedAt: '2024-01-01T00:00:10Z' },
          reconciledAt: '2024-01-01T00:00:05Z',
        },
      },
    ],
    expect: 'waiting',
  },
  {
    upstream: ready('reconciledAt equal to finishedAt trusts health'),
    apps: [
      {
        name: 'my-app',
        status: {
          ...healthy,
          operationState: { phase: 'Succeeded', finishedAt: NOW },
          reconciledAt: NOW,
        },
      },
    ],
    expect: 'ready',
  },
  {
    upstream: ready('healthy and synced returns ready'),
    apps: [{ name: 'my-app', status: healthy }],
    expect: 'ready',
  },
  {
    upstream: ready('progressing returns not ready'),
    apps: [
      { name: 'my-app', status: { health: { status: 'Progressing' }, sync: { status: 'Synced' } } },
    ],
    expect: 'waiting',
  },
  {
    upstream: ready('out of sync returns not ready'),
    apps: [
      { name: 'my-app', status: { health: { status: 'Healthy' }, sync: { status: 'OutOfSync' } } },
    ],
    expect: 'waiting',
  },
  {
    upstream: ready('waitFor sync only — degraded health ignored'),
    apps: [
      { name: 'my-app', status: { health: { status: 'Degraded' }, sync: { status: 'Synced' } } },
    ],
    waitFor: ['sync'],
    expect: 'ready',
  },
  {
    upstream: ready('waitFor health and suspended — suspended satisfies health check'),
    apps: [
      { name: 'my-app', status: { health: { status: 'Suspended' }, sync: { status: 'Synced' } } },
    ],
    waitFor: ['health', 'suspended'],
    expect: 'ready',
  },
  {
    upstream: ready('health regression to Degraded from prior non-Degraded is terminal'),
    apps: [
      { name: 'my-app', status: { health: { status: 'Degraded' }, sync: { status: 'Synced' } } },
    ],
    before: 'Progressing',
    expect: { terminal: 'regressed' },
  },
  {
    upstream: ready('degraded with no prior health status is not terminal'),
    apps: [
      { name: 'my-app', status: { health: { status: 'Degraded' }, sync: { status: 'Synced' } } },
    ],
    expect: 'waiting',
  },
  {
    upstream: ready('waitFor operation only — operation completed, health/sync ignored'),
    apps: [
      {
        name: 'my-app',
        status: {
          health: { status: 'Degraded' },
          sync: { status: 'OutOfSync' },
          operationState: { phase: 'Succeeded', finishedAt: '2023-12-31T23:59:00Z' },
        },
      },
    ],
    waitFor: ['operation'],
    expect: 'ready',
  },
  // Not upstream rows: the rest of checkAppReadiness.
  {
    upstream: 'argocd_waiter.go checkAppReadiness: a ComparisonError condition is terminal too',
    apps: [
      {
        name: 'my-app',
        status: { ...healthy, conditions: [{ type: 'ComparisonError', message: 'no repo' }] },
      },
    ],
    expect: { terminal: '"ComparisonError" condition: no repo' },
  },
  {
    upstream: 'argocd_waiter.go checkAppReadiness: Degraded after Unknown is not terminal',
    apps: [
      { name: 'my-app', status: { health: { status: 'Degraded' }, sync: { status: 'Synced' } } },
    ],
    before: 'Unknown',
    expect: 'waiting',
  },
  {
    upstream: 'argocd_waiter.go operationInProgress: an operation state without finishedAt',
    apps: [{ name: 'my-app', status: { ...healthy, operationState: { phase: 'Running' } } }],
    expect: 'waiting',
  },

  {
    upstream: run('argocd client is nil'),
    notRun:
      'Gantry checks that Argo CD is configured in the step harness tests (src/steps/argocd-steps.test.ts "says how to configure Argo CD when none is")',
  },
  {
    upstream: run('error getting applications'),
    notRun:
      'injects a failing lookup function; Gantry\'s client errors are covered by argocd-steps.test.ts "retries transient Argo CD errors and stops at terminal ones"',
  },
  {
    upstream: run('checkAppReadiness terminal error stops loop'),
    notRun:
      "injects Kargo's readiness function; the terminal errors it stands for are the condition and regression rows above",
  },
  {
    upstream: run('health status tracked in output'),
    notRun:
      "Kargo keeps the last health in the step's output (healthStatus); Gantry keeps it in the step's memo, which the Degraded-regression rows above read",
  },
  {
    upstream: run('multiple apps, one not ready returns Running'),
    apps: [
      { name: 'app-a', status: healthy },
      { name: 'app-b', status: { health: { status: 'Progressing' }, sync: { status: 'Synced' } } },
    ],
    expect: 'waiting',
  },
  {
    upstream: run('all apps ready returns Succeeded'),
    apps: [{ name: 'my-app', status: healthy }],
    expect: 'ready',
  },
  {
    upstream: run('previous health statuses passed to checkAppReadiness'),
    notRun:
      "injects Kargo's readiness function to see its arguments; that the previous health reaches the check is what the regression rows above show",
  },
];
