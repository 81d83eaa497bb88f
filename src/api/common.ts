import { z } from 'zod';
import { conditionSchema, durationSchema, jsonObjectSchema, nameSchema } from './meta.js';

/**
 * Types shared by several Kargo kinds (kargo.akuity.io/v1alpha1). Field names, enums and
 * defaults follow Kargo's CRDs and admission webhooks.
 */

export const freightOriginSchema = z.strictObject({
  kind: z.enum(['Warehouse']),
  name: z.string().min(1),
});
export type FreightOrigin = z.infer<typeof freightOriginSchema>;

/** `Warehouse/<name>`: the key Kargo uses for origins in maps and annotations. */
export function originKey(origin: FreightOrigin): string {
  return `${origin.kind}/${origin.name}`;
}

const VAR_NAME = /^[a-zA-Z_]\w*$/;

export const expressionVariableSchema = z.strictObject({
  name: z.string().regex(VAR_NAME, {
    message: 'must be a variable name: a letter or _, then letters, digits or _',
  }),
  value: z.string().optional(),
});
export type ExpressionVariable = z.infer<typeof expressionVariableSchema>;

export const promotionStepRetrySchema = z.strictObject({
  timeout: durationSchema.optional(),
  errorThreshold: z.number().int().min(0).optional(),
});

export const promotionTaskReferenceSchema = z.strictObject({
  name: nameSchema,
  kind: z.enum(['PromotionTask', 'ClusterPromotionTask']).default('PromotionTask'),
});

/** One step as written in a Stage's promotionTemplate, a Promotion or a (Cluster)PromotionTask. */
export const promotionStepSchema = z.strictObject({
  uses: z.string().min(1).optional(),
  task: promotionTaskReferenceSchema.optional(),
  as: z.string().optional(),
  if: z.string().optional(),
  continueOnError: z.boolean().optional(),
  retry: promotionStepRetrySchema.optional(),
  vars: z.array(expressionVariableSchema).optional(),
  config: jsonObjectSchema.optional(),
  description: z.string().min(1).max(256).optional(),
});
export type PromotionStep = z.infer<typeof promotionStepSchema>;

const RESERVED_ALIAS = /^(step|task)-\d+$/;

/**
 * The step-list rules Kargo's webhooks enforce: each step has exactly one of `uses`/`task`
 * (tasks only where `allowTasks`), task references carry no `if`, `config`, `continueOnError`
 * or `retry`, and aliases are unique and not of the reserved `step-N`/`task-N` form.
 */
export function stepListSchema(allowTasks: boolean) {
  return z.array(promotionStepSchema).superRefine((steps, ctx) => {
    const aliases = new Map<string, number>();
    steps.forEach((step, index) => {
      const add = (message: string, field?: string) =>
        ctx.addIssue({ code: 'custom', message, path: field ? [index, field] : [index] });
      if (step.uses !== undefined && step.task !== undefined) {
        add('set either uses or task, not both');
      } else if (step.uses === undefined && step.task === undefined) {
        add(
          allowTasks ? 'set uses (a step kind) or task (a PromotionTask)' : 'required',
          allowTasks ? undefined : 'uses',
        );
      }
      if (step.task !== undefined) {
        if (!allowTasks) add('steps here cannot reference a task', 'task');
        for (const field of ['if', 'config', 'continueOnError', 'retry'] as const) {
          if (step[field] !== undefined) add(`not allowed on a step that references a task`, field);
        }
      }
      if (step.as !== undefined) {
        const alias = step.as.trim();
        if (RESERVED_ALIAS.test(alias)) {
          add(
            `"${alias}" is reserved for generated aliases (step-N, task-N); choose another`,
            'as',
          );
        }
        const first = aliases.get(alias);
        if (first !== undefined) add(`alias "${alias}" is already used by step ${first}`, 'as');
        else aliases.set(alias, index);
      }
    });
  });
}

export const gitCommitSchema = z.strictObject({
  repoURL: z.string().optional(),
  id: z.string().optional(),
  branch: z.string().optional(),
  tag: z.string().optional(),
  message: z.string().optional(),
  author: z.string().optional(),
  committer: z.string().optional(),
  subscriptionName: z.string().optional(),
});

