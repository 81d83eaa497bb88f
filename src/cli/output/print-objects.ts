import { stringify } from 'yaml';
import type { StoredResource } from '../../api/resource.js';
import { usageError } from '../usage-error.js';
import { columnsFor } from './columns.js';
import { renderTable } from './table.js';

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json';

export function parseOutputFormat(value: string | undefined): OutputFormat {
  const format = value ?? 'table';
  if (format === 'table' || format === 'wide' || format === 'yaml' || format === 'json')
    return format;
  throw usageError(`-o ${format}: unknown output format (use table, wide, yaml or json)`);
}

/**
 * Renders objects for `gantry get`: one object as itself for yaml/json, a list as
 * `{"items": […]}` (`items:` in YAML), and tables with a PROJECT column when listing
 * across projects.
 */
export function printObjects(
  objects: StoredResource[],
  options: {
    kind: string;
    format: OutputFormat;
    single: boolean;
    allProjects: boolean;
    now?: Date;
  },
): string {
  const { format } = options;
  if (format === 'json') {
    return JSON.stringify(options.single ? objects[0] : { items: objects }, null, 2);
  }
  if (format === 'yaml') {
    return stringify(options.single ? objects[0] : { items: objects }, { lineWidth: 0 }).trimEnd();
  }
  if (objects.length === 0) return '';
  const now = options.now ?? new Date();
  const columns = columnsFor(options.kind, format === 'wide');
  const headers = columns.map((c) => c.header);
  const rows = objects.map((object) => columns.map((c) => c.value(object, now)));
  if (options.allProjects) {
    headers.unshift('PROJECT');
    objects.forEach((object, i) => rows[i]!.unshift(object.metadata.namespace ?? ''));
  }
  return renderTable(headers, rows);
}
