import type { StoredResource } from './resource.js';

/**
 * When a Freight was discovered, in ms: `discoveredAt` (Kargo orders Freight by it), else its
 * creation time. Compared as times, not text: timestamps may or may not carry fractions.
 */
export function discoveryTime(freight: StoredResource): number {
  const text =
    (freight as { discoveredAt?: string }).discoveredAt ?? freight.metadata.creationTimestamp ?? '';
  return Date.parse(text) || 0;
}

/** Newest discovered first; equal times keep a stable order by name. */
export function newestFirst(a: StoredResource, b: StoredResource): number {
  return discoveryTime(b) - discoveryTime(a) || a.metadata.name.localeCompare(b.metadata.name);
}
