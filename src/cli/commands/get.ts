import { readFileSync } from 'node:fs';
import { isGantryError, notFoundError } from '../../errors.js';
import type { KindName } from '../../api/kind-names.js';
import type { Table } from '../../api/printer-columns.js';
import type { StoredResource } from '../../api/resource.js';
import type { ListResponse } from '../client.js';
import { kindArgument, pathFor, projectFor, qualifiedName, type CliContext } from '../context.js';
import { parseGetOutput, renderDocuments } from '../output/get-output.js';
import { printTable, tableOf, type TableOptions } from '../output/print-objects.js';
import { freightNameOf } from '../freight-name-of.js';
import { usageError } from '../usage-error.js';
import { freightAliases, type Listed } from './listed-kinds.js';

export interface GetOptions {
  project?: string;
  allProjects?: boolean;
  output?: string;
  selector?: string;
  stage?: string;
  watch?: boolean;
  watchOnly?: boolean;
  /** tokens: the system tokens instead of a project's. */
  system?: boolean;
  /** events: only this actor's. */
  actor?: string;
  limit?: string;
}

/**
 * What `gantry get all` lists: what a pipeline is made of. Kargo has no `all`; kubectl's
 * lists a namespace's workloads, and these are a project's.
 */
export const ALL_KINDS = ['warehouses', 'stages', 'freight', 'promotions'];

const OWN_COMMANDS = ['pipeline', 'token', 'tokens', 'event', 'events'];

/**
 * `gantry get KIND[,KIND…] [NAME]` (or `KIND/NAME`): kubectl-like tables, or the objects as
 * YAML, JSON, names, a JSONPath template or custom columns; `-w` then prints every change.
 */
export async function getCommand(
  ctx: CliContext,
  kindArg: string,
  name: string | undefined,
  options: GetOptions,
): Promise<void> {
  if (OWN_COMMANDS.includes(kindArg)) return ownCommand(ctx, kindArg, options);
  // kubectl's `get stage/dev`.
  if (name === undefined && kindArg.includes('/') && !kindArg.includes(',')) {
    const slash = kindArg.indexOf('/');
    [kindArg, name] = [kindArg.slice(0, slash), kindArg.slice(slash + 1)];
  }
  const names = kindArg === 'all' ? ALL_KINDS : kindArg.split(',').filter((k) => k !== '');
  for (const kind of names)
    if (OWN_COMMANDS.includes(kind))
      throw usageError(`${kind} cannot be listed with other kinds: gantry get ${kind}`);
  const infos = [...new Map(names.map((n) => kindArgument(n)).map((i) => [i.kind, i])).values()];
  if (infos.length === 0) throw usageError('name a kind: gantry get stages');
  const several = infos.length > 1;
  if (several && name !== undefined)
    throw usageError(`NAME goes with one kind: gantry get ${infos[0]!.singular} ${name}`);
  const output = parseGetOutput(options.output, (path) => readFileSync(path, 'utf8'));
  const watching = !!options.watch || !!options.watchOnly;
  const tables = output.kind === 'table' || output.kind === 'wide';

  if (options.stage !== undefined) {
    const info = infos[0]!;
    const project = projectFor(info, options.project, ctx.env);
    if (several || info.kind !== 'Freight' || name !== undefined || !project || watching)
      throw usageError(
        '--stage goes with get freight --project P (no NAME, no -w): Freight as a Stage sees it',
      );
    const { freightForStage } = await import('./freight-for-stage.js');
    await freightForStage(ctx, project, options.stage, output);
    return;
  }

  const listed: Listed[] = [];
  for (const info of infos) {
    const allProjects = !!options.allProjects && info.namespaced && name === undefined;
    const project = allProjects ? undefined : projectFor(info, options.project, ctx.env);
    // Freight is named by name or alias wherever a command takes it (promote does too).
    const objectName =
      info.kind === 'Freight' && name !== undefined && project
        ? await freightNameOf(ctx, project, name)
        : name;
    listed.push(
      await listOne(ctx, info, project, objectName, {
        tables,
        allProjects,
        selector: options.selector,
      }),
    );
  }

  const tableOptions = (info: KindName): TableOptions => ({
    wide: output.kind === 'wide',
    allProjects: !!options.allProjects,
    now: ctx.now(),
    ...(several ? { qualify: (n: string) => qualifiedName(info.kind, info.group, n) } : {}),
  });
  if (!options.watchOnly) {
    const empty = listed.every((l) => (l.table?.rows.length ?? l.objects?.length ?? 0) === 0);
    if (empty && !watching) {
      await reportNothingFound(ctx, listed);
      return;
    }
    if (!empty) {
      const text = tables
        ? listed
            .map((l) => printTable(l.table!, tableOptions(l.info)))
            .filter((t) => t !== '')
            .join('\n\n')
        : await renderDocuments(
            listed.flatMap((l) => l.objects ?? []),
            output,
            name !== undefined,
          );
      if (text !== '') ctx.out(text);
    }
  }
  if (watching) {
    const { watchChanges } = await import('./get-watch.js');
    // --watch-only lists too, unprinted: the watch starts at the list's version, missing nothing.
    await watchChanges(ctx, listed, output, {
      name,
      watchOnly: !!options.watchOnly,
      tableOptions,
      allProjects: !!options.allProjects,
    });
  }
}

async function ownCommand(ctx: CliContext, kind: string, options: GetOptions): Promise<void> {
  if (kind === 'pipeline') {
    const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
    if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
    const { printPipeline } = await import('./pipeline.js');
    await printPipeline(ctx, project);
  } else if (kind === 'token' || kind === 'tokens') {
    const { getTokensCommand } = await import('./auth.js');
    await getTokensCommand(ctx, options);
  } else {
    const { getEventsCommand } = await import('./auth.js');
    await getEventsCommand(ctx, options);
  }
}

async function listOne(
  ctx: CliContext,
  info: KindName,
  project: string | undefined,
  name: string | undefined,
  options: { tables: boolean; allProjects: boolean; selector: string | undefined },
): Promise<Listed> {
  const query = new URLSearchParams();
  if (options.selector) query.set('labelSelector', options.selector);
  if (name !== undefined) {
    const object = await ctx.client.request<StoredResource>('GET', pathFor(info, project, name));
    if (!options.tables) return { info, project, objects: [object] };
    const aliases = ['Stage', 'Promotion'].includes(info.kind)
      ? await freightAliases(ctx, project)
      : undefined;
    return {
      info,
      project,
      table: tableOf(info.kind, [object], { freightAlias: (n) => aliases?.get(n) }),
      resourceVersion: object.metadata.resourceVersion ?? '',
    };
  }
  if (options.tables) query.set('as', 'table');
  const path = options.allProjects ? `/v1/${info.plural}` : pathFor(info, project);
  const response = await ctx.client.request<
    (Table | ListResponse) & { metadata?: { resourceVersion?: string } }
  >('GET', `${path}${query.size > 0 ? `?${query.toString()}` : ''}`);
  const resourceVersion = response.metadata?.resourceVersion ?? '';
  return options.tables
    ? { info, project, table: response as Table, resourceVersion }
    : { info, project, objects: (response as ListResponse).items, resourceVersion };
}

async function reportNothingFound(ctx: CliContext, listed: Listed[]): Promise<void> {
  const project = listed.find((l) => l.project)?.project;
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
  const what = listed.length === 1 ? listed[0]!.info.plural : 'resources';
  ctx.err(project ? `No ${what} found in project ${project}.` : `No ${what} found.`);
}
