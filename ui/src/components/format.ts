import type { Freight, FreightReference } from '../api/types.js';

/** `3m`, `2h`, `5d`: how long ago, kubectl style. */
export function age(timestamp: string | undefined, now = Date.now()): string {
  if (!timestamp) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(timestamp)) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86_400)}d`;
}

/** How long something took: `850ms`, `12s`, `3m04s`. */
export function duration(from: string | undefined, to: string | undefined): string {
  if (!from) return '';
  const ms = (to ? Date.parse(to) : Date.now()) - Date.parse(from);
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** The artifact versions a Freight carries, short: `frontend:1.2.3`, `gitops@1a2b3c4`, `chart 2.0.0`. */
export function versionsOf(freight: Freight | FreightReference | undefined): string[] {
  if (!freight) return [];
  const last = (url: string | undefined) => (url ?? '').split('/').filter(Boolean).pop() ?? '';
  return [
    ...(freight.images ?? []).map(
      (i) => `${last(i.repoURL)}:${i.tag ?? (i.digest ? i.digest.slice(7, 19) : '?')}`,
    ),
    ...(freight.commits ?? []).map(
      (c) => `${last(c.repoURL).replace(/\.git$/, '')}@${c.tag ?? (c.id ?? '').slice(0, 7)}`,
    ),
    ...(freight.charts ?? []).map((c) => `${c.name ?? last(c.repoURL)} ${c.version ?? ''}`.trim()),
  ];
}
