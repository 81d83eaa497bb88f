import type { AuditEvent } from '../audit/audit-log.js';
import { KUBE_RESOURCES } from './kube-resources.js';

/**
 * Gantry's audit trail as core `v1` Events, the shape `kubectl describe` and `kubectl get
 * events` print: each audit event (who changed, promoted, approved… which object, when)
 * becomes one Event whose `involvedObject` is that object, `reason` the action
 * (`create` → `Create`, `abort-verification` → `AbortVerification`), `source.component` the
 * actor (kubectl's FROM column), `count` 1 and both timestamps the event's time. Events are
 * read-only: Gantry writes its trail itself.
 */
export function kubeEventOf(event: AuditEvent, uid?: string): Record<string, unknown> {
  const involved = KUBE_RESOURCES.find((r) => r.kind === event.kind && r.kind !== 'Namespace');
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {
      name: eventName(event),
      ...(event.project ? { namespace: event.project } : {}),
      uid: event.id,
      creationTimestamp: event.time,
    },
    involvedObject: {
      kind: event.kind,
      ...(event.project ? { namespace: event.project } : {}),
      name: event.name,
      ...(involved
        ? {
            apiVersion: involved.group ? `${involved.group}/${involved.version}` : involved.version,
          }
        : {}),
      ...(uid ? { uid } : {}),
    },
    reason: event.action
      .split('-')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join(''),
    message: event.message || `${event.action} ${event.kind} ${event.name}`,
    source: { component: event.actor },
    firstTimestamp: event.time,
    lastTimestamp: event.time,
    count: 1,
    type: 'Normal',
    reportingComponent: 'gantry',
    reportingInstance: '',
  };
}

/** An Event's name, as kube names them: the object's name, a dot, a unique suffix. */
export function eventName(event: AuditEvent): string {
  return `${event.name}.${event.id}`;
}

/** The audit event id inside an Event's name (after the last dot). */
export function auditIdOf(eventName: string): string {
  return eventName.slice(eventName.lastIndexOf('.') + 1);
}
