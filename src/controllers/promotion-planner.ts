import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExpressionVariable, PromotionStep } from '../api/common.js';
import type { PromotionStatus } from '../api/promotion.js';
import type { StoredResource } from '../api/resource.js';
import { runPromotion, type RunnerDeps } from '../engine/promotion-runner.js';
import { appKey } from '../integrations/argocd/application.js';
import type { ArgoCdClient, ArgoCdInstances } from '../integrations/argocd/argocd-client.js';
import { ArgoCdError } from '../integrations/argocd/argocd-error.js';
import { noOutboundHttp, outboundRefusal, type OutboundHttp } from '../outbound/outbound-http.js';
import type { Store } from '../store/store.js';
import { projectLookups } from './project-lookups.js';
import { promotionWork } from './stage-promotion-status.js';

export interface PlanStep {
  alias: string;
  uses: string;
  status: string;
  message?: string | undefined;
  output?: unknown;
}

export interface PromotionPlan {
  phase: string;
  message?: string | undefined;
  steps: PlanStep[];
}

/**
 * Plan mode: runs a would-be Promotion's steps on a scratch working directory with every step
 * that reaches outside (git-push, …) reporting what it would do instead of doing it. Nothing is
 * stored, the remote is untouched and no working tree is kept for later promotions (a real
 * promotion after any number of plans behaves as if none had run); the report holds each step's outcome and outputs
 * (for git-push: the commits and the diff it would push).
 */
export async function planPromotion(
  promotion: StoredResource,
  deps: {
    store: Store;
    runner: Omit<RunnerDeps, 'log' | 'workRoot'>;
    dataDir: string;
    signal: AbortSignal;
  },
): Promise<PromotionPlan> {
  const project = promotion.metadata.namespace ?? '';
  const spec = promotion.spec as {
    stage: string;
    freight: string;
    vars?: ExpressionVariable[];
    steps: PromotionStep[];
  };
  const freight = await deps.store.get({ kind: 'Freight', namespace: project, name: spec.freight });
  const stage = await deps.store.get({ kind: 'Stage', namespace: project, name: spec.stage });
  if (!freight || !stage) throw new Error('the Stage or the Freight disappeared while planning');
  const logs: string[] = [];
  // A scratch root of its own: plans of one Promotion may run side by side, and the plan keeps
  // the Promotion's name so its outputs (ctx.promotion, generated branch names) are the real
  // run's. Whatever happens, the root and its working trees are gone afterwards.
  const plans = join(deps.dataDir, 'plans');
  mkdirSync(plans, { recursive: true });
  const workRoot = mkdtempSync(join(plans, 'plan-'));
  // The steps report what they would change instead of changing it (context.plan); the plan is
  // also given no way to: no metadata writer, outbound HTTP and Argo CD for reads only, so a
  // step that forgot its plan mode fails the plan rather than changing something.
  const { setMetadata: _noMetadata, setFreightAlias: _noAlias, ...runner } = deps.runner;
  let status: PromotionStatus;
  try {
    status = await runPromotion(
      promotionWork(promotion, freight, stage),
      {
        ...runner,
        http: readOnly(deps.runner.http ?? noOutboundHttp),
        argocd: deps.runner.argocd && readOnlyArgoCd(deps.runner.argocd),
        // Project data (without Secrets, as before): imageFrom() & co. read the Warehouses'
        // subscriptions to find which requested origin provides an artifact.
        lookups:
          deps.runner.lookups ?? ((inProject) => projectLookups(deps.store, inProject, false)),
        workRoot,
        log: (_p, step, line) => logs.push(`${step}: ${line}`),
      },
      { status: {}, save: () => Promise.resolve(), signal: deps.signal, plan: true },
    );
  } finally {
    deps.runner.repositories.release(workRoot, { reuse: false });
    rmSync(workRoot, { recursive: true, force: true });
  }
  const state = status.state ?? {};
  return {
    phase: status.phase ?? 'Unknown',
    message: status.message,
    steps: spec.steps.map((step, index) => {
      const meta = status.stepExecutionMetadata?.[index];
      const alias = step.as ?? `step-${index + 1}`;
      return {
        alias,
        uses: step.uses ?? '',
        status: meta?.status ?? 'Skipped',
        message: meta?.message,
        output: state[alias],
      };
    }),
  };
}

/** Outbound HTTP that sends GET and HEAD requests and refuses every other method. */
function readOnly(http: OutboundHttp): OutboundHttp {
  return {
    send: (request) =>
      request.method === 'GET' || request.method === 'HEAD'
        ? http.send(request)
        : Promise.reject(
            outboundRefusal(
              `${request.method} ${request.url.origin}${request.url.pathname}: a plan sends only GET and HEAD requests`,
            ),
          ),
  };
}

/**
 * The server's Argo CD instances, reading only: updating or syncing an Application is refused
 * (terminal). Closing them is left to their owner.
 */
function readOnlyArgoCd(instances: ArgoCdInstances): ArgoCdInstances {
  const refuse = (what: string) =>
    Promise.reject(
      new ArgoCdError(`${what}: a plan does not change Argo CD Applications`, {
        transient: false,
      }),
    );
  const wrap = (client: ArgoCdClient): ArgoCdClient => ({
    instance: client.instance,
    defaultNamespace: client.defaultNamespace,
    getApplication: (name, namespace, options) => client.getApplication(name, namespace, options),
    listApplications: (selector, namespace, options) =>
      client.listApplications(selector, namespace, options),
    updateSources: (app) => refuse(`update of Application ${appKey(app)}`),
    sync: (app) => refuse(`sync of Application ${appKey(app)}`),
    appUrl: (name, namespace) => client.appUrl(name, namespace),
    close: () => undefined,
  });
  return {
    get: (name) => {
      const client = instances.get(name);
      return client && wrap(client);
    },
    names: instances.names,
    close: () => undefined,
  };
}
