import type { AnalysisTemplateSpec } from '../api/analysis-template.js';
import type { FreightReference } from '../api/common.js';
import { secretValue } from '../api/secret.js';
import type { StageSpec, StageStatus } from '../api/stage.js';
import { evaluateInContext } from '../engine/evaluate-in-context.js';
import { errorMessage } from '../errors.js';
import { hasExpressions } from '../expr/template.js';
import type { Store } from '../store/store.js';
import type { OutboundHttp } from '../outbound/outbound-http.js';
import type { CommandRunner } from '../verification/command-runner.js';
import { runAnalysis } from '../verification/run-analysis.js';
import { projectLookups } from './project-lookups.js';
import { requestedOrigins } from './stage-promotion-status.js';
import type { RunVerification } from './verification-controller.js';

/**
 * Verification by AnalysisTemplates, run by Gantry itself: the Stage's templates
 * (AnalysisTemplate in the project, or ClusterAnalysisTemplate) are merged into one run; the
 * Stage's `verification.args` are evaluated as expressions against the Stage's vars and
 * current Freight (as promotion steps see them) and passed in; secret arguments come from
 * the project's Secrets. Progress is recorded after every measurement.
 */
export function analysisVerification(options: {
  store: Store;
  now: () => Date;
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Runs job metrics; absent unless the operator allows local programs (they are refused). */
  runCommand?: CommandRunner | undefined;
  /** Outbound HTTP for web and prometheus metrics, under the operator's outbound policy. */
  http?: OutboundHttp | undefined;
}): RunVerification {
  const { store } = options;
  return async ({ project, stage, signal, progress }) => {
    const spec = stage.spec as StageSpec;
    const templates: Array<{ name: string; spec: AnalysisTemplateSpec }> = [];
    for (const ref of spec.verification?.analysisTemplates ?? []) {
      const cluster = ref.kind === 'ClusterAnalysisTemplate';
      const template = await store.get({
        kind: ref.kind,
        namespace: cluster ? '' : project,
        name: ref.name,
      });
      if (!template)
        return {
          phase: 'Error',
          message: `${ref.kind} "${ref.name}" does not exist${cluster ? '' : ` in project "${project}"`}`,
        };
      templates.push({ name: ref.name, spec: template.spec as AnalysisTemplateSpec });
    }
    const items: FreightReference[] = Object.values(
      (stage.status as StageStatus | undefined)?.freightHistory?.[0]?.items ?? {},
    );
    const args: Array<{ name: string; value: string }> = [];
    // As Kargo: the arguments may read project data (freightMetadata(), configMap(), …);
    // Secrets are not given to them here (analysis runs record their arguments).
    const lookups = spec.verification?.args?.some((arg) => hasExpressions(arg.value))
      ? await projectLookups(store, project, false)
      : undefined;
    for (const arg of spec.verification?.args ?? []) {
      try {
        // Plain text is a literal; `${{ … }}` parts are evaluated, as in promotion steps.
        const value = !hasExpressions(arg.value)
          ? arg.value
          : evaluateInContext(arg.value, {
              project,
              stage: stage.metadata.name,
              vars: spec.vars,
              otherFreight: items,
              freightRequests: requestedOrigins(stage),
              lookups,
            });
        args.push({
          name: arg.name,
          value: typeof value === 'string' ? value : JSON.stringify(value),
        });
      } catch (err) {
        return { phase: 'Error', message: `verification.args ${arg.name}: ${errorMessage(err)}` };
      }
    }
    const secrets = new Map<string, Record<string, unknown>>();
    for (const template of templates) {
      for (const arg of template.spec.args ?? []) {
        const ref = arg.valueFrom?.secretKeyRef;
        if (!ref || secrets.has(ref.name)) continue;
        const secret = await store.get({ kind: 'Secret', namespace: project, name: ref.name });
        if (secret) secrets.set(ref.name, secret);
      }
    }
    const status = await runAnalysis({
      templates,
      args,
      secretValue: (name, key) => {
        const secret = secrets.get(name);
        return secret ? secretValue(secret, key) : undefined;
      },
      signal,
      now: options.now,
      sleep: options.sleep,
      runCommand: options.runCommand,
      http: options.http,
      onUpdate: async (run) => {
        await progress({ message: describeProgress(run.metricResults) });
      },
    });
    // The run's metric results go into the verification's message: what passed, what did not.
    const summary = describeProgress(status.metricResults);
    return {
      phase: status.phase,
      message: [status.message, summary].filter(Boolean).join(' — ').slice(0, 2_000),
    };
  };
}

function describeProgress(metrics: Array<{ name: string; phase: string; count: number }>): string {
  return metrics.map((m) => `${m.name}: ${m.phase} (${m.count} measured)`).join('; ');
}
