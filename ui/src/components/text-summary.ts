/** A message as one line for a summary, and whether anything was left out of that line. */
export interface TextSummary {
  /** The first line, cut at `max` characters (with `…` when cut). */
  line: string;
  /** True when the full text says more than `line`: more lines, or a longer first line. */
  truncated: boolean;
}

/**
 * The one-line summary of a message that may span many lines (a step's error, a registry's
 * answer): its first non-empty line, cut at `max` characters. The full text stays available
 * to expand; `truncated` says whether expanding would show more.
 */
export function summaryOf(text: string, max = 160): TextSummary {
  const trimmed = text.trim();
  const lines = trimmed.split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== '') ?? '';
  const cut = first.length > max;
  const line = cut ? `${first.slice(0, max - 1).trimEnd()}…` : first;
  return { line, truncated: cut || lines.filter((l) => l.trim() !== '').length > 1 };
}
