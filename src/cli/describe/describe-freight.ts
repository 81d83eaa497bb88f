import type { StoredResource } from '../../api/resource.js';
import { eventLines } from './describe-events.js';
import { promotionHistoryLines } from './describe-promotions.js';
import { aliasOf, newestFirst, type Related } from './describe-related.js';
import {
  ago,
  artifactLines,
  conditionLines,
  metadataLines,
  section,
  table,
  text,
  when,
} from './describe-text.js';

type Loose = Record<string, unknown>;

/**
 * `gantry describe freight NAME|ALIAS`: its artifacts, where it came from, every Stage it
 * has been in and when, where it is now, where it was verified, and who approved it where.
 */
export function describeFreight(freight: StoredResource, related: Related): string[] {
  const status = (freight.status ?? {}) as Loose;
  const origin = (freight.origin ?? {}) as Loose;
  const lines = metadataLines(freight, related.now, [
    ['Alias', text(freight.alias)],
    ['Origin', `${text(origin.kind) || 'Warehouse'}/${text(origin.name)}`],
    ['Discovered', when(text(freight.discoveredAt) || undefined, related.now)],
  ]);
  lines.push(...section('Artifacts', artifactLines(freight)));

  const name = freight.metadata.name;
  const promotions = related.promotions.filter(
    (p) => (p.spec as Loose | undefined)?.freight === name,
  );
  const currentlyIn = (status.currentlyIn ?? {}) as Record<string, Loose>;
  // Where it has been: each Stage a Promotion of it succeeded in, the latest time first.
  const been = new Map<string, string>();
  for (const promotion of newestFirst(promotions)) {
    const pStatus = (promotion.status ?? {}) as Loose;
    const stage = text((promotion.spec as Loose | undefined)?.stage);
    if (pStatus.phase === 'Succeeded' && !been.has(stage))
      been.set(stage, text(pStatus.finishedAt) || promotion.metadata.creationTimestamp);
  }
  for (const [stage, entry] of Object.entries(currentlyIn))
    if (!been.has(stage)) been.set(stage, text(entry.since));
  lines.push(
    ...section(
      'Stages',
      table(
        ['STAGE', 'PROMOTED', 'NOW'],
        [...been].map(([stage, at]) => [
          stage,
          at ? ago(at, related.now) : '',
          stage in currentlyIn ? 'here' : 'moved on',
        ]),
      ),
    ),
  );

  const verifiedIn = (status.verifiedIn ?? {}) as Record<string, Loose>;
  lines.push(
    ...section(
      'Verified In',
      table(
        ['STAGE', 'VERIFIED', 'LONGEST SOAK'],
        Object.entries(verifiedIn).map(([stage, entry]) => [
          stage,
          entry.verifiedAt ? ago(text(entry.verifiedAt), related.now) : '',
          text(entry.longestSoak),
        ]),
      ),
    ),
  );

  const approvers = approversOf(freight, related);
  const approvedFor = (status.approvedFor ?? {}) as Record<string, Loose>;
  lines.push(
    ...section(
      'Approved For',
      table(
        ['STAGE', 'APPROVED', 'BY'],
        Object.entries(approvedFor).map(([stage, entry]) => [
          stage,
          entry.approvedAt ? ago(text(entry.approvedAt), related.now) : '',
          approvers.get(stage) ?? '',
        ]),
      ),
    ),
  );
  lines.push(...promotionHistoryLines(promotions, related, 'stage'));
  lines.push(...conditionLines(freight, related.now));
  lines.push(...eventLines(freight, related.events, aliasOf(related), related.now));
  return lines;
}

/** Who approved the Freight for each Stage: the newest `approve` event per Stage. */
function approversOf(freight: StoredResource, related: Related): Map<string, string> {
  const who = new Map<string, string>();
  if (typeof related.events === 'string') return who;
  for (const event of related.events) {
    if (event.kind !== 'Freight' || event.action !== 'approve') continue;
    if (event.name !== freight.metadata.name) continue;
    const stage = /^for Stage (\S+)$/.exec(event.message ?? '')?.[1];
    if (stage && !who.has(stage)) who.set(stage, event.actor);
  }
  return who;
}
