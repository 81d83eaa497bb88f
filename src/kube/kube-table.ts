import { formatAge } from '../api/age.js';
import type { StoredResource } from '../api/resource.js';
import type { KubeResource } from './kube-resources.js';
import { printerValue } from './printer-path.js';

/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), as
 * kube-apiserver prints custom resources: NAME first, then the resource's printer columns,
 * dates as ages (`5m`), each row with the object's metadata (`includeObject=Metadata`, what
 * kubectl asks for) or the whole object or nothing.
 */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

/** Whether an Accept header asks for a Table. */
export function wantsTable(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((part) => /(^|;)\s*as=Table\s*(;|$)/.test(part) && !/g=(?!meta\.k8s\.io)/.test(part));
}

export function tableColumnDefinitions(resource: KubeResource) {
  return [
    {
      name: 'Name',
      type: 'string',
      format: 'name',
      description: 'Name must be unique within a namespace.',
      priority: 0,
    },
    ...resource.columns.map((column) => ({
      name: column.name,
      type: column.type === 'date' ? 'date' : column.type,
      format: '',
      description: '',
      priority: column.priority ?? 0,
    })),
  ];
}

function cellOf(value: unknown, type: string, now: Date): unknown {
  if (value === undefined || value === null) return type === 'date' ? '<unknown>' : '';
  if (type === 'date') return typeof value === 'string' ? formatAge(value, now) : '<unknown>';
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

export function tableRowOf(
  resource: KubeResource,
  object: StoredResource,
  include: IncludeObject,
  now: Date,
) {
  const cells = [
    object.metadata.name,
    ...resource.columns.map((column) =>
      cellOf(printerValue(object, column.jsonPath), column.type, now),
    ),
  ];
  const row: { cells: unknown[]; object?: unknown } = { cells };
  if (include === 'Object') row.object = object;
  else if (include === 'Metadata')
    row.object = {
      kind: 'PartialObjectMetadata',
      apiVersion: 'meta.k8s.io/v1',
      metadata: object.metadata,
    };
  return row;
}
