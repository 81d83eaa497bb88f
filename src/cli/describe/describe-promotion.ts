import type { StoredResource } from '../../api/resource.js';
import { eventLines } from './describe-events.js';
import { aliasOf, createActorOf, promotersOf, type Related } from './describe-related.js';
import {
  ago,
  conditionLines,
  duration,
  bullet,
  metadataLines,
  section,
  table,
  text,
  when,
} from './describe-text.js';

type Loose = Record<string, unknown>;

/**
 * `gantry describe promotion NAME`: the Stage and Freight, who promoted, the phase, and every
 * step with its status and timing; error messages in full, never cut.
 */
export function describePromotion(promotion: StoredResource, related: Related): string[] {
  const spec = (promotion.spec ?? {}) as Loose;
  const status = (promotion.status ?? {}) as Loose;
  const alias = aliasOf(related);
  const freight = text(spec.freight);
  const lines = metadataLines(promotion, related.now, [
    ['Stage', text(spec.stage)],
    ['Freight', freight ? `${alias(freight)} (${freight})` : undefined],
    ['Promoted By', promotersOf(related).get(promotion.metadata.name) ?? createActorOf(promotion)],
    ['Phase', text(status.phase) || 'Pending'],
    ['Started', when(text(status.startedAt) || undefined, related.now)],
    ['Finished', when(text(status.finishedAt) || undefined, related.now)],
    [
      'Duration',
      duration(
        text(status.startedAt) || undefined,
        text(status.finishedAt) || undefined,
        related.now,
      ),
    ],
    ['Message', text(status.message)],
  ]);

  const steps = (spec.steps as Loose[] | undefined) ?? [];
  const executions = (status.stepExecutionMetadata as Loose[] | undefined) ?? [];
  const rows = steps.map((step, index) => {
    const run = executions[index] ?? {};
    return [
      String(index + 1),
      text(step.uses),
      text(run.alias) || text(step.as),
      text(run.status) || 'Pending',
      run.startedAt ? ago(text(run.startedAt), related.now) : '',
      duration(text(run.startedAt) || undefined, text(run.finishedAt) || undefined, related.now) ??
        '',
      run.errorCount ? text(run.errorCount) : '',
    ];
  });
  lines.push(
    ...section(
      'Steps',
      table(['#', 'STEP', 'ALIAS', 'STATUS', 'STARTED', 'DURATION', 'ERRORS'], rows),
    ),
  );
  const messages = executions.flatMap((run, index) =>
    run.message ? [bullet(`${index + 1}. ${text(steps[index]?.uses)}: ${text(run.message)}`)] : [],
  );
  if (messages.length > 0) lines.push(...section('Step Messages', messages));
  lines.push(...conditionLines(promotion, related.now));
  lines.push(...eventLines(promotion, related.events, alias, related.now));
  return lines;
}
