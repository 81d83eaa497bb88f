import type { AuditEvent } from '../../audit/audit-log.js';
import type { StoredResource } from '../../api/resource.js';
import { ago, section, table } from './describe-text.js';

/** The events a report ends with: the newest first, at most this many. */
export const EVENTS_SHOWN = 10;

const PAST: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  promote: 'promoted',
  approve: 'approved',
  freeze: 'froze',
  unfreeze: 'unfroze',
  rollback: 'rolled back',
  resume: 'resumed auto-promotion of',
  verify: 'started a verification of',
  'abort-verification': 'aborted the verification of',
  abort: 'aborted',
  refresh: 'refreshed',
};

/** `promote` events say `Freight <name> to Stage <stage>`. */
const PROMOTED = /^Freight (\S+) to Stage (\S+)$/;

/**
 * Whether an audit event is about `object`: its own changes, and for a Stage the Promotions to
 * it and the approvals for it, for Freight the Promotions of it; for a Project, everything in it.
 */
export function isAbout(event: AuditEvent, object: StoredResource): boolean {
  const name = object.metadata.name;
  if (object.kind === 'Project') return event.project === name;
  if (event.project !== (object.metadata.namespace ?? '')) return false;
  if (event.kind === object.kind && event.name === name) return true;
  const message = event.message ?? '';
  if (object.kind === 'Stage') {
    if (event.kind === 'Promotion') return PROMOTED.exec(message)?.[2] === name;
    if (event.kind === 'Freight' && event.action === 'approve')
      return message === `for Stage ${name}`;
  }
  if (object.kind === 'Freight' && event.kind === 'Promotion')
    return PROMOTED.exec(message)?.[1] === name;
  return false;
}

/**
 * One event in words: `promoted Freight fruitful-ferret to prod`, `approved Freight
 * fruitful-ferret for Stage prod`, `froze Project shop: release week`.
 */
export function eventInWords(event: AuditEvent, aliasOf: (freight: string) => string): string {
  const verb = PAST[event.action] ?? event.action;
  const promoted = PROMOTED.exec(event.message ?? '');
  if (event.kind === 'Promotion' && event.action === 'promote' && promoted)
    return `promoted Freight ${aliasOf(promoted[1]!)} to ${promoted[2]!}`;
  const object = `${event.kind} ${event.kind === 'Freight' ? aliasOf(event.name) : event.name}`;
  if (event.kind === 'Freight' && event.action === 'approve' && event.message)
    return `${verb} ${object} ${event.message}`;
  return `${verb} ${object}${event.message ? `: ${event.message}` : ''}`;
}

/** The `Events:` section: `3m ago   alice   promoted Freight fruitful-ferret to prod`. */
export function eventLines(
  object: StoredResource,
  events: AuditEvent[] | string,
  aliasOf: (freight: string) => string,
  now: Date,
): string[] {
  if (typeof events === 'string') return [`Events:  <${events}>`];
  const shown = events.filter((event) => isAbout(event, object)).slice(0, EVENTS_SHOWN);
  return section(
    'Events',
    table(
      ['AGE', 'ACTOR', 'WHAT'],
      shown.map((event) => [ago(event.time, now), event.actor, eventInWords(event, aliasOf)]),
    ),
  );
}
