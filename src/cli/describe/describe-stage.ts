import type { StoredResource } from '../../api/resource.js';
import { eventLines } from './describe-events.js';
import { promotionHistoryLines } from './describe-promotions.js';
import { aliasOf, type Related } from './describe-related.js';
import {
  ago,
  artifactLines,
  bullet,
  conditionLines,
  duration,
  fields,
  metadataLines,
  section,
  table,
  text,
} from './describe-text.js';

type Loose = Record<string, unknown>;

/**
 * `gantry describe stage NAME`: where the Stage takes Freight from, what it runs, the Freight
 * it holds now, its health and verifications, its Promotions, and what is wrong with it.
 */
export function describeStage(stage: StoredResource, related: Related): string[] {
  const spec = (stage.spec ?? {}) as Loose;
  const status = (stage.status ?? {}) as Loose;
  const alias = aliasOf(related);
  const requests = (spec.requestedFreight as Loose[] | undefined) ?? [];
  const steps = ((spec.promotionTemplate as Loose | undefined)?.spec as Loose | undefined)
    ?.steps as Loose[] | undefined;
  const templates = ((spec.verification as Loose | undefined)?.analysisTemplates ?? []) as Loose[];

  const lines = metadataLines(stage, related.now);
  lines.push(
    ...section('Spec', [
      ...section(
        'Requested Freight',
        table(
          ['ORIGIN', 'FROM'],
          requests.map((request) => [originOf(request.origin), sourcesOf(request.sources)]),
        ),
      ),
      ...fields([
        [
          'Promotion Steps',
          steps && steps.length > 0
            ? steps
                .map((step) =>
                  step.task
                    ? `task ${text((step.task as Loose).name)}`
                    : `${text(step.uses)}${step.as ? ` (${text(step.as)})` : ''}`,
                )
                .join(', ')
            : 'none (a control-flow Stage: Freight passes through)',
        ],
        [
          'Verification',
          templates.map((t) => `${text(t.kind) || 'AnalysisTemplate'} ${text(t.name)}`).join(', '),
        ],
        ...(spec.shard ? ([['Shard', text(spec.shard)]] as Array<[string, string]>) : []),
      ]),
    ]),
  );

  const history = (status.freightHistory as Loose[] | undefined) ?? [];
  const current = history[0];
  const currentItems = Object.entries((current?.items as Record<string, Loose>) ?? {});
  const health = (status.health ?? {}) as Loose;
  const holds = Object.values((status.autoPromotionHolds as Record<string, Loose>) ?? {});
  const currentPromotion = status.currentPromotion as Loose | undefined;
  lines.push(
    ...section('Status', [
      ...section(
        'Current Freight',
        currentItems.flatMap(([origin, item]) => [
          `${alias(text(item.name))} (${text(item.name)}) from ${origin}`,
          ...artifactLines(item).map((line) => `  ${line}`),
        ]),
      ),
      ...fields([
        ['Health', healthOf(health)],
        [
          'Auto-promotion',
          holds.length > 0
            ? holds
                .map(
                  (hold) =>
                    `held at ${alias(text(hold.freightName))}${hold.actor ? ` by ${text(hold.actor)}` : ''}${hold.createdAt ? ` ${ago(text(hold.createdAt), related.now)}` : ''} (gantry resume lifts it)`,
                )
                .join('\n')
            : status.autoPromotionEnabled
              ? 'enabled'
              : 'off (no promotion policy enables it)',
        ],
        [
          'Current Promotion',
          currentPromotion ? `${text(currentPromotion.name)} (Running)` : undefined,
        ],
      ]),
    ]),
  );

  const problems = problemsOf(stage, related);
  lines.push(...section('Problems', problems.map(bullet)));

  const verifications = ((current?.verificationHistory as Loose[] | undefined) ?? []).map((v) => [
    v.startTime ? ago(text(v.startTime), related.now) : '',
    text(v.phase),
    duration(text(v.startTime) || undefined, text(v.finishTime) || undefined, related.now) ?? '',
    text(v.actor),
    text(v.message),
  ]);
  lines.push(
    ...section(
      'Verification History',
      // Without analysis templates every promotion is "verified" at once: nothing to show.
      templates.length === 0
        ? ['none: this Stage has no verification']
        : table(['STARTED', 'PHASE', 'DURATION', 'BY', 'MESSAGE'], verifications),
    ),
  );
  lines.push(
    ...promotionHistoryLines(
      related.promotions.filter(
        (p) => (p.spec as Loose | undefined)?.stage === stage.metadata.name,
      ),
      related,
      'freight',
    ),
  );
  lines.push(...conditionLines(stage, related.now));
  lines.push(...eventLines(stage, related.events, alias, related.now));
  return lines;
}

function originOf(origin: unknown): string {
  const o = (origin ?? {}) as Loose;
  return `${text(o.kind) || 'Warehouse'}/${text(o.name)}`;
}

/** `the Warehouse directly`, `Stages staging, qa (all of them; soak 1h)`. */
function sourcesOf(sources: unknown): string {
  const s = (sources ?? {}) as Loose;
  const parts: string[] = [];
  if (s.direct) parts.push('the Warehouse directly');
  const stages = (s.stages as string[] | undefined) ?? [];
  if (stages.length > 0) {
    const extra: string[] = [];
    if (stages.length > 1) extra.push(s.availabilityStrategy === 'All' ? 'all of them' : 'any');
    if (s.requiredSoakTime) extra.push(`soak ${text(s.requiredSoakTime)}`);
    parts.push(
      `${stages.length > 1 ? 'Stages' : 'Stage'} ${stages.join(', ')}${extra.length ? ` (${extra.join('; ')})` : ''}`,
    );
  }
  return parts.join(' and ');
}

function healthOf(health: Loose): string {
  const state = text(health.status) || 'Unknown (nothing reports it)';
  const issues = ((health.issues as unknown[] | undefined) ?? []).map((issue) => text(issue));
  return [state, ...issues.map(bullet)].join('\n');
}

/** What keeps the Stage from working as written: missing origins and upstreams, failures. */
export function problemsOf(stage: StoredResource, related: Related): string[] {
  const problems: string[] = [];
  const warehouses = new Set(related.warehouses.map((w) => w.metadata.name));
  const stages = new Set(related.stages.map((s) => s.metadata.name));
  const requests = ((stage.spec as Loose | undefined)?.requestedFreight as Loose[]) ?? [];
  for (const request of requests) {
    const origin = (request.origin ?? {}) as Loose;
    const sources = (request.sources ?? {}) as Loose;
    if ((origin.kind ?? 'Warehouse') === 'Warehouse' && !warehouses.has(text(origin.name)))
      problems.push(
        `requests Freight from Warehouse "${text(origin.name)}", which does not exist in project ${stage.metadata.namespace ?? ''}`,
      );
    for (const upstream of (sources.stages as string[] | undefined) ?? [])
      if (!stages.has(upstream))
        problems.push(`upstream Stage "${upstream}" does not exist: no Freight can come from it`);
  }
  const last = ((stage.status as Loose | undefined)?.lastPromotion ?? undefined) as
    Loose | undefined;
  const lastStatus = (last?.status ?? {}) as Loose;
  if (last && ['Failed', 'Errored'].includes(text(lastStatus.phase)))
    problems.push(
      `the last Promotion ${text(last.name)} ${text(lastStatus.phase).toLowerCase()}: ${text(lastStatus.message)}`,
    );
  const health = ((stage.status as Loose | undefined)?.health ?? {}) as Loose;
  if (health.status === 'Unhealthy' && problems.length === 0)
    problems.push('unhealthy (see Health above)');
  return problems;
}
