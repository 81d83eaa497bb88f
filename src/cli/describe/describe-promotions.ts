import type { StoredResource } from '../../api/resource.js';
import {
  aliasOf,
  createActorOf,
  newestFirst,
  promotersOf,
  type Related,
} from './describe-related.js';
import { ago, duration, section, table, text } from './describe-text.js';

type Loose = Record<string, unknown>;

/** At most this many Promotions in a Stage's or Freight's history. */
export const PROMOTIONS_SHOWN = 10;

/**
 * `Promotion History:` as a table, newest first: when, the Freight (or the Stage), the
 * result, how long it took, who promoted, and the message of a failure.
 */
export function promotionHistoryLines(
  promotions: StoredResource[],
  related: Related,
  column: 'freight' | 'stage',
): string[] {
  const alias = aliasOf(related);
  const promoters = promotersOf(related);
  const rows = newestFirst(promotions)
    .slice(0, PROMOTIONS_SHOWN)
    .map((promotion) => {
      const spec = (promotion.spec ?? {}) as Loose;
      const status = (promotion.status ?? {}) as Loose;
      const phase = text(status.phase) || 'Pending';
      return [
        ago(promotion.metadata.creationTimestamp, related.now),
        column === 'freight' ? alias(text(spec.freight)) : text(spec.stage),
        phase,
        duration(text(status.startedAt), text(status.finishedAt) || undefined, related.now) ?? '',
        promoters.get(promotion.metadata.name) ?? createActorOf(promotion) ?? '',
        promotion.metadata.name,
        phase === 'Succeeded' ? '' : firstLine(text(status.message)),
      ];
    });
  return section(
    'Promotion History',
    table(
      [
        'AGE',
        column === 'freight' ? 'FREIGHT' : 'STAGE',
        'PHASE',
        'DURATION',
        'BY',
        'NAME',
        'MESSAGE',
      ],
      rows,
    ),
  );
}

function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? '';
  return line.length > 100 ? `${line.slice(0, 99)}… (gantry describe promotion NAME)` : line;
}
