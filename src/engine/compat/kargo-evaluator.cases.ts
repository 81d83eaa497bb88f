import type { FreightReference } from '../../api/common.js';
import { float } from '../../expr/compat/go-values.js';

/**
 * Kargo's pkg/promotion/evaluator_test.go, the tables about expressions, translated to data:
 * TestStepEvaluator_BuildExprEnv and TestBuildCtxMap (what `ctx`, `vars`, `outputs`, `task`,
 * `stepMetas`, `target` hold), TestStepEvaluator_Vars (vars in order, Promotion's then step's),
 * TestStepEvaluator_ShouldSkip (`if`), TestStepEvaluator_Config (step configs) and the
 * config rows of TestStepEvaluator_BuildStepContext. Every row of those tables is here.
 *
 * A Promotion's context is written in Gantry's shapes: its Freight as FreightReferences (json
 * names: `commits[].id`, `images[].tag`), steps already run as alias and status. Kargo's
 * FreightRequests and the fake client's Warehouse only tell which origins the promotion may read;
 * Gantry reads the Freight it promotes, so they are left out. Expected values are Go values
 * (go-values.ts markers: `float(42)` is a float64); Go structs in an expected environment are
 * written as maps of their Go field names with every field (zero values included).
 */
export interface EvaluatorCase {
  upstream: string;
  /**
   * What is evaluated: `env` the expressions' environment of a step, `vars` the step's vars,
   * `skip` whether the step is skipped (its `if`), `config` the step's evaluated config.
   */
  kind: 'env' | 'vars' | 'skip' | 'config';
  promotion?: PromotionContext;
  step?: {
    alias?: string;
    vars?: Array<{ name: string; value: string }>;
    if?: string;
    /** The step's config as written (null: no config). */
    config?: Record<string, unknown> | null;
  };
  /** For `env`: vars handed to the environment as they are (Kargo's ExprEnvWithVars). */
  envVars?: Record<string, unknown>;
  /** The expected value: env variables, vars, skipped (boolean), or config. */
  want?: unknown;
  /** Environment variables that must not be there (Kargo leaves them out). */
  absent?: string[];
  /** Upstream's asserted error text; Gantry's messages are its own (they name the var or path). */
  error?: string;
  skip?: string;
}

export interface PromotionContext {
  project?: string;
  stage?: string;
  promotion?: string;
  actor?: string;
  rollback?: boolean;
  uiBaseUrl?: string;
  targetFreight?: { name?: string; alias?: string; origin?: string };
  /** The Promotion's (and its Stage's) vars, unevaluated. */
  vars?: Array<{ name: string; value: string }>;
  /** Outputs of the steps run so far, by alias (Kargo's State). */
  state?: Record<string, unknown>;
  /** Steps run so far (StepExecutionMetadata). */
  steps?: Array<{ alias?: string; status: string }>;
  freight?: FreightReference[];
  /** The Target promoted to, when there is one. */
  target?: { params: Record<string, unknown>; labels: Record<string, string> };
}

const ENV = 'evaluator_test.go TestStepEvaluator_BuildExprEnv';
const CTX = 'evaluator_test.go TestBuildCtxMap';
const VARS = 'evaluator_test.go TestStepEvaluator_Vars';
const SKIP = 'evaluator_test.go TestStepEvaluator_ShouldSkip';
const CONFIG = 'evaluator_test.go TestStepEvaluator_Config';
const STEP_CONTEXT = 'evaluator_test.go TestStepEvaluator_BuildStepContext';

/** The Promotion most BuildExprEnv rows use, and the `ctx` it gives. */
const testPromotion: PromotionContext = {
  project: 'test-project',
  stage: 'test-stage',
  promotion: 'test-promotion',
  actor: 'test-actor',
  targetFreight: { name: 'test-freight', alias: 'test-alias', origin: 'test-warehouse' },
};

