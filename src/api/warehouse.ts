import { z } from 'zod';
import { statusCommonShape } from './common.js';
import { durationSchema, KARGO_API_VERSION, namespacedObjectMetaSchema } from './meta.js';
import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from './repo-urls.js';
import { globProblem } from './glob.js';
import { constraintProblem } from './semver-constraint.js';
import { prefixedRegex, userRegexProblem } from './user-regex.js';

/**
 * Warehouse: watches repositories and produces Freight. Subscriptions are written as
 * `{ image: {...} }`, `{ git: {...} }`, `{ chart: {...} }`, or `{ <type>: {...} }` for a
 * generic subscription, with an optional sibling `name`. Kargo (v1.11+) validates them in its
 * webhook rather than its CRD; these schemas encode the same rules and defaults.
 */

const IMAGE_REPO = /^(\w+([.-]\w+)*(:\d+)?\/)?(\w+([.-]\w+)*)(\/\w+([.-]\w+)*)*$/;
const GIT_URL =
  /(?:^(ssh|https?):\/\/(?:([\w-]+)(:(.+))?@)?([\w-]+(?:\.[\w-]+)*)(?::(\d{1,5}))?(\/.*)$)|(?:^([\w-]+)@([\w+]+(?:\.[\w-]+)*):(\/?.*))$/;
// Kargo writes the path as `(/.*)*`, which means the same as `(\/.*)?` but backtracks
// exponentially in JavaScript on a run of slashes followed by a newline.
const CHART_URL = /^(((https?)|(oci)):\/\/)([\w.-]+)(:\d+)?(\/.*)?$/;
const BRANCH = /^[a-zA-Z0-9]([a-zA-Z0-9._/-]*[a-zA-Z0-9_-])?$/;
/** `<os>/<arch>` with an optional variant (`linux/arm64/v8`), as Kargo parses it. */
const PLATFORM = /^\w+\/\w+(\/\w+)?$/;
/** A subscription's name is a DNS-1123 label, as Kargo's webhook checks it (v1.12). */
const SUBSCRIPTION_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const discoveryLimit = z.number().int().min(1).max(100).default(20);
/** Tag filters: RE2 expressions, as Kargo compiles them with Go's regexp (see user-regex.ts). */
const regexList = z.array(
  z.string().superRefine((pattern, ctx) => {
    const problem = userRegexProblem(pattern);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
);

/**
 * Kargo's deprecated tag filters (removed in v1.13). Admission turns them into their
 * replacements with a warning (compat/admission-compat.ts); what reaches the schema is either
 * malformed or came without admission.
 */
const removedTagFilters = {
  allowTags: regexList.element.optional(),
  ignoreTags: z.array(z.string()).optional(),
};

function checkConstraint(
  constraint: string | undefined,
  field: string,
  ctx: z.RefinementCtx,
): void {
  const problem = constraint === undefined ? undefined : constraintProblem(constraint);
  if (problem) ctx.addIssue({ code: 'custom', path: [field], message: problem });
}

/** What is wrong with an includePaths/excludePaths entry (`regex:…` or `glob:…`), if anything. */
function pathPatternProblem(entry: string): string | undefined {
  const regex = prefixedRegex(entry);
  if (regex !== undefined) return userRegexProblem(regex);
  if (entry.startsWith('glob:')) return globProblem(entry.slice('glob:'.length));
  return undefined;
}

function rejectRemovedTagFilters(
  sub: { allowTags?: unknown; ignoreTags?: unknown },
  ctx: z.RefinementCtx,
) {
  for (const field of ['allowTags', 'ignoreTags'] as const) {
    if (sub[field] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message: `deprecated (removed in Kargo v1.13): use ${field}Regexes (a list of regular expressions)`,
      });
    }
  }
}

export const imageSubscriptionSchema = z
  .strictObject({
    repoURL: z.string().min(1).regex(IMAGE_REPO, {
      message: 'not an image repository (write it without a tag, e.g. ghcr.io/acme/api)',
    }),
    imageSelectionStrategy: z
      .enum(['SemVer', 'Lexical', 'Digest', 'NewestBuild'])
      .default('SemVer'),
    constraint: z.string().optional(),
    /** Kargo's name for `constraint` before v1.9; accepted and moved to `constraint`. */
    semverConstraint: z.string().optional(),
    strictSemvers: z.boolean().default(true),
    allowTagsRegexes: regexList.optional(),
    ignoreTagsRegexes: regexList.optional(),
    platform: z
      .string()
      .regex(PLATFORM, {
        message: 'must be <os>/<arch>[/<variant>], e.g. linux/amd64 or linux/arm64/v8',
      })
      .optional(),
    discoveryLimit,
    cacheByTag: z.boolean().default(false),
    insecureSkipTLSVerify: z.boolean().optional(),
    ...removedTagFilters,
  })
  .superRefine((sub, ctx) => {
    rejectRemovedTagFilters(sub, ctx);
    if (sub.semverConstraint !== undefined && sub.constraint !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['semverConstraint'],
        message: 'set constraint only (semverConstraint is its old name)',
      });
    }
    if (sub.imageSelectionStrategy === 'SemVer') {
      checkConstraint(sub.constraint, 'constraint', ctx);
      checkConstraint(sub.semverConstraint, 'semverConstraint', ctx);
    }
    if (sub.imageSelectionStrategy === 'Digest' && !(sub.constraint ?? sub.semverConstraint)) {
      ctx.addIssue({
        code: 'custom',
        path: ['constraint'],
        message:
          'required with imageSelectionStrategy Digest: the mutable tag to follow, e.g. latest',
      });
    }
  })
  .transform(({ semverConstraint, allowTags: _a, ignoreTags: _i, ...sub }) =>
    semverConstraint !== undefined ? { ...sub, constraint: semverConstraint } : sub,
  );

