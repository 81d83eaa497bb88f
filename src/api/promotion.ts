import { z } from 'zod';
import {
  expressionVariableSchema,
  freightOriginSchema,
  promotionStatusSchema,
  stepListSchema,
} from './common.js';
import { KARGO_API_VERSION, namespacedObjectMetaSchema, nameSchema } from './meta.js';

/**
 * Promotion: one Freight into one Stage. Users name the Stage and the Freight (or an origin,
 * resolved to its current candidate); the steps and vars are copied from the Stage when the
 * Promotion is created, with PromotionTasks inflated.
 */
export const promotionSpecSchema = z
  .strictObject({
    stage: nameSchema,
    freight: nameSchema.optional(),
    origin: freightOriginSchema.optional(),
    vars: z.array(expressionVariableSchema).optional(),
    steps: stepListSchema(false).optional(),
  })
  .superRefine((spec, ctx) => {
    if ((spec.freight === undefined) === (spec.origin === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of freight and origin' });
    }
  });

export const promotionSchema = z.strictObject({
  apiVersion: z.literal(KARGO_API_VERSION),
  kind: z.literal('Promotion'),
  // The name is optional: Gantry (like Kargo) names every new Promotion
  // `<stage>.<ulid>.<freight>` itself.
  metadata: namespacedObjectMetaSchema.extend({ name: nameSchema.optional() }),
  spec: promotionSpecSchema,
  status: z.unknown().optional(),
});

export { promotionStatusSchema };
export type Promotion = z.infer<typeof promotionSchema>;
export type PromotionSpec = z.infer<typeof promotionSpecSchema>;
export type PromotionStatus = z.infer<typeof promotionStatusSchema>;

/** The phases a Promotion never leaves. */
export const TERMINAL_PROMOTION_PHASES: ReadonlySet<string> = new Set([
  'Succeeded',
  'Failed',
  'Errored',
  'Aborted',
]);
