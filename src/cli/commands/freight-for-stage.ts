import { tableOf } from '../../api/printer-columns.js';
import type { StoredResource } from '../../api/resource.js';
import type { CliContext } from '../context.js';
import { formatAge } from '../../api/age.js';
import { customColumnsRow, listOf, runTemplate, type GetOutput } from '../output/get-output.js';
import { nameOf } from '../output/get-output.js';
import { printObjects } from '../output/print-objects.js';
import { renderTable } from '../output/table.js';

interface Entry {
  freight: StoredResource & { alias?: string };
  available: boolean;
  reason: string;
  /** What auto-promotion does about it when not simply "promotes it" (skipped, held). */
  autoPromotion?: string;
}

/**
 * `gantry get freight --stage S`: the Freight a Stage requests, newest first, with whether
 * each may be promoted there now and why (not), and what auto-promotion does about it: users
 * can always ask why. AVAILABLE and WHY say whether a person may promote it; AUTO-PROMOTION
 * says when auto-promotion will not (rejected there after a rollback, or held elsewhere).
 */
export async function freightForStage(
  ctx: CliContext,
  project: string,
  stage: string,
  output: GetOutput,
): Promise<void> {
  const { items } = await ctx.client.request<{ items: Entry[] }>(
    'GET',
    `/v1/projects/${encodeURIComponent(project)}/stages/${encodeURIComponent(stage)}/freight`,
  );
  if (output.kind === 'json' || output.kind === 'yaml') {
    ctx.out(
      await printObjects(items as unknown as StoredResource[], {
        format: output.kind,
        single: false,
      }),
    );
    return;
  }
  if (items.length === 0) {
    ctx.err(`No Freight requested by Stage ${stage} in project ${project}.`);
    return;
  }
  if (output.kind === 'name') {
    ctx.out(items.map((entry) => nameOf(entry.freight)).join('\n'));
    return;
  }
  if (output.kind === 'jsonpath') {
    ctx.out(runTemplate(output.template, listOf(items)));
    return;
  }
  if (output.kind === 'custom-columns') {
    ctx.out(
      renderTable(
        output.columns.map((column) => column.header),
        items.map((entry) => customColumnsRow(output.columns, entry)),
      ),
    );
    return;
  }
  const artifacts = tableOf(
    'Freight',
    items.map((entry) => entry.freight),
  );
  const column = artifacts.columns.findIndex((c) => c.name === 'ARTIFACTS');
  const wide = output.kind === 'wide';
  ctx.out(
    renderTable(
      ['NAME', 'ALIAS', 'ARTIFACTS', 'AVAILABLE', 'WHY', 'AUTO-PROMOTION', 'AGE'],
      items.map((entry, index) => [
        wide ? entry.freight.metadata.name : entry.freight.metadata.name.slice(0, 12),
        entry.freight.alias ?? '',
        String(artifacts.rows[index]?.cells[column] ?? ''),
        entry.available ? 'yes' : 'no',
        entry.reason,
        entry.autoPromotion ?? '',
        formatAge(
          (entry.freight as { discoveredAt?: string }).discoveredAt ??
            entry.freight.metadata.creationTimestamp,
          ctx.now(),
        ),
      ]),
    ),
  );
}
