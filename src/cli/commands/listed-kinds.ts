import type { KindName } from '../../api/kind-names.js';
import type { Table } from '../../api/printer-columns.js';
import type { StoredResource } from '../../api/resource.js';
import type { ListResponse } from '../client.js';
import { kindArgument, pathFor, type CliContext } from '../context.js';

/** One kind's part of what `get` prints. */
export interface Listed {
  info: KindName;
  project: string | undefined;
  /** Tables (table, wide) or objects (every other output). */
  table?: Table;
  objects?: StoredResource[];
  /** The version the list was read at, where a watch starts. */
  resourceVersion?: string;
}

/** Freight name → alias in a project, for the Stages' and Promotions' columns. */
export async function freightAliases(
  ctx: CliContext,
  project: string | undefined,
): Promise<Map<string, string>> {
  if (!project) return new Map();
  const { items } = await ctx.client.request<ListResponse>(
    'GET',
    pathFor(kindArgument('freight'), project),
  );
  return new Map(
    items
      .map((f) => [f.metadata.name, (f as { alias?: string }).alias ?? ''] as const)
      .filter(([, alias]) => alias !== ''),
  );
}
