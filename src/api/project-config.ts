import { z } from 'zod';
import {
  labelSelectorRequirementSchema,
  localObjectReferenceSchema,
  labelSelectorSchema,
  statusCommonShape,
} from './common.js';
import { parseCron } from './cron-schedule.js';
import { parseDuration } from './duration.js';
import { globProblem } from './glob.js';
import {
  durationSchema,
  KARGO_API_VERSION,
  namespacedObjectMetaSchema,
  nameSchema,
} from './meta.js';
import { isTimeZone } from './time-zone.js';
import { prefixedRegex, userRegexProblem } from './user-regex.js';

/**
 * ProjectConfig: a project's policies. Exactly one per project, named after it
 * (Kargo's webhook rejects any other name).
 */

const NAME_PATTERN_PREFIX = /^(regex|regexp|glob):/;

/** `name` is an exact Stage name, `regex:`/`regexp:` a regular expression, or `glob:` a glob. */
export const promotionPolicySelectorSchema = z
  .strictObject({
    name: z.string().optional(),
    matchLabels: z.record(z.string(), z.string()).optional(),
    matchExpressions: z.array(labelSelectorRequirementSchema).optional(),
  })
  .superRefine((selector, ctx) => {
    const name = selector.name;
    if (name === undefined) return;
    if (name.includes(':') && !NAME_PATTERN_PREFIX.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `"${name}" has an unknown prefix: use an exact Stage name, regex:<expression>, regexp:<expression> or glob:<pattern>`,
      });
      return;
    }
    const regex = prefixedRegex(name);
    const problem =
      regex !== undefined
        ? userRegexProblem(regex)
        : name.startsWith('glob:')
          ? globProblem(name.slice('glob:'.length))
          : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['name'], message: problem });
  });

const autoRollbackSchema = z.strictObject({
  onVerification: z
    .array(z.enum(['Failed', 'Error']))
    .max(2)
    .default(['Failed']),
  onPromotion: z
    .array(z.enum(['Failed', 'Errored']))
    .max(2)
    .default([]),
});

export const promotionPolicySchema = z
  .strictObject({
    stage: nameSchema.optional(),
    stageSelector: promotionPolicySelectorSchema.optional(),
    autoPromotionEnabled: z.boolean().default(false),
    autoRollback: autoRollbackSchema.optional(),
  })
  .superRefine((policy, ctx) => {
    if ((policy.stage === undefined) === (policy.stageSelector === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'set exactly one of stage (deprecated) and stageSelector',
      });
    }
  });

/**
 * A promotion window (a Gantry extension): when Promotions to the selected Stages may
 * (Allow) or may not (Deny) run. Semantics in promotion-windows.ts.
 */
/** A field of Kargo's iCal windows: refused with a message saying what to write instead. */
const notYetSupported = z
  .unknown()
  .superRefine((value, ctx) => {
    if (value !== undefined)
      ctx.addIssue({
        code: 'custom',
        message:
          "Kargo's iCal windows are not supported yet: write the window as schedule (cron), duration and timeZone",
      });
  })
  .optional();

