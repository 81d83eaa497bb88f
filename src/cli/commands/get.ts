import type { StoredResource } from '../../api/resource.js';
import type { ListResponse } from '../client.js';
import { kindArgument, pathFor, projectFor, type CliContext } from '../context.js';
import { parseOutputFormat, printObjects } from '../output/print-objects.js';

export interface GetOptions {
  project?: string;
  allProjects?: boolean;
  output?: string;
  selector?: string;
}

/** `gantry get KIND [NAME]`: a kubectl-like table, or the objects as YAML or JSON. */
export async function getCommand(
  ctx: CliContext,
  kindName: string,
  name: string | undefined,
  options: GetOptions,
): Promise<void> {
  const info = kindArgument(kindName);
  const format = parseOutputFormat(options.output);
  const allProjects = !!options.allProjects && info.namespaced && name === undefined;
  const project = allProjects ? undefined : projectFor(info, options.project, ctx.env);
  let objects: StoredResource[];
  if (name !== undefined) {
    objects = [await ctx.client.request<StoredResource>('GET', pathFor(info, project, name))];
  } else {
    const query = options.selector ? `?labelSelector=${encodeURIComponent(options.selector)}` : '';
    const path = allProjects ? `/v1/${info.plural}${query}` : `${pathFor(info, project)}${query}`;
    objects = (await ctx.client.request<ListResponse>('GET', path)).items;
  }
  const text = printObjects(objects, {
    kind: info.kind,
    format,
    single: name !== undefined,
    allProjects,
    now: ctx.now(),
  });
  if (text === '' && format !== 'json' && format !== 'yaml') {
    ctx.err(
      project ? `No ${info.plural} found in project ${project}.` : `No ${info.plural} found.`,
    );
    return;
  }
  ctx.out(text);
}
