import type { StoredResource } from '../../api/resource.js';
import { usageError } from '../usage-error.js';
import { tableOf, type Table } from '../../api/printer-columns.js';
import { formatAge } from '../../api/age.js';
import { renderTable } from './table.js';

export type OutputFormat = 'table' | 'wide' | 'yaml' | 'json';

export function parseOutputFormat(value: string | undefined): OutputFormat {
  const format = value ?? 'table';
  if (format === 'table' || format === 'wide' || format === 'yaml' || format === 'json')
    return format;
  throw usageError(`-o ${format}: unknown output format (use table, wide, yaml or json)`);
}

/**
 * Renders objects for `gantry get -o yaml|json`: one object as itself, a list as
 * `{"items": […]}` (`items:` in YAML).
 */
export async function printObjects(
  objects: StoredResource[],
  options: { format: 'yaml' | 'json'; single: boolean },
): Promise<string> {
  const value = options.single ? objects[0] : { items: objects };
  if (options.format === 'json') return JSON.stringify(value, null, 2);
  const { stringify } = await import('yaml');
  return stringify(value, { lineWidth: 0 }).trimEnd();
}

export interface TableOptions {
  wide: boolean;
  allProjects: boolean;
  now: Date;
  /** Several kinds listed together: names as `stage.kargo.akuity.io/dev`, as kubectl does. */
  qualify?: (name: string) => string;
}

/** A table from the server (or built here for one object), kubectl-style; '' when empty. */
export function printTable(table: Table, options: TableOptions): string {
  if (table.rows.length === 0) return '';
  const { headers, rows } = tableCells(table, options);
  return renderTable(headers, rows);
}

/** The headers and cells `printTable` shows (`-w` prints more rows in the same columns). */
export function tableCells(
  table: Table,
  options: TableOptions,
): { headers: string[]; rows: string[][] } {
  const shown = table.columns
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => options.wide || column.priority === 0);
  const headers = shown.map(({ column }) => column.name);
  // Objects created together share timestamps: format each distinct one once.
  const ages = new Map<string, string>();
  const age = (timestamp: string) => {
    let text = ages.get(timestamp);
    if (text === undefined) {
      text = formatAge(timestamp, options.now);
      ages.set(timestamp, text);
    }
    return text;
  };
  const rows = table.rows.map((row) =>
    shown.map(({ column, index }) => {
      const cell = row.cells[index] ?? '';
      if (index === 0 && options.qualify) return options.qualify(cell);
      return column.type === 'age' ? age(cell) : cell;
    }),
  );
  if (options.allProjects) {
    headers.unshift('PROJECT');
    table.rows.forEach((row, i) => rows[i]!.unshift(row.namespace ?? ''));
  }
  return { headers, rows };
}

export { tableOf };
