import { TERMINAL_PROMOTION_PHASES } from '../../api/promotion.js';
import { ALIAS_LABEL } from '../../api/labels.js';
import type { StoredResource } from '../../api/resource.js';
import type { StageStatus } from '../../api/stage.js';
import { inputError, isGantryError, notFoundError } from '../../errors.js';
import type { ListResponse } from '../client.js';
import { qualifiedName, type CliContext } from '../context.js';
import { usageError } from '../usage-error.js';

export interface WaitOptions {
  project?: string;
  freight?: string;
  for?: string;
  timeout?: string;
}

export interface FreightStatus {
  currentlyIn?: Record<string, { since?: string } | undefined>;
  verifiedIn?: Record<string, { verifiedAt?: string } | undefined>;
}

/**
 * `gantry wait stage NAME --freight F [--for promoted|verified] [--timeout SECONDS]`: waits
 * until Freight F is in the Stage (promoted) or, the default, verified there (a Stage without
 * verification counts it verified once promoted, as Kargo does). Fails at once when the
 * Promotion of F to the Stage fails or its verification fails, and after the timeout.
 *
 * While a Promotion of F to the Stage waits or runs, F is not there yet, whatever it was
 * before: after a rollback to F, the wait is for the rollback. And F in the Stage is verified
 * only by a verification of its current stay, not by one from an earlier time there.
 */
export async function waitCommand(
  ctx: CliContext,
  kind: string,
  name: string,
  options: WaitOptions,
): Promise<void> {
  if (!['stage', 'stages'].includes(kind.toLowerCase()))
    throw usageError(`cannot wait for "${kind}": gantry wait stage NAME --freight F`);
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);
  if (!project) throw usageError('--project is required (or set GANTRY_PROJECT)');
  if (!options.freight) throw usageError('--freight is required (a Freight name or alias)');
  const condition = options.for ?? 'verified';
  if (condition !== 'promoted' && condition !== 'verified')
    throw usageError(`--for must be promoted or verified (got "${condition}")`);
  const timeoutSeconds = Number(options.timeout ?? '300');
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw usageError(`--timeout must be a number of seconds (got "${options.timeout}")`);

  const base = `/v1/projects/${encodeURIComponent(project)}`;
  const stagePath = `${base}/stages/${encodeURIComponent(name)}`;
  const label = qualifiedName('Stage', 'kargo.akuity.io', name);
  await ctx.client.request('GET', stagePath); // a Stage that does not exist is an error now
  const freight = await freightByNameOrAlias(ctx, base, options.freight, project);
  const freightName = freight.metadata.name;
  const shown = (freight as { alias?: string }).alias ?? freightName;
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const current = await ctx.client.request<StoredResource>(
      'GET',
      `${base}/freight/${encodeURIComponent(freightName)}`,
    );
    const status = (current.status ?? {}) as FreightStatus;
    const stage = await ctx.client.request<StoredResource>('GET', stagePath);
    const stageStatus = (stage.status ?? {}) as StageStatus;
    if (
      reached(status, name, condition) &&
      !(await promotionPending(ctx, base, name, freightName))
    ) {
      ctx.out(`${label}: Freight ${shown} ${condition}`);
      return;
    }
    const problem = failure(stageStatus, freightName);
    if (problem) throw inputError(`${label}: Freight ${shown} ${problem}`);
    if (Date.now() > deadline)
      throw inputError(
        `${label}: Freight ${shown} not ${condition} within ${timeoutSeconds}s (gantry get freight --stage ${name} says why it may not be promoted)`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Whether the Freight's status says it is in the Stage (promoted) or verified there. */
export function reached(status: FreightStatus, stage: string, condition: string): boolean {
  const stay = status.currentlyIn?.[stage];
  if (condition === 'promoted') return stay !== undefined;
  const verified = status.verifiedIn?.[stage];
  if (!verified) return false;
  // In the Stage now: verified during this stay (RFC 3339 UTC timestamps compare as text).
  if (stay?.since && verified.verifiedAt) return verified.verifiedAt >= stay.since;
  return true;
}

/** Whether a Promotion of the Freight to the Stage waits or runs. */
async function promotionPending(
  ctx: CliContext,
  base: string,
  stage: string,
  freight: string,
): Promise<boolean> {
  let items: StoredResource[];
  try {
    ({ items } = await ctx.client.request<ListResponse>('GET', `${base}/promotions`));
  } catch (err) {
    // A caller who may read the Stage and the Freight but not list Promotions waits as before.
    if (isGantryError(err, 'NotAllowed')) return false;
    throw err;
  }
  return items.some((promotion) => {
    const spec = promotion.spec as { stage?: string; freight?: string } | undefined;
    const phase = (promotion.status as { phase?: string } | undefined)?.phase ?? '';
    return (
      spec?.stage === stage && spec.freight === freight && !TERMINAL_PROMOTION_PHASES.has(phase)
    );
  });
}

/** Why waiting for this Freight in the Stage is hopeless, if it is: a failed promotion or verification. */
function failure(status: StageStatus, freightName: string): string | undefined {
  const last = status.lastPromotion as
    | { name?: string; freight?: { name?: string }; status?: { phase?: string; message?: string } }
    | undefined;
  const phase = last?.status?.phase;
  if (
    last?.freight?.name === freightName &&
    phase &&
    TERMINAL_PROMOTION_PHASES.has(phase) &&
    phase !== 'Succeeded'
  )
    return `was not promoted: promotion ${last.name ?? ''} ended ${phase}${last.status?.message ? `: ${last.status.message}` : ''}`;
  const collection = status.freightHistory?.[0];
  const inCurrent = Object.values(collection?.items ?? {}).some(
    (item) => (item as { name?: string }).name === freightName,
  );
  const verification = collection?.verificationHistory?.[0];
  if (inCurrent && (verification?.phase === 'Failed' || verification?.phase === 'Error'))
    return `failed verification${verification.message ? `: ${verification.message}` : ''}`;
  return undefined;
}

async function freightByNameOrAlias(
  ctx: CliContext,
  base: string,
  nameOrAlias: string,
  project: string,
): Promise<StoredResource> {
  try {
    return await ctx.client.request<StoredResource>(
      'GET',
      `${base}/freight/${encodeURIComponent(nameOrAlias)}`,
    );
  } catch (err) {
    if (!isGantryError(err, 'NotFound')) throw err;
  }
  const selector = encodeURIComponent(`${ALIAS_LABEL}=${nameOrAlias}`);
  const { items } = await ctx.client.request<ListResponse>(
    'GET',
    `${base}/freight?labelSelector=${selector}`,
  );
  if (items[0]) return items[0];
  throw notFoundError(
    `Freight "${nameOrAlias}" does not exist in project "${project}" (by name or alias)`,
  );
}
