import type { Application } from '../../integrations/argocd/application.js';
import { AUTHORIZED, type ArgoCdUpdateRunCase } from './argocd-update-run-case.js';

const must = (name: string) =>
  `argocd_updater_test.go Test_argoCDUpdater_mustPerformUpdate ${name}`;
const authorized = (name: string) =>
  `argocd_updater_test.go Test_argoCDUpdater_getAuthorizedApplications ${name}`;
const applicable = (name: string) =>
  `argocd_updater_test.go Test_argoCDUpdater_validateSourceUpdatesApplicable ${name}`;
const run = (name: string) => `argocd_updater_test.go Test_argoCDUpdater_run ${name}`;
const process = (name: string) =>
  `argocd_updater_test.go Test_argoCDUpdater_processApplication ${name}`;
const sync = (name: string) => `argocd_updater_test.go Test_argoCDUpdater_syncApplication ${name}`;

const REPO = 'https://github.com/universe/42';
/** Kargo's mustPerformUpdate fixture: one app, one update asking for fake-revision. */
const config = [
  { name: 'fake-name', sources: [{ repoURL: REPO, desiredRevision: 'fake-revision' }] },
];
const synced = { sync: { status: 'Synced' }, health: { status: 'Healthy' } };
const appWith = (operationState?: NonNullable<Application['status']>['operationState']) => [
  {
    metadata: { name: 'fake-name' },
    spec: { source: { repoURL: REPO } },
    status: { ...synced, ...(operationState && { operationState }) },
  },
];
const byOther = { initiatedBy: { username: 'someone-else' } };
const forPromotion = (promotion: string) => ({
  initiatedBy: { username: 'kargo-controller' },
  info: [{ name: 'kargo.akuity.io/promotion', value: promotion }],
});
const seams =
  "injects Kargo's internal functions (mustPerformUpdateFn, buildDesiredSourcesFn, syncApplicationFn) to script the run; the decisions they stand for are the mustPerformUpdate, getAuthorizedApplications and validateSourceUpdatesApplicable rows run here, and the whole step runs against the Argo CD double in src/steps/argocd-steps.test.ts";
const labelled = (
  name: string,
  labels: Record<string, string>,
  annotations?: Record<string, string>,
) => ({
  metadata: { name, labels, annotations: annotations ?? AUTHORIZED },
  spec: { source: { repoURL: REPO } },
  status: synced,
});
const bySelector = [{ selector: { matchLabels: { app: 'test' } } }];

