import type { StoredResource } from '../api/resource.js';
import type { StageSpec } from '../api/stage.js';
import { changedMember } from '../store/plain-copy.js';

/** What auto-promotion reads of one project, kept in memory from the change feed. */
export interface ProjectView {
  config: StoredResource | undefined;
  stages: Map<string, StoredResource>;
  freight: Map<string, StoredResource>;
  /** Each Stage's Promotions, by Promotion name. */
  promotions: Map<string, Map<string, StoredResource>>;
  /** For each Stage, the Stages that request Freight from it. */
  downstream: Map<string, Set<string>>;
}

/** Which Stages of a project an event may change the auto-promotion decision of. */
export type Affected = Set<string> | 'all';

export function emptyProjectView(): ProjectView {
  return {
    config: undefined,
    stages: new Map(),
    freight: new Map(),
    promotions: new Map(),
    downstream: new Map(),
  };
}

/** A project's view built from complete lists (a full pass, or the start of a watch). */
export function projectView(
  config: StoredResource | undefined,
  stages: StoredResource[],
  freight: StoredResource[],
  promotions: StoredResource[],
): ProjectView {
  const view = emptyProjectView();
  view.config = config;
  for (const stage of stages) putStage(view, stage);
  for (const item of freight) view.freight.set(item.metadata.name, item);
  for (const promotion of promotions) putPromotion(view, promotion);
  return view;
}

/**
 * Applies one change (`deleted` for a deletion) to the view and says which Stages' decisions
 * it may change, so that one event costs work in proportion to what it touches, not to the
 * project's size:
 * - a Promotion: its Stage (one Promotion at a time; the queue ending wakes it);
 * - a Stage: itself and the Stages downstream of it (`MatchUpstream` reads what it runs);
 * - a Freight whose status or annotations changed: the Stages named by the entries that
 *   changed (verifiedIn, approvedFor, currentlyIn, … are keyed by Stage; rejections are
 *   annotations) and the Stages downstream of those, whose availability reads them. A new,
 *   deleted or otherwise changed Freight, and the ProjectConfig, may change any Stage.
 *
 * An object older than the one held (a replayed event) changes nothing.
 */
export function applyChange(
  view: ProjectView,
  object: StoredResource,
  deleted: boolean,
): Affected | undefined {
  const name = object.metadata.name;
  switch (object.kind) {
    case 'ProjectConfig': {
      if (!deleted && isOlder(object, view.config)) return undefined;
      view.config = deleted ? undefined : object;
      return 'all';
    }
    case 'Stage': {
      const before = view.stages.get(name);
      if (!deleted && isOlder(object, before)) return undefined;
      if (before) removeStage(view, before);
      if (!deleted) putStage(view, object);
      return new Set([name, ...(view.downstream.get(name) ?? [])]);
    }
    case 'Promotion': {
      const stage = stageOf(object);
      const before = view.promotions.get(stage)?.get(name);
      if (!deleted && isOlder(object, before)) return undefined;
      if (deleted) view.promotions.get(stage)?.delete(name);
      else putPromotion(view, object);
      return new Set([stage]);
    }
    case 'Freight': {
      const before = view.freight.get(name);
      if (!deleted && isOlder(object, before)) return undefined;
      if (deleted) view.freight.delete(name);
      else view.freight.set(name, object);
      if (!before || deleted) return 'all';
      const touched = touchedStages(before, object);
      if (touched === 'all') return 'all';
      const affected = new Set<string>();
      for (const stage of touched) {
        affected.add(stage);
        for (const next of view.downstream.get(stage) ?? []) affected.add(next);
      }
      return affected;
    }
    default:
      return undefined;
  }
}

/** The Stages a Freight's change concerns, or 'all' when it is not only per-Stage entries. */
export function touchedStages(before: StoredResource, after: StoredResource): Set<string> | 'all' {
  const { metadata: m1, status: s1, ...content1 } = before;
  const { metadata: m2, status: s2, ...content2 } = after;
  if (!sameJson(content1, content2)) return 'all';
  const touched = new Set<string>();
  const a1 = m1.annotations ?? {};
  const a2 = m2.annotations ?? {};
  for (const key of new Set([...Object.keys(a1), ...Object.keys(a2)])) {
    if (a1[key] === a2[key]) continue;
    const slash = key.indexOf('/');
    touched.add(slash >= 0 ? key.slice(slash + 1) : key);
  }
  const st1 = (s1 ?? {}) as Record<string, unknown>;
  const st2 = (s2 ?? {}) as Record<string, unknown>;
  for (const field of new Set([...Object.keys(st1), ...Object.keys(st2)])) {
    const v1 = st1[field];
    const v2 = st2[field];
    if (v1 === v2) continue;
    if (!isRecord(v1 ?? {}) || !isRecord(v2 ?? {})) {
      if (!sameJson(v1, v2)) return 'all';
      continue;
    }
    // A record a write derived from the other by one entry (a hop's): that entry alone.
    const changed = changedMember(v1, v2);
    if (changed !== undefined) {
      touched.add(changed);
      continue;
    }
    const r1 = (v1 ?? {}) as Record<string, unknown>;
    const r2 = (v2 ?? {}) as Record<string, unknown>;
    for (const stage of Object.keys(r1)) if (!sameJson(r1[stage], r2[stage])) touched.add(stage);
    for (const stage of Object.keys(r2)) if (!(stage in r1)) touched.add(stage);
  }
  return touched;
}

/** The Stage a Promotion belongs to. */
export function stageOf(promotion: StoredResource): string {
  return (promotion.spec as { stage: string }).stage;
}

function putStage(view: ProjectView, stage: StoredResource): void {
  view.stages.set(stage.metadata.name, stage);
  for (const upstream of upstreamsOf(stage)) {
    let set = view.downstream.get(upstream);
    if (!set) view.downstream.set(upstream, (set = new Set<string>()));
    set.add(stage.metadata.name);
  }
}

function removeStage(view: ProjectView, stage: StoredResource): void {
  view.stages.delete(stage.metadata.name);
  for (const upstream of upstreamsOf(stage)) {
    const set = view.downstream.get(upstream);
    set?.delete(stage.metadata.name);
    if (set?.size === 0) view.downstream.delete(upstream);
  }
}

function putPromotion(view: ProjectView, promotion: StoredResource): void {
  const stage = stageOf(promotion);
  let mine = view.promotions.get(stage);
  if (!mine) view.promotions.set(stage, (mine = new Map<string, StoredResource>()));
  mine.set(promotion.metadata.name, promotion);
}

function upstreamsOf(stage: StoredResource): string[] {
  const spec = stage.spec as StageSpec | undefined;
  return (spec?.requestedFreight ?? []).flatMap((request) => request.sources.stages ?? []);
}

function isOlder(object: StoredResource, held: StoredResource | undefined): boolean {
  return (
    held !== undefined &&
    Number(object.metadata.resourceVersion) < Number(held.metadata.resourceVersion)
  );
}

function isRecord(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values, without serialising them. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const key of ka)
    if (!sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
      return false;
  return true;
}
