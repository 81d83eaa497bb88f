/** Kubernetes' RFC 3339 timestamps, to the second: `2026-11-22T10:00:00Z`. */
export function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
