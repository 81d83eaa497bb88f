/**
 * Manifests Kargo's API server accepts, warns about or refuses, and what Gantry's admission
 * must do with them. Facts come from Kargo's CRDs (charts/kargo/resources/crds/*.yaml), its
 * admission webhooks (pkg/webhook/kubernetes/*), its API types (api/v1alpha1) and the
 * Kubernetes API server's own handling (pruning, cluster scope).
 *
 * `expect`: `accepted` (no warning), `warned` (accepted; each `warnings` entry a substring of
 * one warning), `refused` (each `issues` entry a substring of one `path: message`), `ignored`
 * (a Kubernetes kind Gantry does not use: accepted with a warning, not stored). `object`
 * checks parts of the admitted object; `differs` says why Gantry does not do what Kargo does
 * (docs/compatibility.md has the row).
 */
export interface AdmissionCase {
  name: string;
  upstream: string;
  document: Record<string, unknown>;
  expect: 'accepted' | 'warned' | 'refused' | 'ignored';
  warnings?: string[];
  issues?: string[];
  object?: (object: Record<string, unknown>) => unknown;
  /** What `object` must give. */
  equals?: unknown;
  differs?: string;
}

const KARGO = 'kargo.akuity.io/v1alpha1';
const meta = { name: 'w', namespace: 'demo' };
const warehouse = (subscriptions: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: KARGO,
  kind: 'Warehouse',
  metadata: meta,
  spec: { subscriptions, ...extra },
});
const projectConfig = (generic: Record<string, unknown>) => ({
  apiVersion: KARGO,
  kind: 'ProjectConfig',
  metadata: { name: 'demo', namespace: 'demo' },
  spec: { webhookReceivers: [{ name: 'g', generic: { secretRef: { name: 's' }, ...generic } }] },
});
const job = (metadata: unknown) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'AnalysisTemplate',
  metadata: { name: 'smoke', namespace: 'demo' },
  spec: {
    metrics: [
      {
        name: 'm',
        provider: {
          job: {
            metadata,
            spec: {
              template: {
                spec: { containers: [{ name: 'c', image: 'x' }], restartPolicy: 'Never' },
              },
            },
          },
        },
      },
    ],
  },
});
const spec = (object: Record<string, unknown>) => object.spec as Record<string, unknown>;
const firstSub = (type: string) => (object: Record<string, unknown>) =>
  (spec(object).subscriptions as Array<Record<string, unknown>>)[0]![type];
const CRD = 'charts/kargo/resources/crds';
const WEBHOOK = 'pkg/webhook/kubernetes/warehouse/webhook.go';
const TYPES = 'api/v1alpha1/zz_subscription_types.go';

