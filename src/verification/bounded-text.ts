/**
 * Bounds text stored in a run's status, which is persisted after every measurement: messages,
 * measurement values and job logs. Limits are in UTF-8 bytes, as the store counts them.
 */

const ELLIPSIS = '…';

/** The start of `text`, at most `maxBytes` bytes, ending with `…` when something was cut. */
export function boundHead(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const room = maxBytes - Buffer.byteLength(ELLIPSIS);
  // Cutting a byte buffer may split a character; drop the partial one.
  return (
    Buffer.from(text)
      .subarray(0, room)
      .toString()
      .replace(/\uFFFD$/, '') + ELLIPSIS
  );
}

/** The end of `text`, at most `maxBytes` bytes, starting with `…` when something was cut. */
export function boundTail(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  const room = maxBytes - Buffer.byteLength(ELLIPSIS);
  const buffer = Buffer.from(text);
  return (
    ELLIPSIS +
    buffer
      .subarray(buffer.length - room)
      .toString()
      .replace(/^\uFFFD/, '')
  );
}
