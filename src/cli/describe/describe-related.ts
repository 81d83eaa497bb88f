import type { AuditEvent } from '../../audit/audit-log.js';
import type { StoredResource } from '../../api/resource.js';

/**
 * What a report needs besides the object itself, fetched once for every object described:
 * the project's Promotions, Freight, Stages, Warehouses and audit events. Lists a kind's
 * report does not use are left empty.
 */
export interface Related {
  now: Date;
  promotions: StoredResource[];
  freight: StoredResource[];
  stages: StoredResource[];
  warehouses: StoredResource[];
  projectConfig: StoredResource | undefined;
  /** Newest first; a string says why they are not shown (`not allowed to list events`). */
  events: AuditEvent[] | string;
}

/** A Freight's alias when it has one, else its name cut to 7 characters as the tables do. */
export function aliasOf(related: Related): (name: string) => string {
  const aliases = new Map<string, string>();
  for (const freight of related.freight) {
    const alias = freight.alias;
    if (typeof alias === 'string' && alias !== '') aliases.set(freight.metadata.name, alias);
  }
  return (name) => aliases.get(name) ?? name.slice(0, 7);
}

/** Who created each Promotion, from the audit trail (`promote` events). */
export function promotersOf(related: Related): Map<string, string> {
  const who = new Map<string, string>();
  if (typeof related.events === 'string') return who;
  for (const event of related.events)
    if (event.kind === 'Promotion' && event.action === 'promote') who.set(event.name, event.actor);
  return who;
}

/** Kargo's record of who created a Promotion (set by admission; readable without events). */
const CREATE_ACTOR_ANNOTATION = 'kargo.akuity.io/create-actor';

export function createActorOf(promotion: StoredResource): string | undefined {
  return promotion.metadata.annotations?.[CREATE_ACTOR_ANNOTATION];
}

/** Newest first, by creation time (ties by name: Promotion names embed a ULID). */
export function newestFirst(objects: StoredResource[]): StoredResource[] {
  return [...objects].sort(
    (a, b) =>
      b.metadata.creationTimestamp.localeCompare(a.metadata.creationTimestamp) ||
      b.metadata.name.localeCompare(a.metadata.name),
  );
}
