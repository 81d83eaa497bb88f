import type { Context } from 'hono';

/**
 * Admission warnings as the Kubernetes API sends them: one `Warning: 299 - "text"` header per
 * warning (RFC 7234's warn-code 299, "miscellaneous persistent warning"; no agent). Quotes and
 * backslashes are escaped; characters a header cannot carry become `?`.
 */
export function addWarningHeaders(c: Context, warnings: readonly string[]): void {
  for (const warning of warnings) {
    const quoted = warning.replace(/[\\"]/g, (ch) => `\\${ch}`).replace(/[^\x20-\x7e]/g, '?');
    c.header('Warning', `299 - "${quoted}"`, { append: true });
  }
}