export const imageSchema = z.strictObject({
  repoURL: z.string().optional(),
  tag: z.string().optional(),
  digest: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  subscriptionName: z.string().optional(),
});

export const chartSchema = z.strictObject({
  repoURL: z.string().optional(),
  name: z.string().optional(),
  version: z.string().optional(),
  subscriptionName: z.string().optional(),
});

export const artifactReferenceSchema = z.strictObject({
  artifactType: z.string().min(1).optional(),
  subscriptionName: z.string().min(1),
  version: z.string().min(1),
  metadata: jsonObjectSchema.optional(),
});

export const freightReferenceSchema = z.strictObject({
  name: z.string().optional(),
  origin: freightOriginSchema.optional(),
  commits: z.array(gitCommitSchema).optional(),
  images: z.array(imageSchema).optional(),
  charts: z.array(chartSchema).optional(),
  artifacts: z.array(artifactReferenceSchema).optional(),
});
export type FreightReference = z.infer<typeof freightReferenceSchema>;

export const analysisRunReferenceSchema = z.strictObject({
  namespace: z.string(),
  name: z.string(),
  phase: z.string(),
});

export const verificationInfoSchema = z.strictObject({
  id: z.string().optional(),
  actor: z.string().optional(),
  startTime: z.string().optional(),
  phase: z.string().optional(),
  message: z.string().optional(),
  analysisRun: analysisRunReferenceSchema.optional(),
  finishTime: z.string().optional(),
});

export const freightCollectionSchema = z.strictObject({
  id: z.string(),
  items: z.record(z.string(), freightReferenceSchema).optional(),
  verificationHistory: z.array(verificationInfoSchema).max(10).optional(),
});

export const healthCheckStepSchema = z.strictObject({
  uses: z.string().min(1),
  config: jsonObjectSchema.optional(),
});

export const stepExecutionMetadataSchema = z.strictObject({
  alias: z.string().optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  errorCount: z.number().int().min(0).optional(),
  status: z
    .enum(['Pending', 'Running', 'Succeeded', 'Failed', 'Errored', 'Aborted', 'Skipped'])
    .optional(),
  message: z.string().optional(),
  continueOnError: z.boolean().optional(),
});

export const promotionPhaseSchema = z.enum([
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Errored',
  'Aborted',
]);

export const promotionStatusSchema = z.strictObject({
  lastHandledRefresh: z.string().optional(),
  phase: promotionPhaseSchema.optional(),
  message: z.string().optional(),
  freight: freightReferenceSchema.optional(),
  freightCollection: freightCollectionSchema.optional(),
  healthChecks: z.array(healthCheckStepSchema).optional(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  currentStep: z.number().int().min(0).optional(),
  stepExecutionMetadata: z.array(stepExecutionMetadataSchema).optional(),
  state: jsonObjectSchema.optional(),
});

export const promotionReferenceSchema = z.strictObject({
  name: z.string(),
  freight: freightReferenceSchema.optional(),
  status: promotionStatusSchema.optional(),
  finishedAt: z.string().optional(),
});

export const selectorOperatorSchema = z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export const labelSelectorRequirementSchema = z
  .strictObject({
    key: z.string().min(1),
    operator: selectorOperatorSchema,
    values: z.array(z.string()).optional(),
  })
  .superRefine((req, ctx) => {
    const needsValues = req.operator === 'In' || req.operator === 'NotIn';
    if (needsValues && (req.values ?? []).length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: `operator ${req.operator} needs at least one value`,
        path: ['values'],
      });
    }
    if (!needsValues && (req.values ?? []).length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `operator ${req.operator} takes no values`,
        path: ['values'],
      });
    }
  });

export const labelSelectorSchema = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z.array(labelSelectorRequirementSchema).optional(),
});

export const localObjectReferenceSchema = z.strictObject({ name: z.string().min(1) });

export const statusCommonShape = {
  conditions: z.array(conditionSchema).optional(),
  observedGeneration: z.number().int().optional(),
  lastHandledRefresh: z.string().optional(),
};

export { durationSchema };
