import type { ExpressionVariable, PromotionStep } from '../../api/common.js';
import type { PromotionTaskSpec } from '../../api/promotion-task.js';

/**
 * Kargo's PromotionTask inflation (pkg/api/promotion.go: InflateSteps, inflateTaskSteps,
 * getPromotionTaskSpec, generatePromotionTaskStepAlias, promotionTaskVarsToStepVars), its tests
 * in pkg/api/promotion_test.go translated to data, and runs of Kargo's own example task
 * (akuity/kargo-simple kargo/promotiontask.yaml) whose steps' `if` read the task's vars.
 *
 * An inflation case gives a Promotion's vars and steps and the (Cluster)PromotionTasks in reach,
 * and expects the inflated steps (alias, `uses`, vars compared as a multiset, as upstream's
 * ElementsMatch) or an error. Tests of an internal function are written as the Promotion that
 * reaches it: a task alias is the referencing step's `as`, the promotion vars are the Promotion's.
 */
export interface InflationCase {
  upstream: string;
  /** The Promotion's vars (Kargo's promo.Spec.Vars). */
  promotionVars?: ExpressionVariable[];
  steps?: PromotionStep[];
  tasks?: TaskFixture[];
  /** The inflated steps; `vars` omitted: not asserted. */
  want?: Array<{ as: string; uses?: string; vars?: ExpressionVariable[] }>;
  /** A step Kargo's API refuses (CRD schema), checked against Gantry's step schema. */
  refusedStep?: unknown;
  /** Upstream's asserted error text (Gantry's messages contain it). */
  error?: string;
  skip?: string;
}

export interface TaskFixture {
  kind: 'PromotionTask' | 'ClusterPromotionTask';
  name: string;
  spec: PromotionTaskSpec;
}

/**
 * A Promotion run: its steps inflated, then each inflated step evaluated as the runner evaluates
 * it (its vars, its `if`, its config) with the outputs given.
 */
export interface TaskRunCase {
  upstream: string;
  promotionVars?: ExpressionVariable[];
  steps: PromotionStep[];
  tasks: TaskFixture[];
  /** Outputs of the steps run so far, by (inflated) alias. */
  state?: Record<string, Record<string, unknown>>;
  want: Array<{
    as: string;
    /** Whether the step runs (its `if`). */
    runs?: boolean;
    vars?: Record<string, unknown>;
    config?: unknown;
  }>;
}

const PROMOTION = 'pkg/api/promotion_test.go';
const INFLATE = `${PROMOTION} TestInflateSteps`;
const TASK_STEPS = `${PROMOTION} Test_inflateTaskSteps`;
const TASK_SPEC = `${PROMOTION} Test_getPromotionTaskSpec`;
const ALIAS = `${PROMOTION} Test_generatePromotionTaskStepAlias`;
const TO_STEP_VARS = `${PROMOTION} Test_promotionTaskVarsToStepVars`;

const v = (name: string, value?: string): ExpressionVariable =>
  value === undefined ? { name } : { name, value };

const task = (
  name: string,
  spec: PromotionTaskSpec,
  kind: TaskFixture['kind'] = 'PromotionTask',
): TaskFixture => ({ kind, name, spec });

const ref = (name: string, kind?: TaskFixture['kind']) =>
  kind ? { name, kind } : ({ name } as { name: string; kind: TaskFixture['kind'] });

/** A one-step task whose vars are `vars`: the inflated step's vars are what the task maps. */
function varsCase(
  name: string,
  taskVars: ExpressionVariable[] | undefined,
  promotionVars: ExpressionVariable[] | undefined,
  stepVars: ExpressionVariable[] | undefined,
  outcome: { vars: ExpressionVariable[] } | { error: string },
): InflationCase {
  return {
    upstream: `${TO_STEP_VARS} ${name}`,
    ...(promotionVars && { promotionVars }),
    steps: [{ as: 't', task: ref('task'), ...(stepVars && { vars: stepVars }) }],
    tasks: [task('task', { ...(taskVars && { vars: taskVars }), steps: [{ uses: 'fake-step' }] })],
    ...('error' in outcome
      ? { error: outcome.error }
      : { want: [{ as: 't::step-1', uses: 'fake-step', vars: outcome.vars }] }),
  };
}

