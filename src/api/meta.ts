import { z } from 'zod';
import {
  dnsLabelProblem,
  dnsSubdomainProblem,
  labelValueProblem,
  qualifiedNameProblem,
} from './names.js';
import { isDuration } from './duration.js';
import { annotationsBytes, describeBytes, INPUT_LIMITS } from './input-limits.js';

export { ARGO_API_VERSION, KARGO_API_VERSION } from './api-versions.js';

export const nameSchema = z.string().superRefine((name, ctx) => {
  const problem = dnsSubdomainProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const labelNameSchema = z.string().superRefine((name, ctx) => {
  const problem = dnsLabelProblem(name);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const durationSchema = z.string().refine(isDuration, {
  message: 'not a duration: use a number with s, m or h, e.g. 30s, 5m, 1h30m',
});

const labelsSchema = z.record(z.string(), z.string()).superRefine((labels, ctx) => {
  for (const [key, value] of Object.entries(labels)) {
    const problem = qualifiedNameProblem(key) ?? labelValueProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
  }
});

const annotationsSchema = z.record(z.string(), z.string()).superRefine((annotations, ctx) => {
  for (const key of Object.keys(annotations)) {
    const problem = qualifiedNameProblem(key);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: [key] });
  }
  // Kubernetes' ValidateAnnotations: keys and values together.
  const bytes = annotationsBytes(annotations);
  const max = INPUT_LIMITS.maxAnnotationsBytes;
  if (bytes > max) {
    ctx.addIssue({
      code: 'custom',
      message: `${bytes} bytes of annotations (keys and values together); at most ${max} (${describeBytes(max)}, as in Kubernetes)`,
    });
  }
});

/**
 * Kubernetes ObjectMeta as it appears in manifests, including the server-managed fields a
 * `kubectl get -o yaml` export carries, so such an export loads unchanged. Gantry ignores the
 * server-managed ones on input except `resourceVersion`, which is an optimistic-lock precondition.
 */
const objectMetaShape = {
  name: nameSchema,
  generateName: z.string().optional(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  deletionGracePeriodSeconds: z.number().int().optional(),
  labels: labelsSchema.optional(),
  annotations: annotationsSchema.optional(),
  finalizers: z.array(z.string()).optional(),
  ownerReferences: z.array(z.record(z.string(), z.unknown())).optional(),
  managedFields: z.array(z.record(z.string(), z.unknown())).optional(),
  selfLink: z.string().optional(),
};

export const clusterObjectMetaSchema = z.strictObject(objectMetaShape);

/** Metadata of a namespaced kind: the namespace is the project name. */
export const namespacedObjectMetaSchema = z.strictObject({
  ...objectMetaShape,
  namespace: labelNameSchema,
});

export const projectMetaSchema = z.strictObject({ ...objectMetaShape, name: labelNameSchema });

export type ObjectMeta = z.infer<typeof clusterObjectMetaSchema>;

/** A Kubernetes-style condition, as every Kargo status carries them. */
export const conditionSchema = z.strictObject({
  type: z.string(),
  status: z.enum(['True', 'False', 'Unknown']),
  observedGeneration: z.number().int().optional(),
  lastTransitionTime: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

export type Condition = z.infer<typeof conditionSchema>;

/** Free-form JSON (Kargo's `x-kubernetes-preserve-unknown-fields`). */
export const jsonObjectSchema = z.record(z.string(), z.unknown());
