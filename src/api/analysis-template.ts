import { z } from 'zod';
import { ARGO_API_VERSION, clusterObjectMetaSchema, namespacedObjectMetaSchema } from './meta.js';

/**
 * Argo Rollouts' AnalysisTemplate and ClusterAnalysisTemplate (argoproj.io/v1alpha1), which
 * Kargo reuses for verification and Gantry runs itself. The template structure and the
 * providers Gantry runs (web, prometheus, job) are checked field by field; the other
 * providers' blocks and the Kubernetes JobSpec inside `job` are foreign schemas and are
 * accepted as written (a verification using them reports that clearly when it runs).
 */

/** Go's time.ParseDuration syntax, which Rollouts uses for interval and initialDelay. */
const GO_DURATION = /^(0|([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+)$/;
const goDuration = z
  .string()
  .regex(GO_DURATION, { message: 'not a duration: use e.g. 30s, 5m, 1h30m' });
const intOrString = z.union([z.number().int(), z.string()]);
const headerList = z.array(z.strictObject({ key: z.string(), value: z.string() }));
const looseObject = z.record(z.string(), z.unknown());

const authenticationSchema = z.strictObject({
  sigv4: z
    .strictObject({
      region: z.string().optional(),
      profile: z.string().optional(),
      roleArn: z.string().optional(),
    })
    .optional(),
  oauth2: z
    .strictObject({
      tokenUrl: z.string().optional(),
      clientId: z.string().optional(),
      clientSecret: z.string().optional(),
      scopes: z.array(z.string()).optional(),
    })
    .optional(),
});

const webMetricSchema = z
  .strictObject({
    method: z.enum(['GET', 'POST', 'PUT']).optional(),
    url: z.string().min(1),
    headers: headerList.optional(),
    body: z.string().optional(),
    jsonBody: z.unknown().optional(),
    timeoutSeconds: z.number().int().min(0).optional(),
    jsonPath: z.string().optional(),
    insecure: z.boolean().optional(),
    authentication: authenticationSchema.optional(),
  })
  .superRefine((web, ctx) => {
    if (web.body !== undefined && web.jsonBody !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['jsonBody'],
        message: 'set body or jsonBody, not both',
      });
    }
    if ((web.body !== undefined || web.jsonBody !== undefined) && (web.method ?? 'GET') === 'GET') {
      ctx.addIssue({
        code: 'custom',
        path: ['method'],
        message: 'a request body needs method POST or PUT',
      });
    }
  });

const prometheusMetricSchema = z.strictObject({
  address: z.string().optional(),
  query: z.string().optional(),
  authentication: authenticationSchema.optional(),
  timeout: z.number().int().min(0).optional(),
  insecure: z.boolean().optional(),
  headers: headerList.optional(),
  rangeQuery: z
    .strictObject({
      start: z.string().optional(),
      end: z.string().optional(),
      step: goDuration.optional(),
    })
    .optional(),
});

const jobMetricSchema = z.strictObject({
  metadata: z
    .strictObject({
      labels: z.record(z.string(), z.string()).optional(),
      annotations: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  spec: z.looseObject({
    template: z.looseObject({
      spec: z.looseObject({
        containers: z.array(z.looseObject({ name: z.string().min(1) })).min(1),
      }),
    }),
  }),
});

const PROVIDERS = [
  'prometheus',
  'web',
  'job',
  'kayenta',
  'datadog',
  'wavefront',
  'newRelic',
  'cloudWatch',
  'graphite',
  'influxdb',
  'skywalking',
  'plugin',
] as const;

const metricProviderSchema = z
  .strictObject({
    prometheus: prometheusMetricSchema.optional(),
    web: webMetricSchema.optional(),
    job: jobMetricSchema.optional(),
    kayenta: looseObject.optional(),
    datadog: looseObject.optional(),
    wavefront: looseObject.optional(),
    newRelic: looseObject.optional(),
    cloudWatch: looseObject.optional(),
    graphite: looseObject.optional(),
    influxdb: looseObject.optional(),
    skywalking: looseObject.optional(),
    plugin: looseObject.optional(),
  })
  .superRefine((provider, ctx) => {
    const set = PROVIDERS.filter((key) => provider[key] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message:
          set.length === 0
            ? `set one provider: ${PROVIDERS.join(', ')}`
            : `set only one provider per metric (found ${set.join(', ')})`,
      });
    }
  });

export const metricSchema = z
  .strictObject({
    name: z.string().min(1),
    interval: goDuration.optional(),
    initialDelay: goDuration.optional(),
    count: intOrString.optional(),
    successCondition: z.string().optional(),
    failureCondition: z.string().optional(),
    failureLimit: intOrString.optional(),
    inconclusiveLimit: intOrString.optional(),
    consecutiveErrorLimit: intOrString.optional(),
    consecutiveSuccessLimit: intOrString.optional(),
    provider: metricProviderSchema,
  })
  .superRefine((metric, ctx) => {
    if (typeof metric.count === 'number' && metric.count > 1 && metric.interval === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['interval'],
        message: 'required when count is more than 1',
      });
    }
  });

const argumentSchema = z
  .strictObject({
    name: z.string().min(1),
    value: z.string().optional(),
    valueFrom: z
      .strictObject({
        secretKeyRef: z
          .strictObject({ name: z.string().min(1), key: z.string().min(1) })
          .optional(),
        fieldRef: z.strictObject({ fieldPath: z.string().min(1) }).optional(),
      })
      .optional(),
  })
  .superRefine((arg, ctx) => {
    if (arg.value !== undefined && arg.valueFrom !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'set value or valueFrom, not both' });
    }
  });

export const analysisTemplateSpecSchema = z
  .strictObject({
    metrics: z.array(metricSchema).optional(),
    args: z.array(argumentSchema).optional(),
    dryRun: z.array(z.strictObject({ metricName: z.string().min(1) })).optional(),
    measurementRetention: z
      .array(z.strictObject({ metricName: z.string().min(1), limit: z.number().int().min(0) }))
      .optional(),
    templates: z
      .array(
        z.strictObject({
          templateName: z.string().optional(),
          clusterScope: z.boolean().optional(),
        }),
      )
      .optional(),
  })
  .superRefine((spec, ctx) => {
    if ((spec.metrics ?? []).length === 0 && (spec.templates ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['metrics'], message: 'must have at least one metric' });
    }
    const names = new Map<string, number>();
    spec.metrics?.forEach((metric, index) => {
      const first = names.get(metric.name);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['metrics', index, 'name'],
          message: `duplicate metric name (also metrics[${first}])`,
        });
      } else names.set(metric.name, index);
    });
  });

export const analysisTemplateSchema = z.strictObject({
  apiVersion: z.literal(ARGO_API_VERSION),
  kind: z.literal('AnalysisTemplate'),
  metadata: namespacedObjectMetaSchema,
  spec: analysisTemplateSpecSchema,
});

export const clusterAnalysisTemplateSchema = z.strictObject({
  apiVersion: z.literal(ARGO_API_VERSION),
  kind: z.literal('ClusterAnalysisTemplate'),
  metadata: clusterObjectMetaSchema,
  spec: analysisTemplateSpecSchema,
});

export type AnalysisTemplate = z.infer<typeof analysisTemplateSchema>;
export type AnalysisTemplateSpec = z.infer<typeof analysisTemplateSpecSchema>;
export type Metric = z.infer<typeof metricSchema>;