export const gitSubscriptionSchema = z
  .strictObject({
    repoURL: z
      .string()
      .min(1)
      .regex(GIT_URL, { message: 'not a git repository URL (use https://host/path)' }),
    commitSelectionStrategy: z
      .enum(['NewestFromBranch', 'SemVer', 'Lexical', 'NewestTag'])
      .default('NewestFromBranch'),
    branch: z
      .string()
      .min(1)
      .max(255)
      .regex(BRANCH, { message: 'not a valid branch name' })
      .optional(),
    strictSemvers: z.boolean().default(true),
    semverConstraint: z.string().optional(),
    allowTagsRegexes: regexList.optional(),
    ignoreTagsRegexes: regexList.optional(),
    expressionFilter: z.string().optional(),
    includePaths: z.array(z.string().min(1)).optional(),
    excludePaths: z.array(z.string().min(1)).optional(),
    discoveryLimit,
    since: z.iso
      .datetime({ offset: true, message: 'must be an RFC 3339 time, e.g. 2026-01-31T00:00:00Z' })
      .optional(),
    blobless: z.boolean().optional(),
    insecureSkipTLSVerify: z.boolean().optional(),
    ...removedTagFilters,
  })
  .superRefine((sub, ctx) => {
    rejectRemovedTagFilters(sub, ctx);
    checkConstraint(sub.semverConstraint, 'semverConstraint', ctx);
    for (const field of ['includePaths', 'excludePaths'] as const) {
      sub[field]?.forEach((selector, index) => {
        const problem = pathPatternProblem(selector);
        if (problem) ctx.addIssue({ code: 'custom', path: [field, index], message: problem });
      });
    }
  })
  .transform(({ allowTags: _a, ignoreTags: _i, ...sub }) => sub);

export const chartSubscriptionSchema = z
  .strictObject({
    repoURL: z
      .string()
      .min(1)
      .regex(CHART_URL, { message: 'not a chart repository URL (https://… or oci://…)' }),
    name: z.string().optional(),
    semverConstraint: z.string().optional(),
    discoveryLimit,
    insecureSkipTLSVerify: z.boolean().optional(),
  })
  .superRefine((sub, ctx) => {
    checkConstraint(sub.semverConstraint, 'semverConstraint', ctx);
    const oci = sub.repoURL.startsWith('oci://');
    if (oci && sub.name) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'must be empty for an oci:// repository (the chart is the repository)',
      });
    }
    if (!oci && !sub.name) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: 'required for an http(s) chart repository',
      });
    }
  });

const genericSubscriptionSchema = z.strictObject({
  name: z.string().min(1).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  discoveryLimit,
});

export type ImageSubscription = z.output<typeof imageSubscriptionSchema>;
export type GitSubscription = z.output<typeof gitSubscriptionSchema>;
export type ChartSubscription = z.output<typeof chartSubscriptionSchema>;
export type GenericSubscription = z.output<typeof genericSubscriptionSchema>;

export type Subscription =
  | { name?: string; image: ImageSubscription }
  | { name?: string; git: GitSubscription }
  | { name?: string; chart: ChartSubscription }
  | { name?: string; [type: string]: unknown };

const TYPED = {
  image: imageSubscriptionSchema,
  git: gitSubscriptionSchema,
  chart: chartSubscriptionSchema,
} as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const subscriptionSchema = z.unknown().transform((value, ctx): Subscription => {
  if (!isPlainObject(value)) {
    ctx.addIssue({ code: 'custom', message: 'must be an object with one of image, git or chart' });
    return z.NEVER;
  }
  const { name: given, ...rest } = value;
  // An empty name is no name (Go's omitempty), as in Kargo.
  const name = given === '' ? undefined : given;
  const types = Object.keys(rest);
  if (types.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        types.length === 0
          ? 'set one of image, git or chart (or a generic subscription type)'
          : `set only one subscription type per entry (found ${types.join(', ')})`,
    });
    return z.NEVER;
  }
  const type = types[0]!;
  if (
    name !== undefined &&
    (typeof name !== 'string' || name.length > 63 || !SUBSCRIPTION_NAME.test(name))
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['name'],
      message:
        'must be a DNS-1123 label: at most 63 lowercase letters, digits or "-", starting and ending with a letter or digit',
    });
  }
  const schema = type in TYPED ? TYPED[type as keyof typeof TYPED] : genericSubscriptionSchema;
  const parsed = schema.safeParse(rest[type]);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ ...(issue as z.core.$ZodRawIssue), path: [type, ...issue.path] });
    }
    return z.NEVER;
  }
  if (!(type in TYPED)) {
    const generic = parsed.data as GenericSubscription;
    if (!generic.name && typeof name !== 'string') {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `required for a generic subscription (type "${type}")`,
      });
      return z.NEVER;
    }
  }
  return { ...(typeof name === 'string' ? { name } : {}), [type]: parsed.data };
});

