import type { Context } from 'hono';
import { formatAge } from '../api/age.js';
import { matchesSelector } from '../api/label-selector.js';
import type { AuditEvent, AuditLog } from '../audit/audit-log.js';
import { inputError, isGantryError, notFoundError } from '../errors.js';
import type { ResourceService } from '../resources/resource-service.js';
import { principalOf, type RouteGuard } from '../server/guarded-routes.js';
import { selectorQuery } from '../server/list-query.js';
import {
  parseFieldSelector,
  requirementsMatcher,
  type FieldRequirement,
} from './field-selector.js';
import { auditIdOf, kubeEventOf } from './kube-events.js';
import { KUBE_RESOURCES } from './kube-resources.js';
import { wantsTable } from './kube-table.js';

export interface KubeEventRouteDeps {
  service: ResourceService;
  /** The audit trail the Events come from; without it every list is empty. */
  audit?: AuditLog | undefined;
  now?: () => Date;
}

/**
 * Core `v1` Events, read-only (get and list; no watch): `/api/v1/namespaces/{ns}/events`, one
 * of them, and `/api/v1/events` across the namespaces the caller may read, with field
 * selectors on `involvedObject` as `kubectl describe` sends them. Reading them is Gantry's
 * `list`/`get` on `events`, as for the audit API (`GET /v1/projects/P/events`).
 * Registered before the generic resource routes, which would answer 404 for `events`.
 */
export function registerKubeEventRoutes(routes: RouteGuard, deps: KubeEventRouteDeps): void {
  const now = deps.now ?? (() => new Date());
  routes.get(
    '/api/v1/namespaces/:namespace/events',
    {
      kind: 'check',
      requests: (c) => [{ verb: 'list', resource: 'events', project: c.req.param('namespace') }],
    },
    async (c) => listEvents(c, deps, c.req.param('namespace'), () => true, now()),
  );
  routes.get(
    '/api/v1/namespaces/:namespace/events/:name',
    {
      kind: 'check',
      requests: (c) => [
        {
          verb: 'get',
          resource: 'events',
          project: c.req.param('namespace'),
          name: c.req.param('name'),
        },
      ],
    },
    async (c) => {
      const name = c.req.param('name');
      const id = auditIdOf(name);
      const events = deps.audit ? await deps.audit.list({ project: c.req.param('namespace') }) : [];
      const event = events.find((e) => e.id === id && `${e.name}.${e.id}` === name);
      if (!event) throw notFoundError(`events "${name}" not found`);
      return c.json(kubeEventOf(event));
    },
  );
  routes.get(
    '/api/v1/events',
    { kind: 'filtered', verb: 'list', resources: () => ['events'] },
    async (c) => {
      const visible = await routes.authorizer.view(principalOf(c), 'list');
      return listEvents(
        c,
        deps,
        undefined,
        (event) => visible('events', event.project || undefined),
        now(),
      );
    },
  );
}

async function listEvents(
  c: Context,
  deps: KubeEventRouteDeps,
  namespace: string | undefined,
  visible: (event: AuditEvent) => boolean,
  now: Date,
) {
  const watch = c.req.query('watch');
  if (watch === 'true' || watch === '1')
    throw inputError('events cannot be watched: Gantry serves them for get and list only');
  const requirements = parseFieldSelector(c.req.query('fieldSelector') ?? '', 'Event');
  const selected = requirementsMatcher(requirements);
  const labels = selectorQuery(c);
  // Events have no labels: a label selector keeps them all or none.
  if (labels && !matchesSelector(labels, {})) return c.json(eventList([], c, now));
  const kind = equalTo(requirements, 'involvedObject.kind');
  const name = equalTo(requirements, 'involvedObject.name');
  const project = namespace ?? equalTo(requirements, 'involvedObject.namespace');
  const events = deps.audit ? await deps.audit.list({ project: namespace, kind, name }) : [];
  // kubectl describe selects by the object's uid too: Events of this object, not of an
  // earlier one of the same name (those are older than it).
  const object =
    kind !== undefined && name !== undefined && project !== undefined
      ? await currentObject(deps.service, kind, project, name)
      : undefined;
  const items = events
    .filter(visible)
    .map((event) =>
      kubeEventOf(
        event,
        object &&
          sameIncarnation(event, object.created) &&
          event.kind === kind &&
          event.name === name
          ? object.uid
          : undefined,
      ),
    )
    .filter(selected);
  return c.json(eventList(items, c, now));
}

function eventList(items: Array<Record<string, unknown>>, c: Context, now: Date) {
  if (!wantsTable(c.req.header('accept')))
    return { kind: 'EventList', apiVersion: 'v1', metadata: {}, items };
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: {},
    columnDefinitions: EVENT_COLUMNS.map(([name, priority]) => ({
      name,
      type: name === 'Count' ? 'integer' : 'string',
      format: name === 'Name' ? 'name' : '',
      description: '',
      priority,
    })),
    rows: items.map((item) => {
      const event = item as unknown as KubeEvent;
      const object = `${event.involvedObject.kind.toLowerCase()}/${event.involvedObject.name}`;
      return {
        cells: [
          formatAge(event.lastTimestamp, now),
          event.type,
          event.reason,
          object,
          event.source.component,
          event.message,
          formatAge(event.firstTimestamp, now),
          event.count,
          event.metadata.name,
        ],
        object: {
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: event.metadata,
        },
      };
    }),
  };
}

interface KubeEvent {
  metadata: { name: string };
  involvedObject: { kind: string; name: string };
  reason: string;
  message: string;
  type: string;
  count: number;
  source: { component: string };
  firstTimestamp: string;
  lastTimestamp: string;
}

/** kube-apiserver's columns for Events (`kubectl get events`), with their priorities. */
const EVENT_COLUMNS: Array<[string, number]> = [
  ['Last Seen', 0],
  ['Type', 0],
  ['Reason', 0],
  ['Object', 0],
  ['Source', 1],
  ['Message', 0],
  ['First Seen', 1],
  ['Count', 1],
  ['Name', 1],
];

/**
 * Whether an event of an object's name is about the object living now, not an earlier one:
 * not older than it (its create event is stamped in the same write, within a second or so).
 */
function sameIncarnation(event: AuditEvent, created: string): boolean {
  return Date.parse(event.time) >= Date.parse(created) - 2000;
}

function equalTo(requirements: readonly FieldRequirement[], field: string): string | undefined {
  return requirements.find((r) => r.field === field && r.operator === '=')?.value;
}

/** The object an Event selection names, with its uid and creation time, if it exists. */
async function currentObject(
  service: ResourceService,
  kind: string,
  namespace: string,
  name: string,
): Promise<{ uid: string; created: string } | undefined> {
  const resource = KUBE_RESOURCES.find((r) => r.kind === kind && r.kind !== 'Namespace');
  if (!resource) return undefined;
  try {
    const object = await service.get({
      kind,
      namespace: resource.namespaced ? namespace : '',
      name,
    });
    const { uid, creationTimestamp } = object.metadata;
    return uid && creationTimestamp ? { uid, created: creationTimestamp } : undefined;
  } catch (err) {
    if (isGantryError(err, 'NotFound')) return undefined;
    throw err;
  }
}