export const inflationCases: InflationCase[] = [
  {
    upstream: `${INFLATE} task not found returns error`,
    steps: [{ task: ref('missing-task') }],
    error: 'not found',
  },
  {
    upstream: `${INFLATE} single direct step`,
    steps: [{ as: 'direct-step', uses: 'fake-step' }],
    want: [{ as: 'direct-step', uses: 'fake-step' }],
  },
  {
    upstream: `${INFLATE} mix of direct and task steps`,
    steps: [
      { as: 'direct-step', uses: 'fake-step' },
      { as: 'task-step', task: ref('test-task'), vars: [v('input1', 'value1')] },
    ],
    tasks: [
      task('test-task', {
        vars: [v('input1')],
        steps: [{ as: 'sub-step', uses: 'other-fake-step' }],
      }),
    ],
    want: [
      { as: 'direct-step', uses: 'fake-step' },
      { as: 'task-step::sub-step', uses: 'other-fake-step', vars: [v('input1', 'value1')] },
    ],
  },
  {
    upstream: `${INFLATE} multiple task steps`,
    steps: [
      { as: 'task1', task: ref('test-task-1'), vars: [v('input1', 'value1')] },
      {
        as: 'task2',
        task: ref('test-task-2', 'ClusterPromotionTask'),
        vars: [v('input2', 'value2')],
      },
    ],
    tasks: [
      task('test-task-1', { vars: [v('input1')], steps: [{ as: 'step1', uses: 'fake-step' }] }),
      task(
        'test-task-2',
        { vars: [v('input2')], steps: [{ as: 'step2', uses: 'other-fake-step' }] },
        'ClusterPromotionTask',
      ),
    ],
    want: [
      { as: 'task1::step1', uses: 'fake-step', vars: [v('input1', 'value1')] },
      { as: 'task2::step2', uses: 'other-fake-step', vars: [v('input2', 'value2')] },
    ],
  },

  {
    upstream: `${TASK_STEPS} task not found`,
    steps: [{ as: 'deploy', task: ref('missing-task') }],
    error: 'not found',
  },
  {
    upstream: `${TASK_STEPS} invalid config for task variables`,
    steps: [{ task: ref('test-task') }],
    tasks: [task('test-task', { vars: [v('input1')], steps: [{ uses: 'fake-step' }] })],
    error: 'missing value for variable',
  },
  {
    upstream: `${TASK_STEPS} successful task step inflation`,
    promotionVars: [v('input3', 'value1')],
    steps: [
      {
        as: 'task-1',
        task: ref('test-task'),
        vars: [v('input1', 'value1'), v('input2', 'value2')],
      },
    ],
    tasks: [
      task('test-task', {
        vars: [v('input1'), v('input2', 'default2'), v('input3')],
        steps: [
          { as: 'step1', uses: 'fake-step' },
          { as: 'step2', uses: 'other-fake-step', vars: [v('input4', 'value4')] },
        ],
      }),
    ],
    want: [
      {
        as: 'task-1::step1',
        uses: 'fake-step',
        vars: [v('input2', 'default2'), v('input1', 'value1'), v('input2', 'value2')],
      },
      {
        as: 'task-1::step2',
        uses: 'other-fake-step',
        vars: [
          v('input2', 'default2'),
          v('input1', 'value1'),
          v('input2', 'value2'),
          v('input4', 'value4'),
        ],
      },
    ],
  },
  {
    upstream: `${TASK_STEPS} task steps with default alias`,
    steps: [{ as: 'custom-alias', task: ref('test-task'), vars: [v('input1', 'value1')] }],
    tasks: [
      task('test-task', {
        vars: [v('input1')],
        steps: [{ uses: 'fake-step' }, { uses: 'other-fake-step' }],
      }),
    ],
    want: [{ as: 'custom-alias::step-1' }, { as: 'custom-alias::step-2' }],
  },
  {
    // Upstream hands the alias task-0 in; a Promotion's first unnamed task step is task-1.
    upstream: `${TASK_STEPS} cluster task with steps`,
    steps: [
      { task: ref('test-cluster-task', 'ClusterPromotionTask'), vars: [v('input1', 'value1')] },
    ],
    tasks: [
      task(
        'test-cluster-task',
        { vars: [v('input1')], steps: [{ as: 'custom-alias', uses: 'fake-step' }] },
        'ClusterPromotionTask',
      ),
    ],
    want: [{ as: 'task-1::custom-alias' }],
  },

  {
    upstream: `${TASK_SPEC} nil reference returns error`,
    skip: 'unreachable from a manifest: a step without a task reference is a plain step',
  },
  {
    upstream: `${TASK_SPEC} unknown task kind returns error`,
    refusedStep: { task: { name: 'test-task', kind: 'UnknownKind' } },
    error: 'unknown task reference kind',
  },
  {
    upstream: `${TASK_SPEC} PromotionTask not found returns error`,
    skip: "the Go fake client's injected Get error (an interceptor); a task that is not there is the not-found cases above",
  },
  {
    upstream: `${TASK_SPEC} ClusterPromotionTask not found returns error`,
    skip: "the Go fake client's injected Get error (an interceptor); a task that is not there is the not-found cases above",
  },
  {
    upstream: `${TASK_SPEC} successfully retrieves PromotionTask`,
    steps: [{ as: 't', task: ref('test-task', 'PromotionTask') }],
    tasks: [
      task('test-task', { vars: [v('input1', 'value1')], steps: [{ uses: 'fake-step' }] }),
      task(
        'test-task',
        { vars: [v('input1', 'other')], steps: [{ uses: 'fake-step' }] },
        'ClusterPromotionTask',
      ),
    ],
    want: [{ as: 't::step-1', vars: [v('input1', 'value1')] }],
  },
  {
    upstream: `${TASK_SPEC} successfully retrieves ClusterPromotionTask`,
    steps: [{ as: 't', task: ref('test-task', 'ClusterPromotionTask') }],
    tasks: [
      task('test-task', { vars: [v('input1', 'other')], steps: [{ uses: 'fake-step' }] }),
      task(
        'test-task',
        { vars: [v('input1', 'value1')], steps: [{ uses: 'fake-step' }] },
        'ClusterPromotionTask',
      ),
    ],
    want: [{ as: 't::step-1', vars: [v('input1', 'value1')] }],
  },
  {
    upstream: `${TASK_SPEC} empty kind defaults to PromotionTask`,
    steps: [{ as: 't', task: ref('test-task') }],
    tasks: [
      task('test-task', { vars: [v('input1', 'value1')], steps: [{ uses: 'fake-step' }] }),
      task(
        'test-task',
        { vars: [v('input1', 'other')], steps: [{ uses: 'fake-step' }] },
        'ClusterPromotionTask',
      ),
    ],
    want: [{ as: 't::step-1', vars: [v('input1', 'value1')] }],
  },

  {
    upstream: `${ALIAS} standard aliases`,
    steps: [{ as: 'deploy', task: ref('task') }],
    tasks: [task('task', { steps: [{ as: 'apply', uses: 'fake-step' }] })],
    want: [{ as: 'deploy::apply' }],
  },
  {
    upstream: `${ALIAS} empty task alias`,
    skip: 'unreachable from a manifest: a task step without `as` is task-<n>',
  },
  {
    upstream: `${ALIAS} empty step alias`,
    skip: "unreachable from a manifest: a task's step without `as` is step-<n>",
  },
  {
    upstream: `${ALIAS} both aliases empty`,
    skip: 'unreachable from a manifest: unset aliases are task-<n> and step-<n>',
  },
  {
    upstream: `${ALIAS} aliases with special characters`,
    steps: [{ as: 'deploy-task', task: ref('task') }],
    tasks: [task('task', { steps: [{ as: 'apply_config', uses: 'fake-step' }] })],
    want: [{ as: 'deploy-task::apply_config' }],
  },
  {
    upstream: `${ALIAS} aliases containing separator`,
    steps: [{ as: 'deploy::task', task: ref('task') }],
    tasks: [task('task', { steps: [{ as: 'apply::config', uses: 'fake-step' }] })],
    want: [{ as: 'deploy::task::apply::config' }],
  },

  varsCase('nil inputs returns nil map and no error', undefined, undefined, undefined, {
    vars: [],
  }),
  varsCase('empty inputs returns nil map and no error', [], undefined, undefined, { vars: [] }),
  varsCase('missing required variable returns error', [v('input1')], undefined, [v('input1', '')], {
    error: 'missing value for variable "input1"',
  }),
  varsCase(
    'default value used when config value not provided',
    [v('input1', 'default1')],
    undefined,
    undefined,
    { vars: [v('input1', 'default1')] },
  ),
  varsCase(
    'step value appends task default value',
    [v('input1', 'default1')],
    undefined,
    [v('input1', 'override1')],
    { vars: [v('input1', 'default1'), v('input1', 'override1')] },
  ),
  varsCase(
    'promotion variable overrides default value',
    [v('input1', 'default1')],
    [v('input1', 'override1')],
    undefined,
    { vars: [] },
  ),
  varsCase(
    'multiple inputs processed correctly',
    [v('input1', 'default1'), v('input2', 'default2'), v('input3')],
    undefined,
    [v('input1', 'override1'), v('input3', 'value3')],
    {
      vars: [
        v('input1', 'default1'),
        v('input2', 'default2'),
        v('input1', 'override1'),
        v('input3', 'value3'),
      ],
    },
  ),
];