/** What argocd-update does at one look at an Application, as Kargo's tables say. */
export const argocdUpdateRunCases: ArgoCdUpdateRunCase[] = [
  { upstream: must('no operation state'), apps: appWith(), config, expect: 'sync' },
  {
    upstream: must('running operation initiated by different user'),
    apps: appWith({ phase: 'Running', operation: byOther }),
    config,
    expect: 'wait',
  },
  {
    upstream: must('completed operation initiated by non-kargo'),
    apps: appWith({ phase: 'Succeeded', operation: byOther }),
    config,
    expect: 'sync',
  },
  {
    upstream: must('running operation initiated for incorrect Promotion'),
    apps: appWith({ phase: 'Running', operation: forPromotion('wrong-freight-collection') }),
    config,
    expect: 'wait',
  },
  {
    upstream: must('completed operation initiated for incorrect Promotion'),
    apps: appWith({ phase: 'Succeeded', operation: forPromotion('wrong-freight-collection') }),
    config,
    expect: 'sync',
  },
  {
    upstream: must('running operation'),
    apps: appWith({ phase: 'Running', operation: forPromotion('fake-promotion') }),
    config,
    expect: 'wait',
  },
  {
    upstream: must('unable to determine desired revisions'),
    notRun:
      'the Application has no source at all; Gantry refuses an update that matches no source of the app before anything else (no source of Argo CD Application … matched update), where Kargo checks it only when it would sync',
  },
  {
    upstream: must('no sync result'),
    apps: appWith({ phase: 'Succeeded', operation: forPromotion('fake-promotion') }),
    config,
    expect: 'sync',
  },
  {
    upstream: must('desired revision does not match operation state'),
    apps: appWith({
      phase: 'Succeeded',
      operation: forPromotion('fake-promotion'),
      syncResult: { revision: 'other-fake-revision' },
    }),
    config,
    expect: 'sync',
  },
  {
    upstream: must('operation completed'),
    apps: appWith({
      phase: 'Succeeded',
      operation: forPromotion('fake-promotion'),
      syncResult: { revision: 'fake-revision' },
    }),
    config,
    expect: 'done',
  },

  {
    upstream: authorized('selector returns multiple authorized apps'),
    apps: [labelled('app1', { app: 'test' }), labelled('app2', { app: 'test' })],
    config: bySelector,
    expect: 'sync',
    synced: ['app1', 'app2'],
  },
  {
    upstream: authorized('selector filters out unauthorized apps'),
    apps: [labelled('app1', { app: 'test' }), labelled('app2', { app: 'test' }, {})],
    config: bySelector,
    expect: 'sync',
    synced: ['app1'],
  },
  {
    upstream: authorized('selector returns no apps'),
    apps: [labelled('app1', { app: 'other' })],
    config: bySelector,
    expect: { error: 'matches the selector app=test', terminal: true },
  },
  {
    upstream: authorized('selector matches apps but none authorized'),
    apps: [
      labelled('app1', { app: 'test' }, {}),
      labelled('app2', { app: 'test' }, {}),
      labelled('app3', { app: 'test' }, {}),
    ],
    config: bySelector,
    expect: {
      error:
        'found 3 Application(s) matching selector in namespace "fake-namespace", but none are authorized for Stage demo:dev',
      terminal: true,
    },
  },
  {
    upstream: authorized('name-based selection returns single app'),
    apps: [labelled('my-app', {})],
    config: [{ name: 'my-app' }],
    expect: 'sync',
  },
  {
    upstream: authorized('name-based selection app not found'),
    notRun:
      "how a missing Application is reported is the Argo CD client's (a terminal 404, src/integrations/argocd/argocd-client.contract.test.ts)",
  },
  {
    upstream: authorized('name-based selection app not authorized'),
    apps: [labelled('my-app', {}, {})],
    config: [{ name: 'my-app' }],
    expect: { error: 'is not authorized', terminal: true },
  },
  {
    upstream: authorized('error listing applications'),
    notRun:
      'injects a failing list call; how Argo CD errors become step errors is the client\'s and asStepError\'s (argocd-steps.test.ts "retries transient Argo CD errors and stops at terminal ones")',
  },

  {
    upstream: applicable('empty apps list returns no error'),
    notRun:
      'a selector that matches no app is an error before this check (the "selector returns no apps" row)',
  },
  {
    upstream: applicable('single app with valid sources'),
    apps: [labelled('app1', { app: 'test' })],
    config: [{ ...bySelector[0], sources: [{ repoURL: REPO, desiredRevision: 'v2' }] }],
    expect: 'sync',
  },
  {
    upstream: applicable('multiple apps all valid'),
    apps: ['app1', 'app2', 'app3'].map((name) => labelled(name, { app: 'test' })),
    config: [{ ...bySelector[0], sources: [{ repoURL: REPO, desiredRevision: 'v2' }] }],
    expect: 'sync',
  },
  {
    upstream: applicable('one app fails validation'),
    apps: [
      labelled('app1', { app: 'test' }),
      {
        ...labelled('app2', { app: 'test' }),
        spec: { source: { repoURL: 'https://github.com/example/repo' } },
      },
      labelled('app3', { app: 'test' }),
    ],
    config: [{ ...bySelector[0], sources: [{ repoURL: REPO, desiredRevision: 'v2' }] }],
    expect: {
      error:
        'selected Applications must have compatible sources; 1 incompatible. No Applications were updated:\nno source of Argo CD Application "app2"',
      terminal: true,
    },
  },
  {
    upstream: applicable('multiple apps fail validation - aggregates errors'),
    apps: ['app1', 'app2', 'app3', 'app4'].map((name) =>
      name === 'app2' || name === 'app4'
        ? {
            ...labelled(name, { app: 'test' }),
            spec: { source: { repoURL: 'https://github.com/example/repo' } },
          }
        : labelled(name, { app: 'test' }),
    ),
    config: [{ ...bySelector[0], sources: [{ repoURL: REPO, desiredRevision: 'v2' }] }],
    expect: { error: '2 incompatible', terminal: true },
  },
  {
    upstream: applicable('many apps fail - limits error reporting to first 3'),
    apps: ['app1', 'app2', 'app3', 'app4', 'app5'].map((name) => ({
      ...labelled(name, { app: 'test' }),
      spec: { source: { repoURL: 'https://github.com/example/repo' } },
    })),
    config: [{ ...bySelector[0], sources: [{ repoURL: REPO, desiredRevision: 'v2' }] }],
    expect: { error: '5 incompatible (showing first 3)', terminal: true },
  },

  ...[
    'argo cd integration disabled',
    'error retrieving authorized application',
    'error determining if update is necessary',
    'determination error can be solved by applying update',
    'must wait for update to complete',
    'must wait for operation from different user to complete',
    'error building desired sources',
    'error applying update',
    'failed and pending update',
    'operation phase aggregation error',
    'completed',
    'selector returns multiple apps - all succeed',
    'selector returns multiple apps - one fails during sync',
    'selector returns multiple apps - mixed phases',
    'validation fails - no apps updated',
    'selector returns multiple apps - one operation failed',
    'mixed name and selector updates',
  ].map((name) => ({ upstream: run(name), notRun: seams })),
  ...[
    'application requires update and succeeds',
    'application does not require update',
    'application failed - returns error with message',
    'application failed - returns error without message',
    'error building desired sources',
    'error syncing application',
    'mustUpdate with phase and error - continues processing',
    'mustUpdate without phase and error - stops processing',
  ].map((name) => ({ upstream: process(name), notRun: seams })),
  ...[
    'error patching Application',
    'success (no sources to update)',
    'updates Sources when present',
    'updates Source when Sources not present',
    'updates Sources when both Source and Sources are present',
  ].map((name) => ({
    upstream: sync(name),
    notRun:
      "patches through Kargo's Kubernetes client; in Gantry the Argo CD clients write the sources and start the sync (src/integrations/argocd/argocd-client.contract.test.ts, kubernetes-argocd-client.test.ts), and which of source/sources is written is sourcesPatch's",
  })),
  {
    upstream: 'argocd_updater_test.go TestSyncMessage (4 cases)',
    notRun:
      'formats the Kubernetes Event Kargo records when it starts a sync; Gantry records no Kubernetes Events (its audit trail and the step log say which app was synced)',
  },
  {
    upstream: 'argocd_updater_test.go Test_argoCDUpdater_logAppEvent (2 cases)',
    notRun: 'records a Kubernetes Event on the Application; Gantry has no Kubernetes Events',
  },
  {
    upstream: 'argocd_updater_test.go Test_argoCDUpdater_recursiveMerge (8 cases)',
    notRun:
      "merges Kargo's patch into the unstructured Application; Gantry sends a JSON merge patch of the sources only, and the clients' tests check that fields Gantry does not model survive",
  },
  {
    upstream:
      'argocd_updater_test.go Test_isIncompleteDiscoveryError, Test_argoCDUpdater_withDiscoveryRetry',
    notRun:
      "retry Kubernetes API discovery hiccups in Kargo's controller-runtime client; Gantry's clients retry transient errors through the step's errorThreshold",
  },
  {
    upstream: 'argocd_updater_test.go Test_newArgocdUpdater',
    notRun:
      "checks Kargo's constructor wiring; Gantry's step is a plain definition (src/steps/index.test.ts)",
  },
];
