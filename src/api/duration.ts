/**
 * Kargo durations: strings such as `5m0s`, `1h30m`, `0.5h`. Kargo's CRDs accept exactly
 * `^([0-9]+(\.[0-9]+)?(s|m|h))+$` (no `ms`, no days), a subset of Go's time.ParseDuration.
 */

const DURATION_PATTERN = /^([0-9]+(\.[0-9]+)?(s|m|h))+$/;
const PART = /([0-9]+(?:\.[0-9]+)?)(s|m|h)/g;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000 } as const;

export function isDuration(text: string): boolean {
  return DURATION_PATTERN.test(text);
}

/** Milliseconds in a Kargo duration, or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  if (!isDuration(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(PART)) {
    total += Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  return Math.round(total);
}
