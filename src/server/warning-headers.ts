import type { Context } from 'hono';

/** What the `Warning` headers of one answer may carry, as the Kubernetes API limits them. */
const MAX_WARNING_LENGTH = 256;
const MAX_WARNING_BYTES = 4096;

/**
 * Admission warnings as the Kubernetes API sends them: one `Warning: 299 - "text"` header per
 * warning (RFC 7234's warn-code 299, "miscellaneous persistent warning"; no agent). Quotes and
 * backslashes are escaped; characters a header cannot carry become `?`.
 *
 * Headers are small by nature (clients refuse an answer whose headers pass 16 KB): each warning
 * is cut to 256 characters and the headers stop at 4 KB, the last one saying how many were left
 * out. Answers that list warnings in their body (a batch's `warnings`) keep them all there.
 */
export function addWarningHeaders(c: Context, warnings: readonly string[]): void {
  let bytes = 0;
  for (const [index, warning] of warnings.entries()) {
    const text =
      warning.length > MAX_WARNING_LENGTH
        ? `${warning.slice(0, MAX_WARNING_LENGTH - 3)}...`
        : warning;
    const value = headerValue(text);
    if (bytes + value.length > MAX_WARNING_BYTES) {
      const left = warnings.length - index;
      c.header('Warning', headerValue(`${left} more warning${left === 1 ? '' : 's'} not shown`), {
        append: true,
      });
      return;
    }
    bytes += value.length;
    c.header('Warning', value, { append: true });
  }
}

function headerValue(text: string): string {
  const quoted = text.replace(/[\\"]/g, (ch) => `\\${ch}`).replace(/[^\x20-\x7e]/g, '?');
  return `299 - "${quoted}"`;
}