export const ADMISSION_CASES: AdmissionCase[] = [
  // Cluster scope: the API server clears metadata.namespace of a cluster-scoped object.
  {
    name: 'a Project with metadata.namespace',
    upstream: `${CRD}/kargo.akuity.io_projects.yaml scope: Cluster`,
    document: { apiVersion: KARGO, kind: 'Project', metadata: { name: 'demo', namespace: 'demo' } },
    expect: 'accepted',
    object: (o) => (o.metadata as Record<string, unknown>).namespace,
    equals: undefined,
  },
  {
    name: 'a ClusterPromotionTask with metadata.namespace',
    upstream: `${CRD}/kargo.akuity.io_clusterpromotiontasks.yaml scope: Cluster`,
    document: {
      apiVersion: KARGO,
      kind: 'ClusterPromotionTask',
      metadata: { name: 't', namespace: 'kargo' },
      spec: { steps: [{ uses: 'git-clone', config: { repoURL: 'https://h/r', checkout: [] } }] },
    },
    expect: 'accepted',
    object: (o) => (o.metadata as Record<string, unknown>).namespace,
    equals: undefined,
  },
  // Pruning: no field of Kargo's CRDs is nullable, so the API server drops null values.
  {
    name: 'a Project with `spec:` and nothing under it',
    upstream: `${CRD}/kargo.akuity.io_projects.yaml (no nullable field: nulls pruned)`,
    document: { apiVersion: KARGO, kind: 'Project', metadata: { name: 'demo' }, spec: null },
    expect: 'accepted',
    object: (o) => 'spec' in o,
    equals: false,
  },
  // Project.spec (promotion policies) was deprecated in v1.3 and removed in v1.7. Kargo's API
  // server creates objects without strict field validation, so Kubernetes drops the field.
  {
    name: 'a Project with spec.promotionPolicies (Kargo before v1.7)',
    upstream: `${CRD}/kargo.akuity.io_projects.yaml (no spec since v1.7); pkg/server/create_resource.go (cl.Create: unknown fields dropped)`,
    document: {
      apiVersion: KARGO,
      kind: 'Project',
      metadata: { name: 'demo' },
      spec: { promotionPolicies: [{ stage: 'test', autoPromotionEnabled: true }] },
    },
    expect: 'warned',
    warnings: [
      'project "demo": spec was removed in Kargo v1.7 and is dropped, as Kargo\'s API server drops it (its promotion policies are not applied)',
      'put promotionPolicies in a ProjectConfig named "demo"',
    ],
    object: (o) => 'spec' in o,
    equals: false,
  },
  {
    name: 'a Project with an empty spec object',
    upstream: `${CRD}/kargo.akuity.io_projects.yaml (no spec since v1.7)`,
    document: { apiVersion: KARGO, kind: 'Project', metadata: { name: 'demo' }, spec: {} },
    expect: 'warned',
    warnings: ['spec was removed in Kargo v1.7'],
    object: (o) => 'spec' in o,
    equals: false,
  },
  {
    name: 'a Stage with requestedFreight and promotionMechanisms (Kargo before v1.0)',
    upstream: `${CRD}/kargo.akuity.io_stages.yaml (no promotionMechanisms since v1.0); pkg/server/create_resource.go (unknown fields dropped)`,
    document: {
      apiVersion: KARGO,
      kind: 'Stage',
      metadata: { name: 'dev', namespace: 'demo' },
      spec: {
        requestedFreight: [{ origin: { kind: 'Warehouse', name: 'w' }, sources: { direct: true } }],
        promotionMechanisms: { gitRepoUpdates: [{ repoURL: 'https://example.com/r.git' }] },
      },
    },
    expect: 'warned',
    warnings: [
      'stage "dev": spec.promotionMechanisms was removed in Kargo v1.0 and is dropped',
      'describe the promotion as spec.promotionTemplate.spec.steps',
    ],
    object: (o) => 'promotionMechanisms' in spec(o),
    equals: false,
  },
  {
    name: 'a Stage of Kargo before v0.5 (subscriptions, no requestedFreight)',
    upstream: `${CRD}/kargo.akuity.io_stages.yaml (required: requestedFreight)`,
    document: {
      apiVersion: KARGO,
      kind: 'Stage',
      metadata: { name: 'dev', namespace: 'demo' },
      spec: { subscriptions: { warehouse: 'w' } },
    },
    expect: 'refused',
    issues: ['spec.requestedFreight: required'],
  },
  {
    name: 'a field Kargo never had (a git subscription name)',
    upstream: `${CRD}/kargo.akuity.io_warehouses.yaml (git has no name)`,
    document: warehouse([{ git: { repoURL: 'https://example.com/r.git', name: 'plat' } }]),
    expect: 'refused',
    issues: ['spec.subscriptions[0].git.name: unknown field'],
    differs:
      "Kargo's API server drops unknown fields (Kubernetes' default field validation); Gantry refuses them as kubectl's strict validation does",
  },
  {
    name: 'a Warehouse with freightCreationCriteria: null',
    upstream: `${CRD}/kargo.akuity.io_warehouses.yaml (nulls pruned)`,
    document: warehouse([{ image: { repoURL: 'a/b' } }], { freightCreationCriteria: null }),
    expect: 'accepted',
    object: (o) => 'freightCreationCriteria' in spec(o),
    equals: false,
  },
  {
    name: 'an AnalysisTemplate job with an empty metadata:',
    upstream: 'argo-rollouts AnalysisTemplate CRD (job.metadata not nullable: pruned)',
    document: job(null),
    expect: 'accepted',
  },
  {
    name: 'an AnalysisTemplate job with metadata: {}',
    upstream: 'argo-rollouts AnalysisTemplate CRD',
    document: job({}),
    expect: 'accepted',
  },
  // Deprecated tag filters (Kargo until v1.13): honoured as Kargo v1.10 did, with a warning.
  {
    name: 'an image subscription with allowTags',
    upstream: `${TYPES} ImageSubscription.AllowTags; v1.10 pkg/image/tag_based_selector.go`,
    document: warehouse([{ image: { repoURL: 'a/b', allowTags: '^v1\\.' } }]),
    expect: 'warned',
    warnings: ['spec.subscriptions[0].image.allowTags is deprecated', 'allowTagsRegexes'],
    object: (o) => (firstSub('image')(o) as Record<string, unknown>).allowTagsRegexes,
    equals: ['^v1\\.'],
    differs:
      'Kargo v1.11-v1.12 accept allowTags but fail discovery; Gantry honours it as Kargo v1.10 did, with a warning',
  },
  {
    name: 'allowTags joins allowTagsRegexes',
    upstream: `v1.10 pkg/image/tag_based_selector.go newTagBasedSelector`,
    document: warehouse([{ image: { repoURL: 'a/b', allowTagsRegexes: ['^a'], allowTags: '^b' } }]),
    expect: 'warned',
    warnings: ['allowTags is deprecated'],
    object: (o) => (firstSub('image')(o) as Record<string, unknown>).allowTagsRegexes,
    equals: ['^a', '^b'],
  },
  {
    name: 'ignoreTags are exact tags',
    upstream: `${TYPES} ImageSubscription.IgnoreTags; v1.10 tag_based_selector.go (^QuoteMeta(tag)$)`,
    document: warehouse([{ image: { repoURL: 'a/b', ignoreTags: ['v1.0.0', 'a+b'] } }]),
    expect: 'warned',
    warnings: ['ignoreTags is deprecated'],
    object: (o) => (firstSub('image')(o) as Record<string, unknown>).ignoreTagsRegexes,
    equals: ['^v1\\.0\\.0$', '^a\\+b$'],
  },
  {
    name: 'a git subscription with allowTags',
    upstream: `${TYPES} GitSubscription.AllowTags; v1.10 pkg/controller/git/commit/tag_based_selector.go`,
    document: warehouse([
      {
        git: { repoURL: 'https://h/r', commitSelectionStrategy: 'NewestTag', allowTags: '^v' },
      },
    ]),
    expect: 'warned',
    warnings: ['spec.subscriptions[0].git.allowTags is deprecated'],
    object: (o) => (firstSub('git')(o) as Record<string, unknown>).allowTagsRegexes,
    equals: ['^v'],
  },
  {
    name: 'an empty allowTags is unset',
    upstream: `${TYPES} allowTags,omitempty`,
    document: warehouse([{ image: { repoURL: 'a/b', allowTags: '', ignoreTags: [] } }]),
    expect: 'accepted',
    object: (o) => Object.keys(firstSub('image')(o) as object).filter((k) => k.includes('Tags')),
    equals: [],
  },
  {
    name: 'an allowTags that is not a regular expression',
    upstream: 'v1.10 tag_based_selector.go (regexp.Compile fails discovery)',
    document: warehouse([{ image: { repoURL: 'a/b', allowTags: '(' } }]),
    expect: 'refused',
    issues: ['spec.subscriptions[0].image.allowTags: invalid regular expression'],
    differs: 'Kargo accepts it and fails discovery; Gantry refuses it when it is applied',
  },
  // Generic webhook receivers: actions and targetSelectionCriteria are optional (minItems 1).
  {
    name: 'a generic receiver without actions',
    upstream: `${CRD}/kargo.akuity.io_projectconfigs.yaml generic (required: secretRef only)`,
    document: projectConfig({}),
    expect: 'accepted',
  },
  {
    name: 'a generic action without targetSelectionCriteria',
    upstream: `${CRD}/kargo.akuity.io_projectconfigs.yaml actions[] (required: action only)`,
    document: projectConfig({ actions: [{ action: 'Refresh' }] }),
    expect: 'accepted',
  },
  {
    name: 'a generic receiver with actions: []',
    upstream: `${CRD}/kargo.akuity.io_projectconfigs.yaml actions minItems: 1`,
    document: projectConfig({ actions: [] }),
    expect: 'refused',
    issues: ['spec.webhookReceivers[0].generic.actions'],
  },
  {
    name: 'a generic action with targetSelectionCriteria: []',
    upstream: `${CRD}/kargo.akuity.io_projectconfigs.yaml targetSelectionCriteria minItems: 1`,
    document: projectConfig({ actions: [{ action: 'Refresh', targetSelectionCriteria: [] }] }),
    expect: 'refused',
    issues: ['spec.webhookReceivers[0].generic.actions[0].targetSelectionCriteria'],
  },
  // Platforms: <os>/<arch>[/<variant>] (pkg/image/platform_constraint.go).
  {
    name: 'a platform with a variant',
    upstream: 'pkg/image/platform_constraint.go parsePlatformConstraint',
    document: warehouse([{ image: { repoURL: 'a/b', platform: 'linux/arm64/v8' } }]),
    expect: 'accepted',
    object: (o) => (firstSub('image')(o) as Record<string, unknown>).platform,
    equals: 'linux/arm64/v8',
  },
  {
    name: 'a platform without an architecture',
    upstream: 'pkg/image/platform_constraint.go (fewer than 2 parts: discovery error)',
    document: warehouse([{ image: { repoURL: 'a/b', platform: 'linux' } }]),
    expect: 'refused',
    issues: ['spec.subscriptions[0].image.platform'],
    differs: 'Kargo accepts it and fails discovery; Gantry refuses it when it is applied',
  },
  // Named subscriptions (v1.12).
  {
    name: 'named image, git and chart subscriptions',
    upstream: `${WEBHOOK} validateSubs (name optional for the three typed kinds)`,
    document: warehouse([
      { name: 'api', image: { repoURL: 'a/b' } },
      { name: 'config', git: { repoURL: 'https://h/r' } },
      { name: 'chart', chart: { repoURL: 'oci://h/c' } },
    ]),
    expect: 'accepted',
    object: (o) => (spec(o).subscriptions as Array<Record<string, unknown>>).map((sub) => sub.name),
    equals: ['api', 'config', 'chart'],
  },
  {
    name: 'an empty subscription name is no name',
    upstream: `${WEBHOOK} validateSubs (sub.Name == "")`,
    document: warehouse([{ name: '', image: { repoURL: 'a/b' } }]),
    expect: 'accepted',
    object: (o) => 'name' in (spec(o).subscriptions as Array<Record<string, unknown>>)[0]!,
    equals: false,
  },
  {
    name: 'a subscription name that is not a DNS-1123 label',
    upstream: `${WEBHOOK} validateSubs IsDNS1123Label`,
    document: warehouse([{ name: 'My_API', image: { repoURL: 'a/b' } }]),
    expect: 'refused',
    issues: ['spec.subscriptions[0].name: must be a DNS-1123 label'],
  },
  {
    name: 'two subscriptions with the same name',
    upstream: `${WEBHOOK} validateSubs (subscription name already used)`,
    document: warehouse([
      { name: 'a', image: { repoURL: 'a/b' } },
      { name: 'a', image: { repoURL: 'a/c' } },
    ]),
    expect: 'refused',
    issues: ['spec.subscriptions[1].name: name "a" is already used by subscriptions[0]'],
  },
  {
    name: 'a generic subscription without a name',
    upstream: `${WEBHOOK} validateSubs (a name is required for subscriptions of this type)`,
    document: warehouse([{ custom: { config: {} } }]),
    expect: 'refused',
    issues: ['spec.subscriptions[0].name: required for a generic subscription'],
  },
  // Kubernetes kinds Kargo projects carry beside their pipelines.
  ...[
    ['v1', 'Namespace'],
    ['v1', 'ServiceAccount'],
    ['rbac.authorization.k8s.io/v1', 'Role'],
    ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'],
  ].map(([apiVersion, kind]): AdmissionCase => ({
    name: `a ${apiVersion} ${kind}`,
    upstream: 'Kargo projects (kargo-advanced, quickstart RBAC) beside their pipelines',
    document: { apiVersion, kind, metadata: { name: 'x', namespace: 'demo' } },
    expect: 'ignored',
    warnings: [`${kind} "x" (${apiVersion}) ignored, not stored`],
    differs: 'Kargo stores them in Kubernetes; Gantry has no use for them and sets them aside',
  })),
  {
    name: 'a ConfigMap (a Gantry kind)',
    upstream: 'Kargo expressions read ConfigMaps (configMap())',
    document: {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', namespace: 'demo' },
      data: { a: 'b' },
    },
    expect: 'accepted',
  },
  {
    name: 'a Deployment (no meaning beside a pipeline)',
    upstream: 'not a kind Kargo projects carry for Kargo',
    document: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' } },
    expect: 'refused',
    issues: ['kind: unknown kind "Deployment"'],
  },
];