/** The identity Kargo uses to reject duplicate subscriptions in one Warehouse. */
function subscriptionIdentity(sub: Subscription): string {
  if ('image' in sub && sub.image)
    return `image:${normalizeImageRepo((sub.image as ImageSubscription).repoURL)}`;
  if ('git' in sub && sub.git)
    return `git:${normalizeGitUrl((sub.git as GitSubscription).repoURL)}`;
  if ('chart' in sub && sub.chart) {
    const chart = sub.chart as ChartSubscription;
    return `chart:${normalizeChartUrl(chart.repoURL)}/${chart.name ?? ''}`;
  }
  const [type, body] = Object.entries(sub).find(([key]) => key !== 'name') ?? ['', {}];
  return `${type}:${(body as GenericSubscription).name ?? sub.name ?? ''}`;
}

export const warehouseSpecSchema = z
  .strictObject({
    shard: z.string().optional(),
    interval: durationSchema.default('5m0s'),
    freightCreationPolicy: z.enum(['Automatic', 'Manual']).default('Automatic'),
    freightCreationCriteria: z.strictObject({ expression: z.string().min(1) }).optional(),
    subscriptions: z.array(subscriptionSchema).min(1),
  })
  .superRefine((spec, ctx) => {
    const seen = new Map<string, number>();
    const names = new Map<string, number>();
    spec.subscriptions.forEach((sub, index) => {
      const identity = subscriptionIdentity(sub);
      const first = seen.get(identity);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['subscriptions', index],
          message: `subscribes to the same repository as subscriptions[${first}]`,
        });
      } else seen.set(identity, index);
      if (typeof sub.name === 'string') {
        const key = sub.name.trim().toLowerCase();
        const firstName = names.get(key);
        if (firstName !== undefined) {
          ctx.addIssue({
            code: 'custom',
            path: ['subscriptions', index, 'name'],
            message: `name "${sub.name}" is already used by subscriptions[${firstName}]`,
          });
        } else names.set(key, index);
      }
    });
  });

const discoveredCommitSchema = z.strictObject({
  id: z.string().min(1),
  branch: z.string().optional(),
  tag: z.string().optional(),
  subject: z.string().optional(),
  author: z.string().optional(),
  committer: z.string().optional(),
  creatorDate: z.string().optional(),
});

const discoveredImageSchema = z.strictObject({
  tag: z.string().min(1).max(128),
  digest: z.string().min(1),
  annotations: z.record(z.string(), z.string()).optional(),
  createdAt: z.string().optional(),
});

export const warehouseStatusSchema = z.strictObject({
  ...statusCommonShape,
  lastFreightID: z.string().optional(),
  discoveredArtifacts: z
    .strictObject({
      discoveredAt: z.string().optional(),
      git: z
        .array(
          z.strictObject({
            repoURL: z.string().min(1),
            commits: z.array(discoveredCommitSchema).optional(),
            subscriptionName: z.string().optional(),
            observedRefs: z
              .strictObject({
                branchHead: z.string().optional(),
                tags: z
                  .array(z.strictObject({ name: z.string().min(1), id: z.string().min(1) }))
                  .optional(),
              })
              .optional(),
          }),
        )
        .optional(),
      images: z
        .array(
          z.strictObject({
            repoURL: z.string().min(1),
            platform: z.string().optional(),
            references: z.array(discoveredImageSchema).optional(),
            subscriptionName: z.string().optional(),
          }),
        )
        .optional(),
      charts: z
        .array(
          z.strictObject({
            repoURL: z.string().min(1),
            name: z.string().optional(),
            semverConstraint: z.string().optional(),
            versions: z.array(z.string()).optional(),
            subscriptionName: z.string().optional(),
          }),
        )
        .optional(),
      results: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            artifactReferences: z.array(z.record(z.string(), z.unknown())).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

export const warehouseSchema = z.strictObject({
  apiVersion: z.literal(KARGO_API_VERSION),
  kind: z.literal('Warehouse'),
  metadata: namespacedObjectMetaSchema,
  spec: warehouseSpecSchema,
  status: z.unknown().optional(),
});

export type Warehouse = z.infer<typeof warehouseSchema>;
export type WarehouseSpec = z.infer<typeof warehouseSpecSchema>;
export type WarehouseStatus = z.infer<typeof warehouseStatusSchema>;
