import { tableOf } from '../../api/printer-columns.js';
import type { StoredResource } from '../../api/resource.js';
import type { CliContext } from '../context.js';
import { formatAge } from '../output/age.js';
import { printObjects, type OutputFormat } from '../output/print-objects.js';
import { renderTable } from '../output/table.js';

interface Entry {
  freight: StoredResource & { alias?: string };
  available: boolean;
  reason: string;
}

/**
 * `gantry get freight --stage S`: the Freight a Stage requests, newest first, with whether
 * each may be promoted there now and why (not): users can always ask why.
 */
export async function freightForStage(
  ctx: CliContext,
  project: string,
  stage: string,
  format: OutputFormat,
): Promise<void> {
  const { items } = await ctx.client.request<{ items: Entry[] }>(
    'GET',
    `/v1/projects/${encodeURIComponent(project)}/stages/${encodeURIComponent(stage)}/freight`,
  );
  if (format === 'json' || format === 'yaml') {
    ctx.out(await printObjects(items as unknown as StoredResource[], { format, single: false }));
    return;
  }
  if (items.length === 0) {
    ctx.err(`No Freight requested by Stage ${stage} in project ${project}.`);
    return;
  }
  const artifacts = tableOf(
    'Freight',
    items.map((entry) => entry.freight),
  );
  const column = artifacts.columns.findIndex((c) => c.name === 'ARTIFACTS');
  ctx.out(
    renderTable(
      ['NAME', 'ALIAS', 'ARTIFACTS', 'AVAILABLE', 'WHY', 'AGE'],
      items.map((entry, index) => [
        entry.freight.metadata.name.slice(0, 12),
        entry.freight.alias ?? '',
        String(artifacts.rows[index]?.cells[column] ?? ''),
        entry.available ? 'yes' : 'no',
        entry.reason,
        formatAge(
          (entry.freight as { discoveredAt?: string }).discoveredAt ??
            entry.freight.metadata.creationTimestamp,
          ctx.now(),
        ),
      ]),
    ),
  );
}
