import { z } from 'zod';
import {
  artifactReferenceSchema,
  chartSchema,
  freightOriginSchema,
  gitCommitSchema,
  imageSchema,
} from './common.js';
import { jsonObjectSchema, KARGO_API_VERSION, namespacedObjectMetaSchema } from './meta.js';
import { labelValueProblem } from './names.js';

/**
 * Freight: an immutable bundle of artifact versions from one Warehouse. It has no `spec`: its
 * contents are top-level fields, and they never change once created (only the alias, labels,
 * annotations and status may). Its name is the fingerprint of its contents (freight-name.ts).
 */

export const FREIGHT_CONTENT_FIELDS = [
  'origin',
  'commits',
  'images',
  'charts',
  'artifacts',
] as const;

export const freightSchema = z
  .strictObject({
    apiVersion: z.literal(KARGO_API_VERSION),
    kind: z.literal('Freight'),
    metadata: namespacedObjectMetaSchema,
    alias: z
      .string()
      .superRefine((alias, ctx) => {
        const problem = alias === '' ? undefined : labelValueProblem(alias);
        if (problem)
          ctx.addIssue({ code: 'custom', message: problem.replace('label value', 'alias') });
      })
      .optional(),
    origin: freightOriginSchema,
    commits: z.array(gitCommitSchema).optional(),
    images: z.array(imageSchema).optional(),
    charts: z.array(chartSchema).optional(),
    artifacts: z.array(artifactReferenceSchema).optional(),
    discoveredAt: z.string().optional(),
    status: z.unknown().optional(),
  })
  .superRefine((freight, ctx) => {
    const total =
      (freight.commits?.length ?? 0) +
      (freight.images?.length ?? 0) +
      (freight.charts?.length ?? 0) +
      (freight.artifacts?.length ?? 0);
    if (total === 0) {
      ctx.addIssue({
        code: 'custom',
        message: 'must contain at least one commit, image, chart or artifact',
      });
    }
  });

export const freightStatusSchema = z.strictObject({
  currentlyIn: z.record(z.string(), z.strictObject({ since: z.string().optional() })).optional(),
  verifiedIn: z
    .record(
      z.string(),
      z.strictObject({ verifiedAt: z.string().optional(), longestSoak: z.string().optional() }),
    )
    .optional(),
  approvedFor: z
    .record(z.string(), z.strictObject({ approvedAt: z.string().optional() }))
    .optional(),
  metadata: jsonObjectSchema.optional(),
});

export type Freight = z.infer<typeof freightSchema>;
export type FreightStatus = z.infer<typeof freightStatusSchema>;
