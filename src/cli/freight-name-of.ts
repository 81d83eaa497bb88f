import { ALIAS_LABEL } from '../api/labels.js';
import { isGantryError, notFoundError } from '../errors.js';
import type { ListResponse } from './client.js';
import { kindArgument, pathFor, type CliContext } from './context.js';

/** The name of the Freight a user named by name or by alias, as every command takes it. */
export async function freightNameOf(
  ctx: CliContext,
  project: string,
  nameOrAlias: string,
): Promise<string> {
  const info = kindArgument('freight');
  try {
    await ctx.client.request('GET', pathFor(info, project, nameOrAlias));
    return nameOrAlias;
  } catch (err) {
    if (!isGantryError(err, 'NotFound')) throw err;
    const selector = encodeURIComponent(`${ALIAS_LABEL}=${nameOrAlias}`);
    const { items } = await ctx.client.request<ListResponse>(
      'GET',
      `${pathFor(info, project)}?labelSelector=${selector}`,
    );
    if (items[0]) return items[0].metadata.name;
    throw notFoundError(
      `Freight "${nameOrAlias}" does not exist in project "${project}" (by name or alias)`,
    );
  }
}