/** Kargo's example task (akuity/kargo-simple kargo/promotiontask.yaml), its addresses local. */
const kargoSimpleTask: TaskFixture = task('promote', {
  vars: [
    v('repoURL', 'http://git.test/kargo-simple.git'),
    v('branch', 'main'),
    v('image', 'registry.test/guestbook'),
    v('openpr', 'false'),
  ],
  steps: [
    {
      uses: 'git-clone',
      config: {
        repoURL: '${{ vars.repoURL }}',
        checkout: [{ branch: '${{ vars.branch }}', path: './src' }],
      },
    },
    {
      uses: 'kustomize-set-image',
      as: 'update-image',
      config: { path: './src/env/${{ ctx.stage }}', images: [{ image: '${{ vars.image }}' }] },
    },
    {
      uses: 'git-commit',
      as: 'commit',
      config: { path: './src', message: "${{ task.outputs['update-image'].commitMessage }}" },
    },
    { uses: 'git-push', if: "${{ vars.openpr != 'true' }}", config: { path: './src' } },
    {
      uses: 'git-push',
      if: "${{ vars.openpr == 'true' }}",
      as: 'push',
      config: { path: './src', generateTargetBranch: true },
    },
    {
      uses: 'git-open-pr',
      as: 'open-pr',
      if: "${{ vars.openpr == 'true' }}",
      config: {
        repoURL: '${{ vars.repoURL }}',
        createTargetBranch: true,
        sourceBranch: '${{ task.outputs.push.branch }}',
        targetBranch: '${{ vars.branch }}',
      },
    },
  ],
});

