import type { AuditEvent } from '../../audit/audit-log.js';
import type { KindName } from '../../api/kind-names.js';
import type { StoredResource } from '../../api/resource.js';
import { errorMessage, isGantryError, notFoundError } from '../../errors.js';
import type { ListResponse } from '../client.js';
import { kindArgument, pathFor, projectFor, type CliContext } from '../context.js';
import { freightNameOf } from '../freight-name-of.js';
import type { Related } from '../describe/describe-related.js';

export interface DescribeOptions {
  project?: string;
  selector?: string;
}

/** Audit events read per project for the reports' `Events:` sections. */
const EVENTS_READ = 1000;

/**
 * `gantry describe KIND [NAME]`: a readable report per object, as `kubectl describe` prints
 * it: metadata, what the spec asks for, the status in words, conditions, history, and the
 * recent audit events about the object. Without NAME, every object of the kind, one report
 * after another.
 */
export async function describeCommand(
  ctx: CliContext,
  kindName: string,
  name: string | undefined,
  options: DescribeOptions,
): Promise<void> {
  const info = kindArgument(kindName);
  const project = projectFor(info, options.project, ctx.env);
  if (info.kind === 'Freight' && name !== undefined && project)
    name = await freightNameOf(ctx, project, name);
  let objects: StoredResource[];
  if (name !== undefined) {
    objects = [await ctx.client.request<StoredResource>('GET', pathFor(info, project, name))];
  } else {
    const query = options.selector ? `?labelSelector=${encodeURIComponent(options.selector)}` : '';
    objects = (await ctx.client.request<ListResponse>('GET', `${pathFor(info, project)}${query}`))
      .items;
    if (objects.length === 0) {
      if (project) await requireProject(ctx, project);
      ctx.err(
        project ? `No ${info.plural} found in project ${project}.` : `No ${info.plural} found.`,
      );
      return;
    }
  }
  const reports: string[] = [];
  const cache = new Map<string, Promise<Related>>();
  for (const object of objects) {
    // A Project's report is about what it holds; other kinds' about their own project.
    const scope = info.kind === 'Project' ? object.metadata.name : (project ?? '');
    let related = cache.get(scope);
    if (!related) {
      related = relatedFor(ctx, info, scope);
      cache.set(scope, related);
    }
    reports.push((await report(object, await related)).join('\n'));
  }
  ctx.out(reports.join('\n\n'));
}

async function report(object: StoredResource, related: Related): Promise<string[]> {
  switch (object.kind) {
    case 'Stage':
      return (await import('../describe/describe-stage.js')).describeStage(object, related);
    case 'Freight':
      return (await import('../describe/describe-freight.js')).describeFreight(object, related);
    case 'Warehouse':
      return (await import('../describe/describe-warehouse.js')).describeWarehouse(object, related);
    case 'Promotion':
      return (await import('../describe/describe-promotion.js')).describePromotion(object, related);
    case 'Project':
      return (await import('../describe/describe-project.js')).describeProject(object, related);
    default:
      return (await import('../describe/describe-generic.js')).describeGeneric(object, related);
  }
}

/** Fetches what the kind's report uses, in parallel; a cluster-scoped kind gets events only. */
async function relatedFor(ctx: CliContext, info: KindName, project: string): Promise<Related> {
  const wants = (kinds: string[]) => project !== '' && kinds.includes(info.kind);
  const list = async (plural: string, wanted: boolean) =>
    wanted
      ? (await ctx.client.request<ListResponse>('GET', projectPath(project, plural))).items
      : [];
  const [promotions, freight, stages, warehouses, configs, events] = await Promise.all([
    list('promotions', wants(['Stage', 'Freight'])),
    list('freight', wants(['Stage', 'Freight', 'Warehouse', 'Promotion', 'Project'])),
    list('stages', wants(['Stage', 'Project'])),
    list('warehouses', wants(['Stage', 'Project'])),
    list('projectconfigs', wants(['Project'])),
    project === '' ? Promise.resolve([]) : eventsOf(ctx, project),
  ]);
  return {
    now: ctx.now(),
    promotions,
    freight,
    stages,
    warehouses,
    projectConfig: configs[0],
    events,
  };
}

/** The project's audit events, or why they cannot be shown (a viewer may not list them). */
async function eventsOf(ctx: CliContext, project: string): Promise<AuditEvent[] | string> {
  try {
    const { items } = await ctx.client.request<{ items: AuditEvent[] }>(
      'GET',
      `${projectPath(project, 'events')}?limit=${EVENTS_READ}`,
    );
    return items;
  } catch (err) {
    if (isGantryError(err, 'NotAllowed')) return `not shown: ${errorMessage(err)}`;
    throw err;
  }
}

function projectPath(project: string, plural: string): string {
  return `/v1/projects/${encodeURIComponent(project)}/${plural}`;
}

async function requireProject(ctx: CliContext, project: string): Promise<void> {
  await ctx.client.request('GET', `/v1/projects/${encodeURIComponent(project)}`).catch((err) => {
    if (isGantryError(err, 'NotFound'))
      throw notFoundError(`project "${project}" does not exist (gantry get projects lists them)`);
    throw err;
  });
}