function ctxOf(fields: {
  uiBaseUrl?: string;
  project?: string;
  promotion?: string;
  stage?: string;
  freight?: { name: string; alias: string; origin: string };
  actor?: string;
  rollback?: boolean;
  alias?: string;
}): Record<string, unknown> {
  return {
    uiBaseUrl: fields.uiBaseUrl ?? '',
    project: fields.project ?? '',
    promotion: fields.promotion ?? '',
    stage: fields.stage ?? '',
    targetFreight: {
      name: fields.freight?.name ?? '',
      alias: fields.freight?.alias ?? '',
      origin: { name: fields.freight?.origin ?? '' },
    },
    meta: {
      promotion: { actor: fields.actor ?? '', rollback: fields.rollback ?? false },
      step: { alias: fields.alias ?? '' },
    },
  };
}

const testCtx = ctxOf({
  project: 'test-project',
  promotion: 'test-promotion',
  stage: 'test-stage',
  freight: { name: 'test-freight', alias: 'test-alias', origin: 'test-warehouse' },
  actor: 'test-actor',
  alias: 'test-step',
});

/** A StepExecutionMetadata struct by its Go field names. */
function stepMeta(alias: string, status: string): Record<string, unknown> {
  return {
    Alias: alias,
    StartedAt: null,
    FinishedAt: null,
    ErrorCount: 0,
    Status: status,
    Message: '',
    ContinueOnError: false,
  };
}

const warehouseFreight = (
  name: string,
  items: Omit<FreightReference, 'origin' | 'name'>,
): FreightReference => ({ origin: { kind: 'Warehouse', name }, ...items });

const literalVars = [
  { name: 'str', value: 'foo' },
  { name: 'bool', value: 'true' },
  { name: 'num', value: '42' },
];
const expressionVars = [
  { name: 'str', value: "${{ 'f' + 'o' + 'o' }}" },
  { name: 'bool', value: '${{ 1 == 1 }}' },
  { name: 'num', value: '${{ 40 + 2 }}' },
];

