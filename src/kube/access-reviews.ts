import { z } from 'zod';
import type { PolicyRule } from '../api/role.js';
import { normalizeResource, type AccessRequest, type Verb } from '../auth/policy-rules.js';
import { inputError } from '../errors.js';
import { KUBE_RESOURCES } from './kube-resources.js';

/**
 * `kubectl auth can-i` (authorization.k8s.io/v1 SelfSubjectAccessReview) and `kubectl auth
 * can-i --list` (SelfSubjectRulesReview), answered from Gantry's one Authorizer: Kubernetes'
 * group-resources become Gantry's plurals (`freights.kargo.akuity.io` → `freight`, core
 * `namespaces` → `projects`), namespaces are projects, and Gantry's rules are shown back under
 * the group-resources kubectl knows.
 */
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

const text = z.string().optional();

const resourceAttributesSchema = z.object({
  namespace: text,
  verb: z.string().min(1, 'required: the verb to ask about (get, list, create, …)'),
  group: text,
  version: text,
  resource: z.string().min(1, 'required: the resource to ask about (stages, secrets, …)'),
  subresource: text,
  name: text,
});

const nonResourceAttributesSchema = z.object({
  path: z.string().min(1, 'required: the URL path to ask about'),
  verb: z.string().min(1, 'required: the verb to ask about'),
});

const typeMeta = (kind: string) => ({
  apiVersion: z.literal(`${AUTHORIZATION_GROUP}/v1`).optional(),
  kind: z.literal(kind).optional(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const selfSubjectAccessReviewSchema = z
  .object({
    ...typeMeta('SelfSubjectAccessReview'),
    spec: z.object({
      resourceAttributes: resourceAttributesSchema.optional(),
      nonResourceAttributes: nonResourceAttributesSchema.optional(),
    }),
  })
  .refine(
    (review) =>
      (review.spec.resourceAttributes === undefined) !==
      (review.spec.nonResourceAttributes === undefined),
    {
      path: ['spec', 'resourceAttributes'],
      message: 'exactly one of nonResourceAttributes or resourceAttributes must be specified',
    },
  );

export type SelfSubjectAccessReview = z.output<typeof selfSubjectAccessReviewSchema>;
export type ResourceAttributes = z.output<typeof resourceAttributesSchema>;

export const selfSubjectRulesReviewSchema = z.object({
  ...typeMeta('SelfSubjectRulesReview'),
  spec: z.object({ namespace: text }).default({}),
});

/** A review's body, parsed; a 400 naming the field otherwise. */
export function parseReview<T>(schema: z.ZodType<T>, kind: string, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.join('.'),
    message: issue.message,
  }));
  const first = issues[0]!;
  throw inputError(
    `${kind} is invalid: ${first.path ? `${first.path}: ` : ''}${first.message}`,
    issues,
  );
}

/** Kubernetes verbs Gantry knows under another name, and its own. */
const VERB_OF: Readonly<Record<string, Verb | '*'>> = {
  get: 'get',
  list: 'list',
  watch: 'watch',
  create: 'create',
  update: 'update',
  patch: 'patch',
  delete: 'delete',
  // A collection delete deletes objects one by one: it needs what deleting them needs.
  deletecollection: 'delete',
  promote: 'promote',
  refresh: 'refresh',
  '*': '*',
};

/**
 * The question a resource review asks of the Authorizer, or why there is none to ask (a
 * resource or verb Gantry does not serve: the answer is no).
 */
