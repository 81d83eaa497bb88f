import type { AuditEvent, Freight, Promotion, Stage } from '../../api/types.js';
import { currentFreightOf } from '../project/project-data.js';
import { promotionHistoryOf, type PromotionRow } from '../stage/stage-history.js';

/** What happened to one Freight in one Stage. */
export interface StageVisit {
  stage: string;
  /** The Stage runs it now. */
  current: boolean;
  /** Since when it runs there (the Freight's `currentlyIn`). */
  since?: string | undefined;
  verified: boolean;
  verifiedAt?: string | undefined;
  approvedAt?: string | undefined;
  /** Who approved it for the Stage, from the audit trail (when the caller may read it). */
  approvedBy?: string | undefined;
  /** The Promotions of this Freight to the Stage, newest first. */
  promotions: PromotionRow[];
}

/**
 * Where a Freight has been: for every Stage that requests its origin or has a record of it,
 * in pipeline order, whether it runs there now and since when, its Promotions there (when,
 * by whom, how they ended), when it was verified there, and when and by whom it was approved
 * for it. `events` are the Freight's audit events (`approve` ones name the Stage).
 */
export function journeyOf(
  freight: Freight,
  stages: Stage[],
  promotions: Promotion[],
  events: AuditEvent[] = [],
): StageVisit[] {
  const name = freight.metadata.name;
  const status = freight.status ?? {};
  const approvers = new Map<string, string>();
  for (const event of events) {
    const stage = /^for Stage (\S+)$/.exec(event.message ?? '')?.[1];
    // Newest first: the first approval seen for a Stage is the one that counts.
    if (event.action === 'approve' && event.name === name && stage && !approvers.has(stage))
      approvers.set(stage, event.actor);
  }
  const origin = freight.origin;
  return pipelineOrder(stages).flatMap((stage) => {
    const stageName = stage.metadata.name;
    const current = currentFreightOf(stage).some((item) => item.name === name);
    const visit: StageVisit = {
      stage: stageName,
      current,
      since: status.currentlyIn?.[stageName]?.since,
      verified: stageName in (status.verifiedIn ?? {}),
      verifiedAt: status.verifiedIn?.[stageName]?.verifiedAt,
      approvedAt: status.approvedFor?.[stageName]?.approvedAt,
      approvedBy: approvers.get(stageName),
      promotions: promotionHistoryOf(stageName, promotions).filter((p) => p.freight === name),
    };
    const requests = (stage.spec?.requestedFreight ?? []).some(
      (r) => r.origin.kind === origin?.kind && r.origin.name === origin?.name,
    );
    const recorded =
      current ||
      visit.verified ||
      stageName in (status.approvedFor ?? {}) ||
      visit.promotions.length > 0;
    return requests || recorded ? [visit] : [];
  });
}

/**
 * Stages in the order Freight flows through them: those fed by Warehouses first, then each
 * after the Stages it takes Freight from; by name within a rank. A cycle (which admission
 * refuses) ranks where it is broken.
 */
export function pipelineOrder(stages: Stage[]): Stage[] {
  const byName = new Map(stages.map((s) => [s.metadata.name, s]));
  const ranks = new Map<string, number>();
  const rankOf = (stage: Stage, seen: Set<string>): number => {
    const known = ranks.get(stage.metadata.name);
    if (known !== undefined) return known;
    seen.add(stage.metadata.name);
    const upstream = (stage.spec?.requestedFreight ?? []).flatMap((r) => r.sources?.stages ?? []);
    const rank = upstream.reduce((max, name) => {
      const up = byName.get(name);
      return up && !seen.has(name) ? Math.max(max, rankOf(up, seen) + 1) : max;
    }, 0);
    ranks.set(stage.metadata.name, rank);
    return rank;
  };
  return [...stages].sort(
    (a, b) =>
      rankOf(a, new Set()) - rankOf(b, new Set()) || a.metadata.name.localeCompare(b.metadata.name),
  );
}
