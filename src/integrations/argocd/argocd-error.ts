/**
 * A failed call to Argo CD's API server. Retryability is data on the error (Temporal style):
 * `transient` is true for network failures, timeouts, 429 and 5xx, which a caller may retry;
 * false for other 4xx (bad token, unknown app, invalid spec), which retrying cannot fix.
 * Recognised by `name` (see `isArgoCdError`), never by `instanceof`.
 *
 * The message is one line, names the Application when there is one, is at most a few hundred
 * characters whatever Argo CD answered (Kargo once got stuck storing a 32 KB error), and never
 * contains the bearer token.
 */
export class ArgoCdError extends Error {
  override readonly name = 'ArgoCdError';
  /** The HTTP status, or undefined when no response arrived (network error, timeout, abort). */
  readonly status: number | undefined;
  readonly transient: boolean;

  constructor(
    message: string,
    options: { status?: number | undefined; transient: boolean; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.transient = options.transient;
  }
}

export function isArgoCdError(err: unknown): err is ArgoCdError {
  return (
    typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ArgoCdError'
  );
}

/** Whether a response status is worth retrying: 408, 429 and every 5xx. */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Longest detail (Argo CD's message, or raw body) kept in an error message. */
export const MAX_DETAIL_CHARS = 500;

/**
 * A one-line, bounded rendering of an error body: Argo CD's `message` (or `error`) when the
 * body is its usual `{"code", "message"}` JSON, else the raw text; whitespace collapsed; cut to
 * `MAX_DETAIL_CHARS` with a note saying how much was dropped. `redact` masks secrets first.
 */
export function errorDetail(
  body: Buffer,
  truncatedAt?: number,
  redact: (text: string) => string = (text) => text,
): string {
  // Redact before cutting, so a secret split by the cut cannot survive half-visible.
  const text = redact(body.toString('utf8'));
  let detail = text;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const { message, error } = parsed as { message?: unknown; error?: unknown };
      if (typeof message === 'string' && message !== '') detail = message;
      else if (typeof error === 'string' && error !== '') detail = error;
    }
  } catch {
    // Not JSON (a proxy's HTML page, or a body cut short): the raw text is the detail.
  }
  detail = detail.replace(/\s+/g, ' ').trim();
  const bodyCut = truncatedAt !== undefined;
  if (detail.length <= MAX_DETAIL_CHARS && !bodyCut) return detail === '' ? 'no details' : detail;
  const kept = detail.slice(0, MAX_DETAIL_CHARS);
  const total = bodyCut ? `more than ${truncatedAt} bytes` : `${detail.length} characters`;
  return `${kept}… (truncated; the response held ${total})`;
}