export function accessRequestOf(
  attributes: ResourceAttributes,
): { request: AccessRequest } | { refusal: string } {
  const verb = VERB_OF[attributes.verb];
  if (!verb) return { refusal: `Gantry has no verb "${attributes.verb}"` };
  const namespace = attributes.namespace || undefined;
  const sub = attributes.subresource ? `/${attributes.subresource}` : '';
  const asked = { verb: verb as Verb, name: attributes.name || undefined };
  if (attributes.resource === '*')
    return { request: { ...asked, resource: '*', project: namespace } };
  const group = attributes.group ?? '';
  const resource = KUBE_RESOURCES.find(
    (r) => (group === '*' || r.group === group) && r.plural === attributes.resource,
  );
  if (!resource) {
    const where = group ? ` in group "${group}"` : ' in the core group';
    return { refusal: `Gantry serves no resource "${attributes.resource}"${where}` };
  }
  if (resource.kind === 'Namespace')
    return { request: { ...asked, resource: `projects${sub}`, name: asked.name ?? namespace } };
  return {
    request: {
      ...asked,
      resource: `${resource.gantry.plural}${sub}`,
      project: resource.namespaced ? namespace : undefined,
    },
  };
}

/** URL paths every signed-in caller may GET, as kube-apiserver's `system:discovery` role. */
const DISCOVERY_URLS = [
  '/api',
  '/api/*',
  '/apis',
  '/apis/*',
  '/healthz',
  '/livez',
  '/readyz',
  '/openapi',
  '/openapi/*',
  '/version',
  '/version/',
];

/** A non-resource review: discovery paths may be read by anyone signed in, nothing else. */
export function nonResourceAllowed(path: string, verb: string): boolean {
  if (verb !== 'get') return false;
  return DISCOVERY_URLS.some((url) =>
    url.endsWith('*') ? path.startsWith(url.slice(0, -1)) : path === url,
  );
}

export interface ResourceRule {
  verbs: string[];
  apiGroups: string[];
  resources: string[];
  resourceNames?: string[];
}

/** Gantry resources with no kind of their own but a Kubernetes resource: the audit trail. */
const SERVED_AS: Readonly<Record<string, Array<[group: string, plural: string]>>> = {
  events: [['', 'events']],
};

/** The Kubernetes group-resources a Gantry rule's resource (`stages`, `stages/status`) names. */
function kubeNamesOf(resource: string): Array<[group: string, plural: string]> {
  if (resource === '*') return [['*', '*']];
  const [base, sub] = normalizeResource(resource).split('/', 2) as [string, string | undefined];
  const found: Array<[string, string]> = [
    ...KUBE_RESOURCES.filter((r) => r.gantry.plural === base).map((r): [string, string] => [
      r.group,
      r.plural,
    ]),
    ...(SERVED_AS[base] ?? []),
  ];
  return found.map(([group, plural]) => [group, sub ? `${plural}/${sub}` : plural]);
}

/** Gantry's policy rules as Kubernetes' resource rules, one per group (what kubectl prints). */
export function kubeResourceRules(rules: readonly PolicyRule[]): ResourceRule[] {
  const out: ResourceRule[] = [];
  for (const rule of rules) {
    const byGroup = new Map<string, string[]>();
    for (const resource of rule.resources)
      for (const [group, plural] of kubeNamesOf(resource))
        byGroup.set(group, [...(byGroup.get(group) ?? []), plural]);
    for (const [group, resources] of byGroup)
      out.push({
        verbs: [...rule.verbs],
        apiGroups: [group],
        resources,
        ...(rule.resourceNames?.length ? { resourceNames: [...rule.resourceNames] } : {}),
      });
  }
  return out;
}

/**
 * What every signed-in caller may do besides their roles (src/auth/authorizer.ts): ask these
 * reviews, list projects (filtered to theirs), read the cluster-wide shared definitions; and,
 * with any role in `namespace`, read that project.
 */
export function implicitRules(namespace: string | undefined, member: boolean): ResourceRule[] {
  return [
    {
      verbs: ['create'],
      apiGroups: [AUTHORIZATION_GROUP],
      resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    },
    ...kubeResourceRules([
      { verbs: ['list'], resources: ['projects'] },
      {
        verbs: ['get', 'list', 'watch'],
        resources: ['clusterpromotiontasks', 'clusteranalysistemplates'],
      },
      ...(member && namespace
        ? [{ verbs: ['get', 'watch'], resources: ['projects'], resourceNames: [namespace] }]
        : []),
    ]),
  ];
}

export const NON_RESOURCE_RULES = [{ verbs: ['get'], nonResourceURLs: DISCOVERY_URLS }];