export const promotionWindowSchema = z.strictObject({
  /** Unique within the ProjectConfig; named in status reasons. */
  name: nameSchema,
  kind: z.enum(['Allow', 'Deny']),
  /** Five-field cron (or @daily, @weekly, …): when each occurrence of the window opens. */
  schedule: z.string().superRefine((schedule, ctx) => {
    try {
      parseCron(schedule);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  }),
  /** How long each occurrence stays open. */
  duration: durationSchema.refine((duration) => parseDuration(duration) !== 0, {
    message: 'must be longer than 0s',
  }),
  /** The IANA time zone whose wall clock the schedule is read on. */
  timeZone: z
    .string()
    .superRefine((zone, ctx) => {
      if (!isTimeZone(zone)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown time zone "${zone}": use an IANA name such as UTC or Europe/Berlin`,
        });
      }
    })
    .default('UTC'),
  /** The Stages it applies to; every Stage of the project when omitted. */
  stageSelector: promotionPolicySelectorSchema.optional(),
  /** Free text, as in Kargo. */
  description: z.string().optional(),
  /** A disabled window is kept but never applies (Kargo's field). */
  disabled: z.boolean().optional(),
  /** Kargo Enterprise's iCal fields: recognised, to say clearly what to write instead. */
  rrule: notYetSupported,
  dtstart: notYetSupported,
  dtend: notYetSupported,
});

const secretProvider = z.strictObject({ secretRef: localObjectReferenceSchema });

const indexSelectorRequirementSchema = z.strictObject({
  key: z.enum(['subscribedURLs', 'receiverPaths']),
  operator: z.enum(['Equals', 'NotEquals']),
  value: z.string(),
});

const targetSelectionCriteriaSchema = z
  .strictObject({
    kind: z.enum(['Warehouse']),
    name: z.string().optional(),
    labelSelector: labelSelectorSchema.optional(),
    indexSelector: z
      .strictObject({ matchIndices: z.array(indexSelectorRequirementSchema).min(1) })
      .optional(),
  })
  .superRefine((criteria, ctx) => {
    const hasLabels =
      Object.keys(criteria.labelSelector?.matchLabels ?? {}).length > 0 ||
      (criteria.labelSelector?.matchExpressions ?? []).length > 0;
    if (!criteria.name && !hasLabels && !criteria.indexSelector) {
      ctx.addIssue({
        code: 'custom',
        message: 'set at least one of name, labelSelector and indexSelector',
      });
    }
  });

const genericActionSchema = z.strictObject({
  action: z.enum(['Refresh']),
  whenExpression: z.string().optional(),
  parameters: z.record(z.string(), z.string()).optional(),
  /** Optional in Kargo's CRD (an action without targets does nothing); empty is refused. */
  targetSelectionCriteria: z.array(targetSelectionCriteriaSchema).min(1).optional(),
});

export const WEBHOOK_PROVIDERS = [
  'github',
  'gitlab',
  'gitea',
  'bitbucket',
  'azure',
  'dockerhub',
  'quay',
  'harbor',
  'artifactory',
  'generic',
] as const;

export const webhookReceiverSchema = z
  .strictObject({
    name: nameSchema,
    github: secretProvider.optional(),
    gitlab: secretProvider.optional(),
    gitea: secretProvider.optional(),
    bitbucket: secretProvider.optional(),
    azure: secretProvider.optional(),
    dockerhub: secretProvider.optional(),
    quay: secretProvider.optional(),
    harbor: secretProvider.optional(),
    artifactory: z
      .strictObject({
        secretRef: localObjectReferenceSchema,
        virtualRepoName: z.string().optional(),
      })
      .optional(),
    generic: z
      .strictObject({
        secretRef: localObjectReferenceSchema,
        /** Optional in Kargo's CRD (a receiver without actions does nothing); empty is refused. */
        actions: z.array(genericActionSchema).min(1).optional(),
      })
      .optional(),
  })
  .superRefine((receiver, ctx) => {
    const set = WEBHOOK_PROVIDERS.filter((provider) => receiver[provider] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          set.length === 0
            ? `set one provider: ${WEBHOOK_PROVIDERS.join(', ')}`
            : `set only one provider per receiver (found ${set.join(', ')})`,
      });
    }
  });

export const projectConfigSpecSchema = z
  .strictObject({
    promotionPolicies: z.array(promotionPolicySchema).optional(),
    webhookReceivers: z.array(webhookReceiverSchema).optional(),
    promotionWindows: z.array(promotionWindowSchema).optional(),
  })
  .superRefine((spec, ctx) => {
    const exact = new Map<string, number>();
    spec.promotionPolicies?.forEach((policy, index) => {
      const name = policy.stageSelector?.name ?? policy.stage;
      if (name === undefined || NAME_PATTERN_PREFIX.test(name)) return;
      const first = exact.get(name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['promotionPolicies', index],
          message: `Stage "${name}" already has a policy (promotionPolicies[${first}])`,
        });
      } else exact.set(name, index);
    });
    const receivers = new Map<string, number>();
    spec.webhookReceivers?.forEach((receiver, index) => {
      const first = receivers.get(receiver.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['webhookReceivers', index, 'name'],
          message: `receiver name "${receiver.name}" is already used by webhookReceivers[${first}]`,
        });
      } else receivers.set(receiver.name, index);
    });
    const windows = new Map<string, number>();
    spec.promotionWindows?.forEach((window, index) => {
      const first = windows.get(window.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['promotionWindows', index, 'name'],
          message: `window name "${window.name}" is already used by promotionWindows[${first}]`,
        });
      } else windows.set(window.name, index);
    });
  });

export const projectConfigStatusSchema = z.strictObject({
  ...statusCommonShape,
  webhookReceivers: z
    .array(
      z.strictObject({ name: z.string(), path: z.string().optional(), url: z.string().optional() }),
    )
    .optional(),
});

export const projectConfigSchema = z
  .strictObject({
    apiVersion: z.literal(KARGO_API_VERSION),
    kind: z.literal('ProjectConfig'),
    metadata: namespacedObjectMetaSchema,
    spec: projectConfigSpecSchema.default({}),
    status: z.unknown().optional(),
  })
  .superRefine((config, ctx) => {
    if (config.metadata.name !== config.metadata.namespace) {
      ctx.addIssue({
        code: 'custom',
        path: ['metadata', 'name'],
        message: `must equal the project name "${config.metadata.namespace}" (a project has one ProjectConfig, named after it)`,
      });
    }
  });

export type ProjectConfig = z.infer<typeof projectConfigSchema>;
export type PromotionPolicy = z.infer<typeof promotionPolicySchema>;
export type PromotionPolicySelector = z.infer<typeof promotionPolicySelectorSchema>;
export type PromotionWindow = z.infer<typeof promotionWindowSchema>;
export type WebhookReceiver = z.infer<typeof webhookReceiverSchema>;
export type WebhookProviderName = (typeof WEBHOOK_PROVIDERS)[number];
export type ProjectConfigSpec = z.output<typeof projectConfigSpecSchema>;
