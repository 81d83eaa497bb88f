import { isGantryError, notFoundError } from '../../errors.js';
import { ALIAS_LABEL } from '../../api/labels.js';
import type { Table } from '../../api/printer-columns.js';
import type { StoredResource } from '../../api/resource.js';
import type { ListResponse } from '../client.js';
import { kindArgument, pathFor, projectFor, type CliContext } from '../context.js';
import { parseOutputFormat, printObjects, printTable, tableOf } from '../output/print-objects.js';
import { usageError } from '../usage-error.js';

export interface GetOptions {
  project?: string;
  allProjects?: boolean;
  output?: string;
  selector?: string;
  stage?: string;
  /** tokens: the system tokens instead of a project's. */
  system?: boolean;
  /** events: only this actor's. */
  actor?: string;
  limit?: string;
}

/** `gantry get KIND [NAME]`: a kubectl-like table, or the objects as YAML or JSON. */
export async function getCommand(
  ctx: CliContext,
  kindName: string,
  name: string | undefined,
  options: GetOptions,
): Promise<void> {
  if (kindName === 'pipeline') {
    const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
    if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
    const { printPipeline } = await import('./pipeline.js');
    await printPipeline(ctx, project);
    return;
  }
  if (['token', 'tokens'].includes(kindName)) {
    const { getTokensCommand } = await import('./auth.js');
    await getTokensCommand(ctx, options);
    return;
  }
  if (['event', 'events'].includes(kindName)) {
    const { getEventsCommand } = await import('./auth.js');
    await getEventsCommand(ctx, options);
    return;
  }
  const info = kindArgument(kindName);
  const format = parseOutputFormat(options.output);
  const allProjects = !!options.allProjects && info.namespaced && name === undefined;
  const project = allProjects ? undefined : projectFor(info, options.project, ctx.env);
  if (options.stage !== undefined) {
    if (info.kind !== 'Freight' || name !== undefined || !project)
      throw usageError(
        '--stage goes with get freight --project P (no NAME): Freight as a Stage sees it',
      );
    const { freightForStage } = await import('./freight-for-stage.js');
    await freightForStage(ctx, project, options.stage, format);
    return;
  }
  // Freight is named by name or alias wherever a command takes it (promote does too).
  if (info.kind === 'Freight' && name !== undefined && project)
    name = await freightNameOf(ctx, project, name);
  const query = new URLSearchParams();
  if (options.selector) query.set('labelSelector', options.selector);
  const listPath = () => {
    const path = allProjects ? `/v1/${info.plural}` : pathFor(info, project);
    return `${path}${query.size > 0 ? `?${query.toString()}` : ''}`;
  };
  let text: string;
  if (format === 'json' || format === 'yaml') {
    const objects =
      name !== undefined
        ? [await ctx.client.request<StoredResource>('GET', pathFor(info, project, name))]
        : (await ctx.client.request<ListResponse>('GET', listPath())).items;
    text = await printObjects(objects, { format, single: name !== undefined });
  } else {
    let table: Table;
    if (name !== undefined) {
      table = tableOf(info.kind, [
        await ctx.client.request<StoredResource>('GET', pathFor(info, project, name)),
      ]);
    } else {
      query.set('as', 'table');
      table = await ctx.client.request<Table>('GET', listPath());
    }
    text = printTable(table, { wide: format === 'wide', allProjects, now: ctx.now() });
  }
  if (text === '') {
    // Nothing found in a project that does not exist is a mistake, not an empty list.
    if (project)
      await ctx.client
        .request('GET', `/v1/projects/${encodeURIComponent(project)}`)
        .catch((err: unknown) => {
          if (isGantryError(err, 'NotFound'))
            throw notFoundError(
              `project "${project}" does not exist (gantry get projects lists them)`,
            );
          throw err;
        });
    ctx.err(
      project ? `No ${info.plural} found in project ${project}.` : `No ${info.plural} found.`,
    );
    return;
  }
  ctx.out(text);
}

async function freightNameOf(ctx: CliContext, project: string, nameOrAlias: string) {
  try {
    await ctx.client.request('GET', pathFor(kindArgument('freight'), project, nameOrAlias));
    return nameOrAlias;
  } catch (err) {
    if (!isGantryError(err, 'NotFound')) throw err;
    const selector = encodeURIComponent(`${ALIAS_LABEL}=${nameOrAlias}`);
    const { items } = await ctx.client.request<ListResponse>(
      'GET',
      `${pathFor(kindArgument('freight'), project)}?labelSelector=${selector}`,
    );
    if (items[0]) return items[0].metadata.name;
    throw notFoundError(
      `Freight "${nameOrAlias}" does not exist in project "${project}" (by name or alias)`,
    );
  }
}