const KARGO_SIMPLE = 'akuity/kargo-simple kargo/promotiontask.yaml';

export const taskRunCases: TaskRunCase[] = [
  {
    // Stages dev and staging reference the task with nothing else: its defaults decide.
    upstream: `${KARGO_SIMPLE} dev: the task's default openpr "false"`,
    steps: [{ task: ref('promote') }],
    tasks: [kargoSimpleTask],
    state: { 'task-1::update-image': { commitMessage: 'Updated image' } },
    want: [
      {
        as: 'task-1::step-1',
        runs: true,
        config: {
          repoURL: 'http://git.test/kargo-simple.git',
          checkout: [{ branch: 'main', path: './src' }],
        },
      },
      { as: 'task-1::update-image', runs: true },
      { as: 'task-1::commit', runs: true, config: { path: './src', message: 'Updated image' } },
      {
        as: 'task-1::step-4',
        runs: true,
        vars: {
          repoURL: 'http://git.test/kargo-simple.git',
          branch: 'main',
          image: 'registry.test/guestbook',
          openpr: 'false',
        },
      },
      { as: 'task-1::push', runs: false },
      { as: 'task-1::open-pr', runs: false },
    ],
  },
  {
    // Stage prod gives the task's var a value on its reference: it comes after the default.
    upstream: `${KARGO_SIMPLE} prod: openpr "true" from the task reference`,
    steps: [{ task: ref('promote'), vars: [v('openpr', 'true')] }],
    tasks: [kargoSimpleTask],
    state: { 'task-1::push': { branch: 'kargo/promotion/abc' } },
    want: [
      { as: 'task-1::step-4', runs: false },
      { as: 'task-1::push', runs: true, vars: { openpr: 'true' } },
      {
        as: 'task-1::open-pr',
        runs: true,
        config: {
          repoURL: 'http://git.test/kargo-simple.git',
          createTargetBranch: true,
          sourceBranch: 'kargo/promotion/abc',
          targetBranch: 'main',
        },
      },
    ],
  },
  {
    // A Promotion var of the task var's name replaces the default (which is then not copied).
    upstream: `${KARGO_SIMPLE} a Promotion var openpr "true" replaces the default`,
    promotionVars: [v('openpr', 'true')],
    steps: [{ as: 'promote', task: ref('promote') }],
    tasks: [kargoSimpleTask],
    want: [
      { as: 'promote::step-4', runs: false },
      { as: 'promote::push', runs: true, vars: { openpr: 'true', branch: 'main' } },
    ],
  },
  {
    // A task var without a default, supplied on the reference, and step vars that read it.
    upstream: `${PROMOTION} inflateTaskSteps: required task var from the reference, seen by if, vars and config`,
    steps: [{ as: 'deploy', task: ref('t'), vars: [v('env', 'prod')] }],
    tasks: [
      task('t', {
        vars: [v('env'), v('region', 'eu')],
        steps: [
          {
            uses: 'fake-step',
            as: 'apply',
            if: "${{ vars.env == 'prod' }}",
            vars: [v('target', '${{ vars.env }}-${{ vars.region }}')],
            config: { target: '${{ vars.target }}' },
          },
          { uses: 'fake-step', as: 'never', if: "${{ vars.env != 'prod' }}" },
        ],
      }),
    ],
    want: [
      {
        as: 'deploy::apply',
        runs: true,
        vars: { region: 'eu', env: 'prod', target: 'prod-eu' },
        config: { target: 'prod-eu' },
      },
      { as: 'deploy::never', runs: false },
    ],
  },
];

/** Runs that follow Kargo's evaluator code (pkg/promotion/evaluator.go) on inflated steps. */
export const evaluatorRunCases: TaskRunCase[] = [
  {
    // ShouldSkip: `step.If == ""` is no condition at all.
    upstream: 'pkg/promotion/evaluator.go ShouldSkip: an empty if is no condition',
    steps: [{ as: 't', task: ref('t') }],
    tasks: [task('t', { steps: [{ uses: 'fake-step', as: 'a', if: '' }] })],
    want: [{ as: 't::a', runs: true }],
  },
  {
    // Vars: every var is evaluated, one without a value to "" (a later one replaces a default).
    upstream: 'pkg/promotion/evaluator.go Vars: a var without a value is ""',
    promotionVars: [v('declared')],
    steps: [{ as: 't', task: ref('t'), vars: [v('input1', '')] }],
    tasks: [
      task('t', {
        vars: [v('input1', 'default1')],
        steps: [
          { uses: 'fake-step', as: 'a', config: { x: '${{ vars.input1 }}|${{ vars.declared }}' } },
        ],
      }),
    ],
    want: [{ as: 't::a', vars: { input1: '', declared: '' }, config: { x: '|' } }],
  },
];
