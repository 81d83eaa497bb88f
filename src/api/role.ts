import { z } from 'zod';
import { KARGO_RBAC_API_VERSION } from './api-versions.js';
import { namespacedObjectMetaSchema } from './meta.js';

/**
 * Kargo's `rbac.kargo.akuity.io/v1alpha1` Role: within one project, the OIDC claims whose
 * holders get the role, and the role's policy rules (Kubernetes' PolicyRule shape). The
 * project's built-in roles (`kargo-admin`, `kargo-promoter`, `kargo-viewer`) have fixed rules:
 * a Role of one of those names only binds claims.
 */
export const policyRuleSchema = z.strictObject({
  apiGroups: z.array(z.string()).optional().describe('ignored: resources are named by plural'),
  resources: z.array(z.string().min(1)).min(1).describe('plural resource names, or *'),
  resourceNames: z
    .array(z.string().min(1))
    .optional()
    .describe('only these objects; all when empty'),
  verbs: z
    .array(z.string().min(1))
    .min(1)
    .describe('get, list, watch, create, update, patch, delete, promote, refresh, or *'),
});

export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const claimSchema = z.strictObject({
  name: z.string().min(1).describe('the claim, e.g. email, groups, sub'),
  values: z.array(z.string()).min(1).describe('any of these values matches'),
});

export type Claim = z.infer<typeof claimSchema>;

export const roleSchema = z.strictObject({
  apiVersion: z.literal(KARGO_RBAC_API_VERSION),
  kind: z.literal('Role'),
  metadata: namespacedObjectMetaSchema,
  kargoManaged: z.boolean().optional(),
  claims: z.array(claimSchema).optional(),
  rules: z.array(policyRuleSchema).optional(),
});

export type Role = z.infer<typeof roleSchema>;

/**
 * Gantry's extension: with this annotation set to `all`, a user must match every claim of the
 * Role (Kargo matches any one of them).
 */
export const CLAIMS_MATCH_ANNOTATION = 'rbac.gantry.io/claims-match';
