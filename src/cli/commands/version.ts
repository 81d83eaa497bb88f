import { gantryVersion } from '../../version.js';
import type { CliContext } from '../context.js';

/** `gantry version`: this CLI's version and, unless --client, the server's. */
export async function versionCommand(
  ctx: CliContext,
  options: { client?: boolean },
): Promise<void> {
  ctx.out(`Client Version: ${gantryVersion()}`);
  if (options.client) return;
  const server = await ctx.client.request<{ version: string; store: string }>('GET', '/v1/version');
  ctx.out(`Server Version: ${server.version} (store: ${server.store})`);
}
