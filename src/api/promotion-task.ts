import { z } from 'zod';
import { expressionVariableSchema, stepListSchema } from './common.js';
import { clusterObjectMetaSchema, KARGO_API_VERSION, namespacedObjectMetaSchema } from './meta.js';

/**
 * PromotionTask (in a project) and ClusterPromotionTask (shared by all projects): a reusable
 * step list. A var without a value is a required input; one with a value is a default.
 */
export const promotionTaskSpecSchema = z.strictObject({
  vars: z.array(expressionVariableSchema).optional(),
  steps: stepListSchema(false).min(1),
});

export const promotionTaskSchema = z.strictObject({
  apiVersion: z.literal(KARGO_API_VERSION),
  kind: z.literal('PromotionTask'),
  metadata: namespacedObjectMetaSchema,
  spec: promotionTaskSpecSchema,
});

export const clusterPromotionTaskSchema = z.strictObject({
  apiVersion: z.literal(KARGO_API_VERSION),
  kind: z.literal('ClusterPromotionTask'),
  metadata: clusterObjectMetaSchema,
  spec: promotionTaskSpecSchema,
});

export type PromotionTask = z.infer<typeof promotionTaskSchema>;
export type ClusterPromotionTask = z.infer<typeof clusterPromotionTaskSchema>;
export type PromotionTaskSpec = z.infer<typeof promotionTaskSpecSchema>;
