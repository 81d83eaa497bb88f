import { z } from 'zod';
import {
  expressionVariableSchema,
  freightCollectionSchema,
  freightOriginSchema,
  labelSelectorSchema,
  originKey,
  promotionReferenceSchema,
  statusCommonShape,
  stepListSchema,
} from './common.js';
import {
  durationSchema,
  jsonObjectSchema,
  KARGO_API_VERSION,
  namespacedObjectMetaSchema,
  nameSchema,
} from './meta.js';

/**
 * Stage: a promotion target. `requestedFreight` names where Freight may come from (the
 * pipeline's edges); a Stage without promotion steps is a control-flow Stage.
 */

export const freightSourcesSchema = z
  .strictObject({
    direct: z.boolean().default(false),
    stages: z.array(nameSchema).optional(),
    requiredSoakTime: durationSchema.optional(),
    availabilityStrategy: z.enum(['OneOf', 'All', '']).default('OneOf'),
    autoPromotionOptions: z
      .strictObject({
        selectionPolicy: z.enum(['NewestFreight', 'MatchUpstream']).default('NewestFreight'),
      })
      .optional(),
  })
  .superRefine((sources, ctx) => {
    if (!sources.direct && (sources.stages ?? []).length === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'set direct: true, or list upstream stages (or both)',
      });
    }
    if (
      sources.autoPromotionOptions?.selectionPolicy === 'MatchUpstream' &&
      (sources.stages ?? []).length !== 1
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['autoPromotionOptions', 'selectionPolicy'],
        message: 'MatchUpstream needs exactly one upstream Stage in stages',
      });
    }
  })
  .transform((sources) =>
    sources.availabilityStrategy === ''
      ? { ...sources, availabilityStrategy: 'OneOf' as const }
      : sources,
  );

export const freightRequestSchema = z.strictObject({
  origin: freightOriginSchema,
  sources: freightSourcesSchema,
});

export const analysisTemplateReferenceSchema = z.strictObject({
  name: nameSchema,
  kind: z.enum(['AnalysisTemplate', 'ClusterAnalysisTemplate']).default('AnalysisTemplate'),
});

export const verificationSchema = z.strictObject({
  analysisTemplates: z.array(analysisTemplateReferenceSchema).optional(),
  analysisRunMetadata: z
    .strictObject({
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  args: z.array(z.strictObject({ name: z.string().min(1), value: z.string() })).optional(),
});

export const promotionTemplateSchema = z.strictObject({
  spec: z.strictObject({
    vars: z.array(expressionVariableSchema).optional(),
    steps: stepListSchema(true).min(1).optional(),
  }),
});

export const stageSpecSchema = z
  .strictObject({
    shard: z.string().optional(),
    vars: z.array(expressionVariableSchema).optional(),
    requestedFreight: z.array(freightRequestSchema).min(1),
    promotionTemplate: promotionTemplateSchema.optional(),
    verification: verificationSchema.optional(),
    targets: z.strictObject({ selectors: z.array(labelSelectorSchema) }).optional(),
  })
  .superRefine((spec, ctx) => {
    const origins = new Map<string, number>();
    spec.requestedFreight.forEach((request, index) => {
      const key = originKey(request.origin);
      const first = origins.get(key);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['requestedFreight', index, 'origin'],
          message: `${key} is already requested by requestedFreight[${first}]`,
        });
      } else origins.set(key, index);
    });
  });

const autoPromotionHoldSchema = z.strictObject({
  freightName: z.string(),
  origin: freightOriginSchema,
  promotionName: z.string().optional(),
  actor: z.string().optional(),
  createdAt: z.string().optional(),
});

export const stageHealthStatusSchema = z.enum([
  'Healthy',
  'Unhealthy',
  'Progressing',
  'Unknown',
  'NotApplicable',
]);

export const stageStatusSchema = z.strictObject({
  ...statusCommonShape,
  freightHistory: z.array(freightCollectionSchema).max(10).optional(),
  freightSummary: z.string().optional(),
  health: z
    .strictObject({
      status: stageHealthStatusSchema.optional(),
      issues: z.array(z.string()).optional(),
      config: z.unknown().optional(),
      output: z.unknown().optional(),
    })
    .optional(),
  currentPromotion: promotionReferenceSchema.optional(),
  lastPromotion: promotionReferenceSchema.optional(),
  autoPromotionEnabled: z.boolean().optional(),
  autoPromotionHolds: z.record(z.string(), autoPromotionHoldSchema).optional(),
  effectiveAutoPromotionHolds: z.record(z.string(), autoPromotionHoldSchema).optional(),
  metadata: jsonObjectSchema.optional(),
});

export const stageSchema = z.strictObject({
  apiVersion: z.literal(KARGO_API_VERSION),
  kind: z.literal('Stage'),
  metadata: namespacedObjectMetaSchema,
  spec: stageSpecSchema,
  status: z.unknown().optional(),
});

export type Stage = z.infer<typeof stageSchema>;
export type StageSpec = z.infer<typeof stageSpecSchema>;
export type StageStatus = z.infer<typeof stageStatusSchema>;
export type FreightRequest = z.infer<typeof freightRequestSchema>;
