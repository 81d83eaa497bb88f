/**
 * What `kubectl explain` says about Gantry's kinds and their main fields: Gantry's own words
 * (the zod schemas in src/api carry types, not prose). Field keys are paths below the object
 * (`spec.promotionTemplate.spec.steps[].uses`: `[]` steps into a list's items, `{}` into a
 * map's values); a key also matches where it ends a longer path (`steps[].uses` describes
 * every step list), and the longest match wins. A test checks every key names a real field.
 */

export const KIND_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Project:
    'A Project is a tenant: it holds a pipeline (Warehouses, Stages, Freight, Promotions) and its credentials and roles. Projects are also served as namespaces.',
  ProjectConfig:
    'ProjectConfig holds the settings of one Project: promotion policies, webhook receivers and promotion windows. There is at most one, named after the Project.',
  ClusterPromotionTask:
    'A ClusterPromotionTask is a reusable list of promotion steps that Stages and Promotions of every Project may reference.',
  PromotionTask:
    'A PromotionTask is a reusable list of promotion steps that the Stages and Promotions of its Project may reference.',
  ClusterAnalysisTemplate:
    'A ClusterAnalysisTemplate defines checks (metrics and their success conditions) that verification of any Project may run.',
  AnalysisTemplate:
    'An AnalysisTemplate defines checks (metrics and their success conditions) that a Stage runs to verify the Freight it was promoted to.',
  Warehouse:
    'A Warehouse watches repositories (container images, Git, Helm charts) and produces Freight: a versioned set of artifacts that can be promoted.',
  Stage:
    'A Stage is a promotion target in a pipeline: it says which Freight it accepts and from where, the steps that promote Freight to it, and how the result is verified.',
  Freight:
    'Freight is a set of artifact versions (images, commits, charts) found by a Warehouse, promoted together from Stage to Stage.',
  Promotion:
    'A Promotion asks to move one piece of Freight into one Stage, running the promotion steps, and records how that went.',
  Secret:
    'A Secret holds credentials (for Git, Helm or image repositories, or generic) for one Project. Values are never shown to readers.',
  ConfigMap:
    'A ConfigMap holds plain configuration values for one Project, readable from promotion step expressions.',
  Role: "A Role gives users (matched by their sign-in claims) rights on a Project's resources.",
  Namespace:
    "A namespace is a Gantry Project, served under the Kubernetes name so that namespaced requests address a Project's objects.",
};

/** The fields every object has, matched only at the top. */
const ROOT: Record<string, string> = {
  apiVersion:
    'The versioned schema of this object (group/version). Servers convert recognised versions to their current one.',
  kind: 'The type of this object, in CamelCase.',
  metadata:
    "Standard object metadata: name, namespace (the Project), labels, annotations and the server's bookkeeping.",
  status: 'What the controllers last observed about this object. Written by Gantry, not by users.',
};

/** Fields several kinds share, matched wherever they end a path. */
const SHARED: Record<string, string> = {
  'status.conditions':
    'The latest observations of this object, one per condition type (Ready, Reconciling, Healthy, …).',
  'conditions[].type': 'The condition type, e.g. Ready.',
  'conditions[].status': 'True, False or Unknown.',
  'conditions[].reason': 'A one-word, CamelCase reason for the last transition.',
  'conditions[].message': 'A human-readable explanation of the last transition.',
  'conditions[].lastTransitionTime': 'When the condition last changed status.',
  'conditions[].observedGeneration': 'The metadata.generation the condition was computed from.',
  'status.observedGeneration': 'The metadata.generation the controller last acted on.',
  'status.lastHandledRefresh':
    'The last refresh request (kargo.akuity.io/refresh annotation) the controller handled.',
  vars: 'Variables available to expressions (${{ vars.name }}), evaluated in order.',
  'vars[].name': 'The variable name: a letter or _, then letters, digits or _.',
  'vars[].value': 'The value, which may itself use expressions.',
  steps: 'The promotion steps, run in order.',
  'steps[].uses':
    'The step kind to run (git-clone, kustomize-set-image, argocd-update, …). Set this or task.',
  'steps[].task':
    'A PromotionTask or ClusterPromotionTask whose steps run here instead. Set this or uses.',
  'steps[].task.name': 'The name of the task.',
  'steps[].task.kind': 'PromotionTask (the default) or ClusterPromotionTask.',
  'steps[].as': "An alias naming this step's output for later steps (outputs.<alias>).",
  'steps[].if': 'An expression; the step runs only when it evaluates to true.',
  'steps[].continueOnError': 'Whether the promotion goes on when this step fails.',
  'steps[].retry': 'How long and how often a failing step is retried.',
  'steps[].retry.timeout': 'The longest the step may keep retrying, as a duration (5m).',
  'steps[].retry.errorThreshold': 'The number of consecutive failures after which the step fails.',
  'steps[].vars': 'Variables of this step only.',
  'steps[].config': "The step's configuration, specific to its kind; strings may use expressions.",
  'steps[].description': 'A short description of the step, shown with the promotion.',
  'origin.kind': 'The kind of the origin: Warehouse.',
  'origin.name': 'The name of the Warehouse.',
  shard: 'The shard (controller) that handles this object; empty for the default.',
  'matchExpressions[].key': 'The label key the requirement applies to.',
  'matchExpressions[].operator': 'In, NotIn, Exists or DoesNotExist.',
  'matchExpressions[].values': 'The values for In and NotIn.',
};