export const evaluatorCases: EvaluatorCase[] = [
  // --- TestStepEvaluator_BuildExprEnv
  {
    upstream: `${ENV} basic context environment`,
    kind: 'env',
    promotion: testPromotion,
    step: { alias: 'test-step' },
    want: { ctx: testCtx },
    absent: ['target'],
  },
  {
    upstream: `${ENV} with target context`,
    kind: 'env',
    promotion: {
      ...testPromotion,
      target: { params: { cluster: 'east' }, labels: { env: 'prod' } },
    },
    step: { alias: 'test-step' },
    want: {
      ctx: testCtx,
      target: { params: { cluster: 'east' }, labels: { env: 'prod' } },
    },
  },
  {
    upstream: `${ENV} with variables option`,
    kind: 'env',
    promotion: testPromotion,
    step: { alias: 'test-step' },
    envVars: { var1: 'value1', var2: 42, var3: true },
    want: { ctx: testCtx, vars: { var1: 'value1', var2: 42, var3: true } },
  },
  {
    upstream: `${ENV} with step metas option`,
    kind: 'env',
    promotion: {
      ...testPromotion,
      steps: [
        { alias: 'step1', status: 'Succeeded' },
        { alias: 'step2', status: 'Running' },
      ],
    },
    step: { alias: 'test-step' },
    want: {
      ctx: testCtx,
      stepMetas: { step1: stepMeta('step1', 'Succeeded'), step2: stepMeta('step2', 'Running') },
    },
  },
  {
    upstream: `${ENV} with outputs option`,
    kind: 'env',
    promotion: {
      ...testPromotion,
      state: { output1: 'value1', output2: { nested: 'value2' } },
    },
    step: { alias: 'test-step' },
    want: { ctx: testCtx, outputs: { output1: 'value1', output2: { nested: 'value2' } } },
  },
  {
    upstream: `${ENV} with task outputs option - has task outputs`,
    kind: 'env',
    promotion: {
      ...testPromotion,
      state: {
        'task::step1': { output1: 'value1' },
        'task::step2': { output2: 'value2' },
        'regular-output': 'value3',
      },
    },
    step: { alias: 'task::step1' },
    want: {
      ctx: { ...testCtx, meta: { ...(testCtx.meta as object), step: { alias: 'task::step1' } } },
      task: { outputs: { step1: { output1: 'value1' }, step2: { output2: 'value2' } } },
    },
  },
  {
    upstream: `${ENV} with task outputs option - no task outputs`,
    kind: 'env',
    promotion: { ...testPromotion, state: { 'regular-output': 'value1' } },
    step: { alias: 'regular-step' },
    want: {
      ctx: { ...testCtx, meta: { ...(testCtx.meta as object), step: { alias: 'regular-step' } } },
    },
    absent: ['task'],
  },
  {
    // Upstream hands the outputs and task outputs options two different States; a Promotion has
    // one, so both tables' entries are in it (and in `outputs`).
    upstream: `${ENV} with multiple options`,
    kind: 'env',
    promotion: {
      ...testPromotion,
      steps: [{ alias: 'prev-step', status: 'Succeeded' }],
      state: { output1: 'value1', 'task::step1': { taskOutput: 'taskValue' } },
    },
    step: { alias: 'task::step1' },
    envVars: { var1: 'value1' },
    want: {
      ctx: { ...testCtx, meta: { ...(testCtx.meta as object), step: { alias: 'task::step1' } } },
      vars: { var1: 'value1' },
      stepMetas: { 'prev-step': stepMeta('prev-step', 'Succeeded') },
      outputs: { output1: 'value1', 'task::step1': { taskOutput: 'taskValue' } },
      task: { outputs: { step1: { taskOutput: 'taskValue' } } },
    },
  },
  {
    upstream: `${ENV} empty context`,
    kind: 'env',
    promotion: {},
    step: {},
    want: { ctx: ctxOf({}) },
    absent: ['target'],
  },
  // --- TestBuildCtxMap
  {
    upstream: `${CTX} full step context`,
    kind: 'env',
    promotion: {
      uiBaseUrl: 'https://kargo.example.com',
      project: 'test-project',
      promotion: 'test-promotion',
      stage: 'test-stage',
      actor: 'test-actor',
      rollback: true,
      targetFreight: { name: 'test-freight', alias: 'test-alias', origin: 'test-warehouse' },
    },
    step: { alias: 'my-step' },
    want: {
      ctx: ctxOf({
        uiBaseUrl: 'https://kargo.example.com',
        project: 'test-project',
        promotion: 'test-promotion',
        stage: 'test-stage',
        freight: { name: 'test-freight', alias: 'test-alias', origin: 'test-warehouse' },
        actor: 'test-actor',
        rollback: true,
        alias: 'my-step',
      }),
    },
    absent: ['target'],
  },
  {
    upstream: `${CTX} empty step context`,
    kind: 'env',
    promotion: {},
    step: {},
    want: { ctx: ctxOf({}) },
    absent: ['target'],
  },
  {
    upstream: `${CTX} step context with target exposes target.params and target.labels`,
    kind: 'env',
    promotion: {
      project: 'test-project',
      target: { params: { cluster: 'east', region: 'us' }, labels: { env: 'prod' } },
    },
    step: {},
    want: {
      ctx: ctxOf({ project: 'test-project' }),
      target: { params: { cluster: 'east', region: 'us' }, labels: { env: 'prod' } },
    },
  },
  // --- TestStepEvaluator_Vars
  {
    upstream: `${VARS} global vars with literal values`,
    kind: 'vars',
    promotion: { project: 'fake-project', vars: literalVars },
    step: {},
    want: { str: 'foo', bool: 'true', num: '42' },
  },
  {
    upstream: `${VARS} global vars with expressions`,
    kind: 'vars',
    promotion: { project: 'fake-project', vars: expressionVars },
    step: {},
    want: { str: 'foo', bool: true, num: float(42) },
  },
  {
    upstream: `${VARS} step vars with literal values`,
    kind: 'vars',
    promotion: { project: 'fake-project' },
    step: { vars: literalVars },
    want: { str: 'foo', bool: 'true', num: '42' },
  },
  {
    upstream: `${VARS} step vars with expressions`,
    kind: 'vars',
    promotion: { project: 'fake-project' },
    step: { vars: expressionVars },
    want: { str: 'foo', bool: true, num: float(42) },
  },
  {
    upstream: `${VARS} step vars referencing global vars`,
    kind: 'vars',
    promotion: { project: 'fake-project', vars: [{ name: 'global', value: 'global-value' }] },
    step: { vars: [{ name: 'local', value: "${{ vars.global + '-suffix' }}" }] },
    want: { global: 'global-value', local: 'global-value-suffix' },
  },
  {
    upstream: `${VARS} step vars referencing other step vars`,
    kind: 'vars',
    promotion: { project: 'fake-project' },
    step: {
      vars: [
        { name: 'v1', value: 'value1' },
        { name: 'v2', value: "${{ vars.v1 + '-suffix' }}" },
      ],
    },
    want: { v1: 'value1', v2: 'value1-suffix' },
  },
  {
    upstream: `${VARS} step vars referencing outputs`,
    kind: 'vars',
    promotion: { project: 'fake-project', state: { output1: 'output-value' } },
    step: { vars: [{ name: 'fromOutput', value: "${{ outputs.output1 + '-suffix' }}" }] },
    want: { fromOutput: 'output-value-suffix' },
  },
  {
    upstream: `${VARS} step vars referencing task outputs`,
    kind: 'vars',
    promotion: { project: 'fake-project', state: { 'task::alias': { foo: 'baz' } } },
    step: {
      alias: 'task::other-alias',
      vars: [{ name: 'fromTask', value: "${{ task.outputs.alias.foo + '-suffix' }}" }],
    },
    want: { fromTask: 'baz-suffix' },
  },
  {
    upstream: `${VARS} invalid expression in global var`,
    kind: 'vars',
    promotion: {
      project: 'fake-project',
      vars: [{ name: 'invalid', value: '${{ invalid.expression }}' }],
    },
    step: {},
    error: 'error pre-processing promotion variable "invalid"',
  },
  {
    upstream: `${VARS} invalid expression in step var`,
    kind: 'vars',
    promotion: { project: 'fake-project' },
    step: { vars: [{ name: 'invalid', value: '${{ invalid.expression }}' }] },
    error: 'error pre-processing promotion variable "invalid"',
  },
  {
    upstream: `${VARS} warehouse function in vars`,
    kind: 'vars',
    promotion: { project: 'fake-project' },
    step: { vars: [{ name: 'wh', value: "${{ warehouse('fake-warehouse') }}" }] },
    want: { wh: { kind: 'Warehouse', name: 'fake-warehouse' } },
  },
  {
    upstream: `${VARS} context properties in vars`,
    kind: 'vars',
    promotion: {
      project: 'fake-project',
      stage: 'fake-stage',
      promotion: 'fake-promotion',
      actor: 'fake-creator',
      targetFreight: { name: 'fake-freight', origin: 'fake-warehouse' },
    },
    step: {
      vars: [
        { name: 'proj', value: '${{ ctx.project }}' },
        { name: 'stage', value: '${{ ctx.stage }}' },
        { name: 'promo', value: '${{ ctx.promotion }}' },
        { name: 'actor', value: '${{ ctx.meta.promotion.actor }}' },
        { name: 'targetFreight', value: '${{ ctx.targetFreight.origin.name }}' },
      ],
    },
    want: {
      proj: 'fake-project',
      stage: 'fake-stage',
      promo: 'fake-promotion',
      actor: 'fake-creator',
      targetFreight: 'fake-warehouse',
    },
  },
  {
    upstream: `${VARS} freight functions in vars`,
    kind: 'vars',
    promotion: {
      project: 'fake-project',
      freight: [
        warehouseFreight('fake-warehouse', {
          commits: [{ repoURL: 'https://fake-git-repo', id: 'fake-commit-id' }],
        }),
      ],
    },
    step: { vars: [{ name: 'commit', value: "${{ commitFrom('https://fake-git-repo').ID }}" }] },
    want: { commit: 'fake-commit-id' },
  },
  // --- TestStepEvaluator_ShouldSkip
  {
    upstream: `${SKIP} no if condition with failures`,
    kind: 'skip',
    promotion: { steps: [{ status: 'Failed' }] },
    step: {},
    want: true,
  },
  {
    upstream: `${SKIP} no if condition without failures`,
    kind: 'skip',
    promotion: {},
    step: {},
    want: false,
  },
  {
    upstream: `${SKIP} if condition uses vars`,
    kind: 'skip',
    promotion: { vars: [{ name: 'foo', value: 'bar' }] },
    step: { if: "${{ vars.foo == 'bar' }}" },
    want: false,
  },
  {
    upstream: `${SKIP} if condition uses outputs`,
    kind: 'skip',
    promotion: { state: { foo: 'bar' } },
    step: { if: "${{ outputs.foo == 'bar' }}" },
    want: false,
  },
  {
    upstream: `${SKIP} if condition uses task outputs`,
    kind: 'skip',
    promotion: { state: { 'task::alias': { foo: 'baz' } } },
    step: { alias: 'task::other-alias', if: "${{ task.outputs.alias.foo == 'bar' }}" },
    want: true,
  },
  {
    upstream: `${SKIP} if condition uses expression function`,
    kind: 'skip',
    promotion: {
      project: 'fake-project',
      freight: [
        warehouseFreight('fake-warehouse', {
          commits: [{ repoURL: 'https://git.example.com', id: 'foo' }],
        }),
      ],
    },
    step: {
      if: "${{ commitFrom('https://git.example.com', warehouse('fake-warehouse')).ID == 'foo' }}",
    },
    want: false,
  },
  {
    upstream: `${SKIP} if condition does not evaluate to a boolean`,
    kind: 'skip',
    promotion: {},
    step: { if: 'invalid condition' },
    error: 'must evaluate to a boolean',
  },
  {
    upstream: `${SKIP} if condition evaluates to false - step should be skipped`,
    kind: 'skip',
    promotion: {},
    step: { if: '${{ false }}' },
    want: true,
  },
  {
    upstream: `${SKIP} if condition evaluates to true - step should not be skipped`,
    kind: 'skip',
    promotion: {},
    step: { if: '${{ true }}' },
    want: false,
  },
  // --- TestStepEvaluator_Config
  {
    upstream: `${CONFIG} test context`,
    kind: 'config',
    promotion: {
      project: 'fake-project',
      stage: 'fake-stage',
      promotion: 'fake-promotion',
      actor: 'fake-creator',
      targetFreight: { name: 'fake-freight', origin: 'fake-warehouse' },
    },
    step: {
      config: {
        project: '${{ ctx.project }}',
        stage: '${{ ctx.stage }}',
        promotion: '${{ ctx.promotion }}',
        actor: '${{ ctx.meta.promotion.actor }}',
        targetFreight: {
          name: '${{ ctx.targetFreight.name }}',
          origin: '${{ ctx.targetFreight.origin.name }}',
        },
      },
    },
    want: {
      project: 'fake-project',
      stage: 'fake-stage',
      promotion: 'fake-promotion',
      actor: 'fake-creator',
      targetFreight: { name: 'fake-freight', origin: 'fake-warehouse' },
    },
  },
  {
    upstream: `${CONFIG} test vars with literal values`,
    kind: 'config',
    promotion: {
      vars: [
        { name: 'strVar', value: 'foo' },
        { name: 'boolVar', value: 'true' },
        { name: 'numVar', value: '42' },
      ],
    },
    step: {
      config: {
        strVar: '${{ vars.strVar }}',
        boolVar: '${{ vars.boolVar }}',
        numVar: '${{ vars.numVar }}',
      },
    },
    want: { strVar: 'foo', boolVar: true, numVar: 42 },
  },
  {
    upstream: `${CONFIG} test vars with expressions`,
    kind: 'config',
    promotion: {
      vars: [
        { name: 'strVar', value: "${{ 'f' + 'o' + 'o' }}" },
        { name: 'boolVar', value: "${{ vars.strVar == 'foo' }}" },
        { name: 'numVar', value: '${{ 40 + 2 }}' },
      ],
    },
    step: {
      config: {
        strVar: '${{ vars.strVar }}',
        boolVar: '${{ vars.boolVar }}',
        numVar: '${{ vars.numVar }}',
      },
    },
    want: { strVar: 'foo', boolVar: true, numVar: 42 },
  },
  {
    upstream: `${CONFIG} test outputs`,
    kind: 'config',
    promotion: { state: { strOutput: 'foo', boolOutput: true, numOutput: 42 } },
    step: {
      config: {
        strOutput: '${{ outputs.strOutput }}',
        boolOutput: '${{ outputs.boolOutput }}',
        numOutput: '${{ outputs.numOutput }}',
      },
    },
    want: { strOutput: 'foo', boolOutput: true, numOutput: 42 },
  },
  {
    upstream: `${CONFIG} test asYAML keeps nil contents as a string`,
    kind: 'config',
    promotion: {},
    step: { config: { path: 'out.yaml', contents: '${{ asYAML(nil) }}' } },
    want: { path: 'out.yaml', contents: 'null\n' },
  },
  {
    upstream: `${CONFIG} test asYAML boolean`,
    kind: 'config',
    promotion: {},
    step: { config: { contents: '${{ asYAML(true) }}' } },
    want: { contents: 'true\n' },
  },
  {
    upstream: `${CONFIG} test asYAML number`,
    kind: 'config',
    promotion: {},
    step: { config: { contents: '${{ asYAML(42) }}' } },
    want: { contents: '42\n' },
  },
  {
    upstream: `${CONFIG} test asJSON nil`,
    kind: 'config',
    promotion: {},
    step: { config: { contents: '${{ asJSON(nil) }}' } },
    want: { contents: 'null\n' },
  },
  {
    upstream: `${CONFIG} test asJSON boolean`,
    kind: 'config',
    promotion: {},
    step: { config: { contents: '${{ asJSON(true) }}' } },
    want: { contents: 'true\n' },
  },
  {
    upstream: `${CONFIG} test asJSON string`,
    kind: 'config',
    promotion: {},
    step: { config: { contents: "${{ asJSON('foo') }}" } },
    want: { contents: '"foo"\n' },
  },
  {
    upstream: `${CONFIG} test asYAML structured map`,
    kind: 'config',
    promotion: {},
    step: { config: { contents: "${{ asYAML({ 'foo': 'bar', 'count': 2 }) }}" } },
    want: { contents: 'count: 2\nfoo: bar\n' },
  },
  {
    upstream: `${CONFIG} test asYAML structured list`,
    kind: 'config',
    promotion: {},
    step: { config: { contents: "${{ asYAML([ 'one', 'two' ]) }}" } },
    want: { contents: '- one\n- two\n' },
  },
  {
    upstream: `${CONFIG} test asJSON structured object`,
    kind: 'config',
    promotion: {},
    step: { config: { contents: "${{ asJSON({ 'foo': 'bar', 'count': 2 }) }}" } },
    want: { contents: '{\n  "count": 2,\n  "foo": "bar"\n}\n' },
  },
  {
    upstream: `${CONFIG} test warehouse function`,
    kind: 'config',
    promotion: {
      targetFreight: { name: 'fake-freight', origin: 'fake-origin-warehouse' },
      vars: [{ name: 'warehouseName', value: 'fake-warehouse' }],
    },
    step: {
      config: {
        origin1: "${{ warehouse('fake-warehouse') }}",
        origin2: '${{ warehouse(vars.warehouseName) }}',
        origin3: '${{ warehouse(ctx.targetFreight.origin.name) }}',
      },
    },
    want: {
      origin1: { kind: 'Warehouse', name: 'fake-warehouse' },
      origin2: { kind: 'Warehouse', name: 'fake-warehouse' },
      origin3: { kind: 'Warehouse', name: 'fake-origin-warehouse' },
    },
  },
  {
    upstream: `${CONFIG} test commitFrom function`,
    kind: 'config',
    promotion: {
      project: 'fake-project',
      freight: [
        warehouseFreight('fake-warehouse', {
          commits: [{ repoURL: 'https://fake-git-repo', id: 'fake-commit-id' }],
        }),
      ],
      vars: [
        { name: 'warehouseName', value: 'fake-warehouse' },
        { name: 'repoURL', value: 'https://fake-git-repo' },
      ],
    },
    step: {
      config: {
        commitID1: "${{ commitFrom('https://fake-git-repo').ID }}",
        commitID2: '${{ commitFrom(vars.repoURL).ID }}',
        commitID3: "${{ commitFrom('https://fake-git-repo', warehouse('fake-warehouse')).ID }}",
        commitID4: '${{ commitFrom(vars.repoURL, warehouse(vars.warehouseName)).ID }}',
      },
    },
    want: {
      commitID1: 'fake-commit-id',
      commitID2: 'fake-commit-id',
      commitID3: 'fake-commit-id',
      commitID4: 'fake-commit-id',
    },
  },
  {
    upstream: `${CONFIG} test imageFrom function`,
    kind: 'config',
    promotion: {
      project: 'fake-project',
      freight: [
        warehouseFreight('fake-warehouse', {
          images: [{ repoURL: 'fake-image-repo', tag: 'fake-image-tag' }],
        }),
      ],
      vars: [
        { name: 'warehouseName', value: 'fake-warehouse' },
        { name: 'repoURL', value: 'fake-image-repo' },
      ],
    },
    step: {
      config: {
        imageTag1: "${{ imageFrom('fake-image-repo').Tag }}",
        imageTag2: '${{ imageFrom(vars.repoURL).Tag }}',
        imageTag3: "${{ imageFrom('fake-image-repo', warehouse('fake-warehouse')).Tag }}",
        imageTag4: '${{ imageFrom(vars.repoURL, warehouse(vars.warehouseName)).Tag }}',
      },
    },
    want: {
      imageTag1: 'fake-image-tag',
      imageTag2: 'fake-image-tag',
      imageTag3: 'fake-image-tag',
      imageTag4: 'fake-image-tag',
    },
  },
  {
    upstream: `${CONFIG} test chartFrom function`,
    kind: 'config',
    promotion: {
      project: 'fake-project',
      freight: [
        warehouseFreight('fake-warehouse', {
          charts: [
            {
              repoURL: 'https://fake-chart-repo',
              name: 'fake-chart',
              version: 'fake-chart-version',
            },
            { repoURL: 'oci://fake-oci-repo/fake-chart', version: 'fake-oci-chart-version' },
          ],
        }),
      ],
      vars: [
        { name: 'warehouseName', value: 'fake-warehouse' },
        { name: 'repoURL', value: 'https://fake-chart-repo' },
        { name: 'chartName', value: 'fake-chart' },
        { name: 'ociRepoURL', value: 'oci://fake-oci-repo/fake-chart' },
      ],
    },
    step: {
      config: {
        chartVersion1: "${{ chartFrom('oci://fake-oci-repo/fake-chart').Version }}",
        chartVersion2: '${{ chartFrom(vars.ociRepoURL).Version }}',
        chartVersion3:
          "${{ chartFrom('oci://fake-oci-repo/fake-chart', warehouse('fake-warehouse')).Version }}",
        chartVersion4: '${{ chartFrom(vars.ociRepoURL, warehouse(vars.warehouseName)).Version }}',
        chartVersion5: "${{ chartFrom('https://fake-chart-repo', 'fake-chart').Version }}",
        chartVersion6: '${{ chartFrom(vars.repoURL, vars.chartName).Version }}',
        chartVersion7:
          "${{ chartFrom('https://fake-chart-repo', 'fake-chart', warehouse('fake-warehouse')).Version }}",
        chartVersion8:
          '${{ chartFrom(vars.repoURL, vars.chartName, warehouse(vars.warehouseName)).Version }}',
      },
    },
    want: {
      chartVersion1: 'fake-oci-chart-version',
      chartVersion2: 'fake-oci-chart-version',
      chartVersion3: 'fake-oci-chart-version',
      chartVersion4: 'fake-oci-chart-version',
      chartVersion5: 'fake-chart-version',
      chartVersion6: 'fake-chart-version',
      chartVersion7: 'fake-chart-version',
      chartVersion8: 'fake-chart-version',
    },
  },
  {
    upstream: `${CONFIG} test success function`,
    kind: 'config',
    promotion: {},
    step: { config: { wasSuccessful: '${{ success() }}' } },
    want: { wasSuccessful: true },
  },
  {
    upstream: `${CONFIG} test failure function`,
    kind: 'config',
    promotion: {},
    step: { config: { wasFailure: '${{ failure() }}' } },
    want: { wasFailure: false },
  },
  {
    upstream: `${CONFIG} test always function`,
    kind: 'config',
    promotion: {},
    step: { config: { alwaysTrue: '${{ always() }}' } },
    want: { alwaysTrue: true },
  },
  {
    upstream: `${CONFIG} test status function`,
    kind: 'config',
    promotion: { steps: [{ alias: 'test-step', status: 'Failed' }] },
    step: { config: { status: '${{ status("test-step") }}' } },
    want: { status: 'Failed' },
  },
  {
    upstream: `${CONFIG} test nil config`,
    kind: 'config',
    promotion: {},
    step: { config: null },
    want: {},
  },
  // --- TestStepEvaluator_BuildStepContext (the rows about the config)
  {
    upstream: `${STEP_CONTEXT} builds step context with all fields`,
    kind: 'config',
    promotion: {
      uiBaseUrl: 'https://kargo.example.com',
      project: 'test-project',
      stage: 'test-stage',
      promotion: 'test-promotion',
      actor: 'test-actor',
      targetFreight: { name: 'target-freight', alias: 'test-alias', origin: 'target-warehouse' },
      state: { key: 'value' },
    },
    step: { alias: 'test-step', config: { key: 'value' } },
    want: { key: 'value' },
  },
  {
    upstream: `${STEP_CONTEXT} handles nil freight requests`,
    kind: 'config',
    step: { alias: 'test-step' },
    skip: 'asserts only that the step context has no FreightRequests; no expression is evaluated',
  },
  {
    upstream: `${STEP_CONTEXT} handles step config evaluation error`,
    kind: 'config',
    promotion: {},
    step: { alias: 'test-step', config: { key: '${{ invalid.expression }}' } },
    error: 'failed to get step config',
  },
  {
    upstream: `${STEP_CONTEXT} handles nil step config`,
    kind: 'config',
    promotion: {},
    step: { alias: 'test-step', config: null },
    want: {},
  },
];
