import type { StoredResource } from '../../api/resource.js';
import { inputError, isGantryError } from '../../errors.js';
import type { BatchItem } from '../client.js';
import { kindArgument, pathFor, projectFor, qualifiedName, type CliContext } from '../context.js';
import { readManifestFiles } from '../manifest-files.js';
import { usageError } from '../usage-error.js';
import { describeIssue } from '../document-issues.js';

export interface DeleteOptions {
  project?: string;
  filename?: string[];
  recursive?: boolean;
  ignoreNotFound?: boolean;
}

/** `gantry delete KIND NAME --project P` or `gantry delete -f FILE`. Deleting a project deletes its contents. */
export async function deleteCommand(
  ctx: CliContext,
  kindName: string | undefined,
  name: string | undefined,
  options: DeleteOptions,
): Promise<void> {
  if (kindName === 'token' || kindName === 'tokens') {
    const { deleteTokenCommand } = await import('./auth.js');
    await deleteTokenCommand(ctx, name, options);
    return;
  }
  if (options.filename && options.filename.length > 0) {
    if (kindName !== undefined) throw usageError('give either KIND NAME or -f FILE, not both');
    const documents = readManifestFiles(options.filename, { recursive: options.recursive });
    const query = new URLSearchParams();
    const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
    if (project) query.set('project', project);
    if (options.ignoreNotFound) query.set('ignoreNotFound', 'true');
    let response: { items: BatchItem[] };
    try {
      response = await ctx.client.request<{ items: BatchItem[] }>(
        'DELETE',
        `/v1/resources${query.size ? `?${query.toString()}` : ''}`,
        {
          items: documents.map((doc) => doc.value),
        },
      );
    } catch (err) {
      if (isGantryError(err) && err.issues.some((issue) => issue.document !== undefined)) {
        throw inputError(
          err.issues
            .map((issue) => describeIssue(documents[issue.document ?? 0]!, issue))
            .join('\n'),
        );
      }
      throw err;
    }
    for (const item of response.items)
      ctx.out(
        `${qualifiedName(item.kind, item.group, item.name).replace(/\/(.*)$/, ' "$1"')} ${item.outcome}`,
      );
    return;
  }
  if (kindName === undefined || name === undefined)
    throw usageError('give KIND NAME (e.g. delete stage dev --project demo) or -f FILE');
  const info = kindArgument(kindName);
  const project = projectFor(info, options.project, ctx.env);
  try {
    await ctx.client.request<StoredResource>('DELETE', pathFor(info, project, name));
  } catch (err) {
    if (options.ignoreNotFound && isGantryError(err, 'NotFound')) return;
    throw err;
  }
  ctx.out(`${qualifiedName(info.kind, info.group, name).replace(/\/(.*)$/, ' "$1"')} deleted`);
}
