import { projectFreeze } from '../../api/promotion-gates.js';
import type { StoredResource } from '../../api/resource.js';
import { eventLines } from './describe-events.js';
import { aliasOf, type Related } from './describe-related.js';
import { ago, conditionLines, metadataLines, section, table, text } from './describe-text.js';

type Loose = Record<string, unknown>;

/**
 * `gantry describe project NAME`: whether it is frozen and by whom, its Stages and
 * Warehouses, its promotion policies and windows, and what happened in it lately.
 */
export function describeProject(project: StoredResource, related: Related): string[] {
  const freeze = projectFreeze(project);
  const names = (objects: StoredResource[]) =>
    objects.length === 0
      ? '0'
      : `${objects.length}: ${objects.map((o) => o.metadata.name).join(', ')}`;
  const lines = metadataLines(project, related.now, [
    [
      'Frozen',
      freeze
        ? `yes${freeze.since ? `, ${ago(freeze.since, related.now)}` : ''}${freeze.actor ? ` by ${freeze.actor}` : ''}: ${freeze.reason} (gantry unfreeze lifts it)`
        : 'no',
    ],
    ['Stages', names(related.stages)],
    ['Warehouses', names(related.warehouses)],
  ]);
  const spec = ((related.projectConfig?.spec ?? {}) as Loose) ?? {};
  const policies = (spec.promotionPolicies as Loose[] | undefined) ?? [];
  lines.push(
    ...section(
      'Promotion Policies',
      table(
        ['STAGES', 'AUTO-PROMOTION', 'AUTO-ROLLBACK'],
        policies.map((policy) => [
          text((policy.stageSelector as Loose | undefined)?.name) ||
            text(policy.stage) ||
            text(policy.stageSelector),
          policy.autoPromotionEnabled ? 'enabled' : 'off',
          policy.autoRollback ? 'enabled' : 'off',
        ]),
      ),
    ),
  );
  const windows = (spec.promotionWindows as Loose[] | undefined) ?? [];
  lines.push(
    ...section(
      'Promotion Windows',
      table(
        ['NAME', 'KIND', 'SCHEDULE', 'DURATION'],
        windows.map((w) => [text(w.name), text(w.kind), text(w.schedule), text(w.duration)]),
      ),
    ),
  );
  lines.push(...conditionLines(project, related.now));
  lines.push(...eventLines(project, related.events, aliasOf(related), related.now));
  return lines;
}
