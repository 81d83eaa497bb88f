import { KARGO_API_VERSION } from '../../api/api-versions.js';
import { dnsLabelProblem } from '../../api/names.js';
import type { StoredResource } from '../../api/resource.js';
import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';
import type { ApplyOptions } from './apply.js';
import type { CreateFreightOptions } from './create-freight.js';

/**
 * `gantry create project NAME`, `gantry create freight --warehouse W --image REPO:TAG …`, or
 * `gantry create -f FILE` (fails on objects that exist).
 */
export async function createCommand(
  ctx: CliContext,
  what: string | undefined,
  name: string | undefined,
  options: ApplyOptions & CreateFreightOptions,
): Promise<void> {
  if (what === undefined) {
    const { applyCommand } = await import('./apply.js');
    await applyCommand(ctx, options, 'create');
    return;
  }
  if (what === 'freight') {
    const { createFreightCommand } = await import('./create-freight.js');
    await createFreightCommand(ctx, options);
    return;
  }
  if (what === 'token') {
    const { createTokenCommand } = await import('./auth.js');
    await createTokenCommand(ctx, name, options);
    return;
  }
  if (what !== 'project')
    throw usageError(
      `cannot create "${what}" this way: use create project NAME, create token NAME --role R, create freight --warehouse W …, or create -f FILE`,
    );
  if (!name) throw usageError('create project needs a NAME');
  const problem = dnsLabelProblem(name);
  if (problem) throw usageError(`project name ${problem}`);
  const created = await ctx.client.request<StoredResource>('POST', '/v1/projects', {
    apiVersion: KARGO_API_VERSION,
    kind: 'Project',
    metadata: { name },
  });
  ctx.out(`${qualifiedName('Project', 'kargo.akuity.io', created.metadata.name)} created`);
}