const ANALYSIS: Record<string, string> = {
  spec: 'The metrics to measure, their arguments and success conditions.',
  'spec.metrics': 'The measurements taken, each with when it succeeds or fails.',
  'spec.args': 'Arguments the metrics may use ({{args.name}}).',
  'spec.dryRun': 'Metrics whose failures are reported but do not fail the analysis.',
  'spec.measurementRetention': 'How many measurements of each metric are kept.',
  'spec.templates': 'Other templates whose metrics are included.',
};

const FIELDS: Record<string, Record<string, string>> = {
  Stage: {
    spec: 'What the Stage wants: where its Freight comes from, how to promote and how to verify.',
    'spec.requestedFreight':
      'The Freight this Stage accepts: one entry per origin (Warehouse), each saying where that Freight may come from.',
    'spec.requestedFreight[].origin': 'The Warehouse that produced the Freight.',
    'spec.requestedFreight[].sources':
      'Where Freight of this origin may come from: straight from the Warehouse, from upstream Stages, or both.',
    'spec.requestedFreight[].sources.direct': 'Freight may come straight from the Warehouse.',
    'spec.requestedFreight[].sources.stages':
      'Upstream Stages whose verified Freight may be promoted here.',
    'spec.requestedFreight[].sources.requiredSoakTime':
      'How long Freight must have been in an upstream Stage before it may come here (a duration).',
    'spec.requestedFreight[].sources.availabilityStrategy':
      'OneOf: Freight verified in any upstream Stage is available; All: it must be verified in every one.',
    'spec.requestedFreight[].sources.autoPromotionOptions':
      'How automatic promotion picks Freight.',
    'spec.requestedFreight[].sources.autoPromotionOptions.selectionPolicy':
      'NewestFreight (the default) or MatchUpstream (what the one upstream Stage has).',
    'spec.promotionTemplate':
      'The template of the Promotions made for this Stage: the steps that move Freight into it. A Stage without one only passes Freight on.',
    'spec.promotionTemplate.spec': 'The variables and steps each Promotion to this Stage runs.',
    'spec.verification':
      'How Freight promoted to this Stage is verified, by running analysis templates.',
    'spec.verification.analysisTemplates':
      'The templates whose checks are run after each promotion.',
    'spec.verification.analysisTemplates[].name': 'The name of the template.',
    'spec.verification.analysisTemplates[].kind':
      'AnalysisTemplate (the default) or ClusterAnalysisTemplate.',
    'spec.verification.analysisRunMetadata': 'Labels and annotations given to the analysis runs.',
    'spec.verification.args': 'Arguments passed to the analysis templates.',
    'spec.targets': 'The deployment targets this Stage reports on.',
    'status.freightSummary': 'A short account of the Freight currently in the Stage.',
    'status.freightHistory': 'The Freight collections this Stage has had, newest first.',
    'status.health': "The health of what the Stage's promotions deploy.",
    'status.health.status': 'Healthy, Unhealthy, Progressing, Unknown or NotApplicable.',
    'status.health.issues': 'Why the Stage is not healthy.',
    'status.currentPromotion': 'The Promotion running now, if any.',
    'status.lastPromotion': 'The last Promotion that finished.',
    'status.autoPromotionEnabled':
      "Whether the Project's policies let Freight be promoted here automatically.",
    'status.autoPromotionHolds': 'Freight that automatic promotion must not replace, by origin.',
    'status.metadata': 'Data that promotion steps stored on the Stage.',
  },
  Warehouse: {
    spec: 'What the Warehouse watches and when it makes Freight.',
    'spec.interval': 'How often the repositories are checked for new versions (a duration).',
    'spec.freightCreationPolicy':
      'Automatic (the default) makes Freight whenever new versions are found; Manual only on request.',
    'spec.freightCreationCriteria': 'A condition new versions must meet before Freight is made.',
    'spec.subscriptions': 'The repositories watched: each an image, git or chart subscription.',
    'status.lastFreightID': 'The name of the last Freight this Warehouse made.',
  },
  Freight: {
    alias: 'A human-friendly name for this Freight, unique in its Project.',
    origin: 'The Warehouse that made this Freight.',
    commits: 'The Git commits in this Freight.',
    images: 'The container images in this Freight.',
    charts: 'The Helm charts in this Freight.',
    artifacts: 'Other artifacts in this Freight.',
    discoveredAt: 'When the Warehouse found these versions.',
    'status.currentlyIn': 'The Stages this Freight is in now.',
    'status.verifiedIn': 'The Stages where this Freight was verified.',
    'status.approvedFor': 'The Stages this Freight was manually approved for.',
  },
  Promotion: {
    spec: 'Which Freight goes to which Stage, and the steps that do it.',
    'spec.stage': 'The Stage to promote to.',
    'spec.freight': 'The name of the Freight to promote.',
    'spec.origin': 'The Warehouse of the Freight.',
    'status.phase': 'Pending, Running, Succeeded, Failed, Errored or Aborted.',
    'status.message': 'Why the Promotion is in this phase.',
    'status.freight': 'The Freight promoted.',
    'status.currentStep': 'The index of the step running or last run.',
    'status.stepExecutionMetadata': 'When each step ran, how often it failed and how it ended.',
    'status.state': 'The outputs of the steps so far.',
    'status.startedAt': 'When the Promotion started running.',
    'status.freightCollection': 'The Freight of every origin the Stage has after this Promotion.',
    'status.healthChecks': 'The health checks the steps asked for, run on the Stage afterwards.',
    'status.finishedAt': 'When the Promotion finished.',
  },
  Project: {
    'status.stats': 'Counts of the Project’s Stages and Warehouses and their health.',
  },
  ProjectConfig: {
    spec: 'The settings of the Project.',
    'spec.promotionPolicies':
      'Per Stage (by name or selector): whether Freight is promoted automatically, and rollbacks.',
    'spec.webhookReceivers':
      'Endpoints that repositories call on a push, so Warehouses look for new versions at once.',
    'spec.promotionWindows':
      'Times when promotions are allowed or denied, for Stages chosen by a selector.',
    'status.webhookReceivers': 'The URL of each webhook receiver.',
  },
  PromotionTask: { spec: 'The variables and steps of the task.' },
  ClusterPromotionTask: { spec: 'The variables and steps of the task.' },
  AnalysisTemplate: ANALYSIS,
  ClusterAnalysisTemplate: ANALYSIS,
  Secret: {
    type: 'The Secret type, e.g. Opaque.',
    data: 'The values, base64-encoded. Never shown: reads list the keys only.',
    stringData: 'Values in plain text, folded into data when written.',
    immutable: 'Whether the values can no longer be changed.',
  },
  ConfigMap: {
    data: 'The configuration values.',
    binaryData: 'Binary values, base64-encoded.',
    immutable: 'Whether the values can no longer be changed.',
  },
  Role: {
    kargoManaged: 'Whether Gantry manages this Role itself (the default roles).',
    claims: 'The sign-in claims that make a user hold this Role.',
    rules: 'What holders of this Role may do.',
  },
  Namespace: {
    spec: 'The namespace’s finalizers.',
    'status.phase': 'Active.',
  },
};

/** The description of the field at `path` (see above) of `kind`, or undefined. */
export function fieldDescription(kind: string, path: string): string | undefined {
  return longestMatch(FIELDS[kind] ?? {}, path) ?? ROOT[path] ?? longestMatch(SHARED, path);
}

function longestMatch(table: Record<string, string>, path: string): string | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table))
    if ((path === key || path.endsWith(`.${key}`)) && (!best || key.length > best.length))
      best = key;
  return best === undefined ? undefined : table[best];
}

/** Every key of the tables, for the test that each names a real field. */
export function describedFields(): { kind: string | undefined; path: string }[] {
  return [
    ...[...Object.keys(ROOT), ...Object.keys(SHARED)].map((path) => ({ kind: undefined, path })),
    ...Object.entries(FIELDS).flatMap(([kind, table]) =>
      Object.keys(table).map((path) => ({ kind, path })),
    ),
  ];
}
