import { parseDuration } from './duration.js';
import type { Freight, FreightStatus } from './freight.js';
import type { StageSpec } from './stage.js';

/** Whether a Freight may be promoted to a Stage, and why (or why not), in words. */
export interface Availability {
  available: boolean;
  reason: string;
}

/** What availability looks at: the Freight's origin and its status. */
export type FreightForAvailability = Pick<Freight, 'origin'> & {
  status?: FreightStatus | undefined;
};

/**
 * Kargo's availability rule for one Freight and one Stage. The Stage must request the
 * Freight's origin; then the Freight is available when it was approved for the Stage, or the
 * request takes Freight `direct`ly from the Warehouse, or it was verified in the upstream
 * Stages (`OneOf`: any one, `All`: every one) and soaked there for `requiredSoakTime`. Soak
 * is continuous time in the upstream Stage: the current stay, or the longest completed one.
 * An approval skips verification and soak for that Stage only.
 */
export function freightAvailability(
  stage: { name: string; spec: Pick<StageSpec, 'requestedFreight'> },
  freight: FreightForAvailability,
  now: Date,
): Availability {
  const request = stage.spec.requestedFreight.find(
    (r) => r.origin.kind === freight.origin.kind && r.origin.name === freight.origin.name,
  );
  if (!request)
    return {
      available: false,
      reason: `comes from ${freight.origin.kind} ${freight.origin.name}, which ${stage.name} does not request`,
    };
  const status = freight.status ?? {};
  if (status.approvedFor?.[stage.name])
    return { available: true, reason: `approved for ${stage.name}` };
  if (request.sources.direct)
    return { available: true, reason: `direct from ${freight.origin.kind} ${freight.origin.name}` };
  const upstream = request.sources.stages ?? [];
  const soakMs = request.sources.requiredSoakTime
    ? (parseDuration(request.sources.requiredSoakTime) ?? 0)
    : 0;
  const verdicts = upstream.map((name) => upstreamVerdict(name, status, soakMs, now));
  const all = request.sources.availabilityStrategy === 'All';
  const passed = verdicts.filter((v) => v.ok);
  if (all ? passed.length === upstream.length : passed.length > 0)
    return {
      available: true,
      reason: all
        ? `verified${soakMs ? ' and soaked' : ''} in ${upstream.join(', ')}`
        : passed[0]!.reason,
    };
  const failing = verdicts.filter((v) => !v.ok).map((v) => v.reason);
  return {
    available: false,
    reason: all ? failing.join('; ') : failing.join(', or '),
  };
}

function upstreamVerdict(
  upstream: string,
  status: FreightStatus,
  soakMs: number,
  now: Date,
): { ok: boolean; reason: string } {
  const verified = status.verifiedIn?.[upstream];
  if (!verified) return { ok: false, reason: `not verified in ${upstream}` };
  if (soakMs === 0) return { ok: true, reason: `verified in ${upstream}` };
  const soaked = soakedMs(upstream, status, now);
  if (soaked >= soakMs) return { ok: true, reason: `verified and soaked in ${upstream}` };
  const since = status.currentlyIn?.[upstream]?.since;
  return {
    ok: false,
    reason: since
      ? `soaking in ${upstream}: ${formatDuration(soaked)} of ${formatDuration(soakMs)}`
      : `left ${upstream} after ${formatDuration(soaked)} of the ${formatDuration(soakMs)} soak it needs`,
  };
}

/** Continuous time in a Stage: the current stay, or the longest completed one. */
export function soakedMs(stage: string, status: FreightStatus, now: Date): number {
  const since = status.currentlyIn?.[stage]?.since;
  const current = since ? Math.max(now.getTime() - Date.parse(since), 0) : 0;
  const longest = parseDuration(status.verifiedIn?.[stage]?.longestSoak ?? '') ?? 0;
  return Math.max(current, longest);
}

/** `3h12m`, `45m`, `20s`: short, for messages. */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m > 0 ? `${m}m` : ''}`;
  if (m > 0) return `${m}m${s > 0 && m < 10 ? `${s}s` : ''}`;
  return `${s}s`;
}

/** A soak as Kargo's `longestSoak` stores it: a duration such as `26h3m10s`. */
export function soakDuration(ms: number): string {
  const seconds = Math.max(Math.floor(ms / 1000), 0);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}s`;
}
