/**
 * Go's time.ParseDuration, which Argo Rollouts uses for `interval` and `initialDelay`:
 * a sequence of decimal numbers with units ns, us (or µs), ms, s, m, h, e.g. `1h30m`, `1.5s`,
 * `300ms`, or a bare `0`. Signs are not accepted (the template schema refuses them too).
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
};
const WHOLE = /^(?:0|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|ms|s|m|h))+$/;
const PART = /([0-9]*\.?[0-9]*)(ns|us|µs|ms|s|m|h)/g;

/** Milliseconds (rounded) in a Go duration, or undefined when the text is not one. */
export function parseGoDuration(text: string): number | undefined {
  if (!WHOLE.test(text)) return undefined;
  if (text === '0') return 0;
  let total = 0;
  for (const match of text.matchAll(PART)) total += Number(match[1]) * UNIT_MS[match[2]!]!;
  return Math.round(total);
}
