import { join } from 'node:path';
import type { ExpressionVariable, PromotionStep } from '../api/common.js';
import type { PromotionStatus } from '../api/promotion.js';
import type { StoredResource } from '../api/resource.js';
import { runPromotion, type RunnerDeps } from '../engine/promotion-runner.js';
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
 * stored and the remote is untouched; the report holds each step's outcome and outputs
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
  const status: PromotionStatus = await runPromotion(
    { ...promotionWork(promotion, freight, stage), name: `${promotion.metadata.name}-plan` },
    {
      ...deps.runner,
      // Project data (without Secrets, as before): imageFrom() & co. read the Warehouses'
      // subscriptions to find which requested origin provides an artifact.
      lookups: deps.runner.lookups ?? ((inProject) => projectLookups(deps.store, inProject, false)),
      workRoot: join(deps.dataDir, 'plans'),
      log: (_p, step, line) => logs.push(`${step}: ${line}`),
    },
    { status: {}, save: () => Promise.resolve(), signal: deps.signal, plan: true },
  );
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
