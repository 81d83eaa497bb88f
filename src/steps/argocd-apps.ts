import { z } from 'zod';
import type { StepContext } from '../engine/step.js';
import { terminalError, transientError } from '../engine/step-error.js';
import { appKey, type Application } from '../integrations/argocd/application.js';
import {
  formatLabelSelector,
  type ArgoCdClient,
  type LabelSelector,
} from '../integrations/argocd/argocd-client.js';
import { isArgoCdError } from '../integrations/argocd/argocd-error.js';

/**
 * A label selector as argocd-common.json's argoCDAppSelector: matchLabels and/or
 * matchExpressions, at least one criterion. As in Kargo, what only Kubernetes' label parser
 * refuses (In without values, Exists with values) fails when the step runs.
 */
const labelSelectorSchema = z
  .strictObject({
    matchLabels: z
      .record(z.string(), z.string())
      .optional()
      .describe('Labels an Application must all carry, with these values'),
    matchExpressions: z
      .array(
        z.strictObject({
          key: z.string().min(1).describe('The label key'),
          operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).describe('How to match'),
          values: z
            .array(z.string())
            .optional()
            .describe('Values for In and NotIn (none for Exists and DoesNotExist)'),
        }),
      )
      .optional()
      .describe('Label requirements an Application must all meet'),
  })
  .superRefine((selector, ctx) => {
    const labels = selector.matchLabels;
    const expressions = selector.matchExpressions;
    if (labels === undefined && expressions === undefined) {
      ctx.addIssue({ code: 'custom', message: 'set matchLabels or matchExpressions' });
      return;
    }
    const labelsOk = labels !== undefined && Object.keys(labels).length > 0;
    const expressionsOk = expressions !== undefined && expressions.length > 0;
    if (labelsOk || expressionsOk) return;
    if (labels !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['matchLabels'],
        message: 'must have at least one label',
      });
    if (expressions !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['matchExpressions'],
        message: 'must have at least one item',
      });
  });

/**
 * What Kubernetes' labels.NewRequirement refuses in a selector the schema accepted, in Kargo's
 * words (`invalid matchExpression: …`), or undefined.
 */
export function labelSelectorProblem(selector: LabelSelector): string | undefined {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (key === '') return `invalid matchLabel ${key}=${value}: the label key must not be empty`;
  }
  for (const expression of selector.matchExpressions ?? []) {
    const values = expression.values ?? [];
    const needsValues = expression.operator === 'In' || expression.operator === 'NotIn';
    if (needsValues && values.length === 0)
      return `invalid matchExpression: values: for 'in', 'notin' operators, values set can't be empty (key ${expression.key})`;
    if (!needsValues && values.length > 0)
      return `invalid matchExpression: values: values set must be empty for exists and does not exist (key ${expression.key})`;
  }
  return undefined;
}

/** How a step names the Applications it works on (Kargo's `apps[]` selection fields). */
export const appSelectionFields = {
  name: z
    .string()
    .min(1)
    .optional()
    .describe('The Application to work on (exclusive with selector)'),
  namespace: z
    .string()
    .min(1)
    .optional()
    .describe("The Application's namespace; the instance's default (usually argocd) otherwise"),
  selector: labelSelectorSchema
    .optional()
    .describe('A label selector matching one or more Applications (exclusive with name)'),
  instance: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Gantry: which configured Argo CD control plane holds the Application; the default one otherwise',
    ),
};

export interface AppSelection {
  name?: string | undefined;
  namespace?: string | undefined;
  selector?: LabelSelector | undefined;
  instance?: string | undefined;
}

/** Checks that an `apps[]` entry names its Applications exactly one way. */
export function refineAppSelection(app: AppSelection, ctx: z.RefinementCtx): void {
  if ((app.name === undefined) === (app.selector === undefined))
    ctx.addIssue({ code: 'custom', message: 'set exactly one of name and selector' });
}

/**
 * The Argo CD instance an entry names (the default when it names none). Not configured is a
 * terminal error saying how to configure it.
 */
export function argoCdFor(context: StepContext, instance: string | undefined): ArgoCdClient {
  const instances = context.argocd;
  const client = instances?.get(instance);
  if (client) return client;
  if (!instances || instances.names.length === 0)
    throw terminalError(
      'no Argo CD is configured on this Gantry server: start it with --argocd-config FILE (or GANTRY_ARGOCD_URL and GANTRY_ARGOCD_TOKEN)',
    );
  throw terminalError(
    `no Argo CD instance named "${instance ?? ''}" is configured on this server (configured: ${instances.names.join(', ')})`,
  );
}

export interface SelectedApps {
  client: ArgoCdClient;
  namespace: string;
  /** How the entry named its apps, for messages: `argocd/app` or `argocd/{env=dev}`. */
  described: string;
  apps: Application[];
}

/**
 * The Applications an `apps[]` entry names: one by name (a missing app is an error), or every
 * app matching the selector (matching none is an error too: a step that syncs nothing should
 * not look as if it worked).
 */
export async function selectApps(context: StepContext, entry: AppSelection): Promise<SelectedApps> {
  const client = argoCdFor(context, entry.instance);
  const namespace = entry.namespace ?? client.defaultNamespace;
  const options = { signal: context.signal };
  return await asStepError(async () => {
    if (entry.name !== undefined) {
      const app = await client.getApplication(entry.name, namespace, options);
      return { client, namespace, described: `${namespace}/${entry.name}`, apps: [app] };
    }
    const selector = entry.selector ?? {};
    const problem = labelSelectorProblem(selector);
    if (problem) throw terminalError(`selector: ${problem}`);
    const described = `${namespace}/{${formatLabelSelector(selector)}}`;
    const apps = await client.listApplications(selector, namespace, options);
    if (apps.length === 0)
      throw terminalError(
        `no Application in namespace ${namespace} matches the selector ${formatLabelSelector(selector)}`,
      );
    apps.sort((a, b) => appKey(a).localeCompare(appKey(b)));
    return { client, namespace, described, apps };
  });
}

/** Runs an Argo CD call, turning its `ArgoCdError` into a transient or terminal step error. */
export async function asStepError<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!isArgoCdError(err)) throw err;
    throw err.transient ? transientError(err.message, err) : terminalError(err.message, err);
  }
}

/** How long to wait before looking again: quick at first, then every 2 s. */
export function pollDelayMs(polls: number): number {
  return Math.min(2_000, 250 * 2 ** Math.min(polls, 4));
}
