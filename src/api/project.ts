import { z } from 'zod';
import { statusCommonShape } from './common.js';
import { KARGO_API_VERSION, projectMetaSchema } from './meta.js';

/**
 * Project: a tenant. Cluster-scoped, with no spec; its name is the `metadata.namespace` of
 * every object it owns, so it must be an RFC 1123 label (Kargo creates a namespace of it).
 */
const countSchema = z.strictObject({
  count: z.number().int().min(0).optional(),
  health: z.strictObject({ healthy: z.number().int().min(0).optional() }).optional(),
});

export const projectStatusSchema = z.strictObject({
  ...statusCommonShape,
  stats: z
    .strictObject({
      stages: countSchema.optional(),
      warehouses: countSchema.optional(),
    })
    .optional(),
});

export const projectSchema = z.strictObject({
  apiVersion: z.literal(KARGO_API_VERSION),
  kind: z.literal('Project'),
  metadata: projectMetaSchema,
  status: z.unknown().optional(),
});

export type Project = z.infer<typeof projectSchema>;
export type ProjectStatus = z.infer<typeof projectStatusSchema>;
