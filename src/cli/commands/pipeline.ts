import { projectFreeze } from '../../api/promotion-gates.js';
import type { StoredResource } from '../../api/resource.js';
import type { StageSpec, StageStatus } from '../../api/stage.js';
import type { ListResponse } from '../client.js';
import type { CliContext } from '../context.js';

/**
 * `gantry get pipeline --project P`: the project's Stages as a tree drawn from its
 * Warehouses, each Stage with its current Freight, verification and hold. A Stage fed by
 * several upstreams is drawn under the first and referred to under the others.
 *
 *   Warehouse app
 *   └─ dev       brave-bison (ghcr.io/acme/app:1.2.0)  verified
 *      └─ staging  …
 */
export async function printPipeline(ctx: CliContext, project: string): Promise<void> {
  const base = `/v1/projects/${encodeURIComponent(project)}`;
  const [stages, freight, projectObject] = await Promise.all([
    ctx.client.request<ListResponse>('GET', `${base}/stages`),
    ctx.client.request<ListResponse>('GET', `${base}/freight`),
    ctx.client.request<StoredResource>('GET', `/v1/projects/${encodeURIComponent(project)}`),
  ]);
  const aliases = new Map(
    freight.items.map((f) => [
      f.metadata.name,
      (f as { alias?: string }).alias ?? f.metadata.name.slice(0, 7),
    ]),
  );
  const byName = new Map(stages.items.map((s) => [s.metadata.name, s]));
  const children = new Map<string, string[]>();
  const roots = new Map<string, string[]>();
  for (const stage of stages.items) {
    for (const request of (stage.spec as StageSpec).requestedFreight) {
      const origin = `${request.origin.kind} ${request.origin.name}`;
      if (request.sources.direct)
        roots.set(origin, [...(roots.get(origin) ?? []), stage.metadata.name]);
      for (const upstream of request.sources.stages ?? [])
        children.set(upstream, [...(children.get(upstream) ?? []), stage.metadata.name]);
    }
  }
  const lines: string[] = [];
  const freeze = projectFreeze(projectObject);
  if (freeze) lines.push(`project ${project} is FROZEN: ${freeze.reason}`, '');
  const drawn = new Set<string>();
  const width = Math.max(0, ...stages.items.map((s) => s.metadata.name.length));
  const draw = (name: string, prefix: string, last: boolean, depth: number) => {
    const branch = `${prefix}${last ? '└─ ' : '├─ '}`;
    const stage = byName.get(name);
    if (drawn.has(name)) {
      lines.push(`${branch}${name} (drawn above)`);
      return;
    }
    drawn.add(name);
    lines.push(
      `${branch}${name.padEnd(width + Math.max(0, 6 - depth * 3))}  ${describe(stage, aliases)}`.trimEnd(),
    );
    const next = [...new Set(children.get(name) ?? [])];
    next.forEach((child, index) =>
      draw(child, `${prefix}${last ? '   ' : '│  '}`, index === next.length - 1, depth + 1),
    );
  };
  for (const [origin, first] of roots) {
    lines.push(origin);
    const unique = [...new Set(first)];
    unique.forEach((name, index) => draw(name, '', index === unique.length - 1, 0));
    lines.push('');
  }
  const orphans = stages.items.filter((s) => !drawn.has(s.metadata.name));
  for (const stage of orphans) lines.push(`${stage.metadata.name} (no path from a Warehouse)`);
  if (stages.items.length === 0) {
    ctx.err(`No stages found in project ${project}.`);
    return;
  }
  ctx.out(lines.join('\n').trimEnd());
}

function describe(stage: StoredResource | undefined, aliases: Map<string, string>): string {
  const status = (stage?.status ?? {}) as StageStatus;
  const current = status.freightHistory?.[0];
  const parts: string[] = [];
  const items = Object.values(current?.items ?? {});
  parts.push(
    items.length === 0
      ? 'no Freight yet'
      : items
          .map((item) => {
            const versions = [
              ...(item.images ?? []).map((i) => `${i.repoURL ?? ''}:${i.tag ?? ''}`),
              ...(item.commits ?? []).map(
                (c) => `${c.repoURL ?? ''}@${c.tag || (c.id ?? '').slice(0, 7)}`,
              ),
              ...(item.charts ?? []).map((c) => `${c.name ?? c.repoURL ?? ''}:${c.version ?? ''}`),
            ].join(', ');
            return `${aliases.get(item.name ?? '') ?? item.name ?? ''}${versions ? ` (${versions})` : ''}`;
          })
          .join(', '),
  );
  const verification = current?.verificationHistory?.[0]?.phase;
  if (verification)
    parts.push(verification === 'Successful' ? 'verified' : `verification ${verification}`);
  if (status.currentPromotion)
    parts.push(
      `promoting ${aliases.get(status.currentPromotion.freight?.name ?? '') ?? ''}`.trim(),
    );
  const holds = Object.values(status.autoPromotionHolds ?? {});
  if (holds.length > 0)
    parts.push(
      `held at ${holds.map((h) => aliases.get(h.freightName) ?? h.freightName).join(', ')}`,
    );
  if (status.lastPromotion?.status?.phase && status.lastPromotion.status.phase !== 'Succeeded')
    parts.push(`last promotion ${status.lastPromotion.status.phase}`);
  return parts.join('  ');
}
