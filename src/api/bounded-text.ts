/**
 * Bounds on text the server stores or logs on its own behalf — status messages, conditions,
 * step outputs, promotion logs, verification results — so that no step, command or remote
 * server can make an object too large to store or a log too large to keep (Kargo wedged a
 * Stage with a 32 KB error, akuity/kargo#6147). Limits are in UTF-8 bytes, as stores count
 * them, and follow Kubernetes' figures where it has one. docs/promotions.md lists them.
 */
export const TEXT_LIMITS = {
  /**
   * One message (a step's, a Promotion's, a condition's, a health or verification message):
   * Kubernetes keeps an Event's message and a condition's message to a few KiB.
   */
  maxMessageBytes: 4 * 1024,
  /** One line of a promotion log. */
  maxLogLineBytes: 16 * 1024,
  /** The start of a promotion's log kept whatever follows (what it set out to do). */
  logHeadBytes: 1024 * 1024,
  /** One segment of a log's recent end; the oldest segments are dropped beyond `logTailSegments`. */
  logSegmentBytes: 1024 * 1024,
  /** Segments of the recent end kept: a log holds at most ~5 MiB (head and 4 segments). */
  logTailSegments: 4,
  /**
   * All step outputs of one Promotion (`status.state`), serialised: a step whose output would
   * take them past this fails instead, as an object's whole status should stay well under the
   * 1.5 MiB a stored object may have (`INPUT_LIMITS.maxObjectBytes`).
   */
  maxStepOutputsBytes: 256 * 1024,
} as const;

const ELLIPSIS = '…';

/** Whether `text` fits in `maxBytes` bytes of UTF-8, without encoding short strings. */
function fits(text: string, maxBytes: number): boolean {
  // UTF-8 takes at most 3 bytes per UTF-16 unit.
  return text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes;
}

/** The largest `end <= at` that does not fall inside a UTF-8 sequence of `buffer`. */
function charStart(buffer: Buffer, at: number): number {
  let index = Math.max(0, Math.min(at, buffer.length));
  while (index > 0 && index < buffer.length && (buffer[index]! & 0xc0) === 0x80) index--;
  return index;
}

/** The smallest `start >= at` that does not fall inside a UTF-8 sequence of `buffer`. */
function charEnd(buffer: Buffer, at: number): number {
  let index = Math.max(0, Math.min(at, buffer.length));
  while (index < buffer.length && (buffer[index]! & 0xc0) === 0x80) index++;
  return index;
}

/** The start of `text`, at most `maxBytes` bytes, ending with `…` when something was cut. */
export function boundHead(text: string, maxBytes: number): string {
  if (fits(text, maxBytes)) return text;
  const buffer = Buffer.from(text);
  const room = Math.max(0, maxBytes - Buffer.byteLength(ELLIPSIS));
  return buffer.subarray(0, charStart(buffer, room)).toString() + ELLIPSIS;
}

/** The end of `text`, at most `maxBytes` bytes, starting with `…` when something was cut. */
export function boundTail(text: string, maxBytes: number): string {
  if (fits(text, maxBytes)) return text;
  const buffer = Buffer.from(text);
  const room = Math.max(0, maxBytes - Buffer.byteLength(ELLIPSIS));
  return ELLIPSIS + buffer.subarray(charEnd(buffer, buffer.length - room)).toString();
}

/** What replaces the middle of a text: `… [12,345 bytes cut] …`. */
export function cutMarker(bytes: number): string {
  return `${ELLIPSIS} [${bytes.toLocaleString('en-US')} bytes cut] ${ELLIPSIS}`;
}

/**
 * `text` in at most `maxBytes` bytes, keeping its head and its tail (an error's cause and its
 * last words are usually at the ends) and saying how much of the middle was cut:
 * `first part… [12,345 bytes cut] …last part`.
 */
export function boundMiddle(text: string, maxBytes: number): string {
  if (fits(text, maxBytes)) return text;
  const buffer = Buffer.from(text);
  // The marker is sized for the largest number it could carry, so the result always fits.
  const room = maxBytes - Buffer.byteLength(cutMarker(buffer.length));
  if (room < 2) return boundHead(text, maxBytes);
  const headEnd = charStart(buffer, Math.ceil(room / 2));
  const tailStart = charEnd(buffer, buffer.length - Math.floor(room / 2));
  return (
    buffer.subarray(0, headEnd).toString() +
    cutMarker(tailStart - headEnd) +
    buffer.subarray(tailStart).toString()
  );
}

/** A message bounded to `TEXT_LIMITS.maxMessageBytes`, head and tail kept. */
export function boundMessage(text: string): string {
  return boundMiddle(text, TEXT_LIMITS.maxMessageBytes);
}

/** The keys whose string values are messages wherever they appear in a status. */
const MESSAGE_KEYS = new Set(['message', 'Message', 'error', 'reason']);

/**
 * A status with every message in it bounded (`message` fields at any depth: the status's own,
 * its conditions', step metadata, health and verification records). A Promotion's `state`
 * (step outputs, data later steps read) is left alone: the engine bounds it as a whole and
 * fails the step that would overflow it. Returns `status` itself when nothing needed cutting,
 * so an unchanged status stays unchanged (and is not copied).
 */
export function boundStatusMessages<T>(status: T): T {
  if (status === null || typeof status !== 'object' || Array.isArray(status)) return status;
  const { state, ...rest } = status as Record<string, unknown>;
  const bounded = boundIn(rest, 0);
  if (bounded === rest) return status;
  return (state === undefined ? bounded : { ...(bounded as object), state }) as T;
}

function boundIn(value: unknown, depth: number): unknown {
  if (depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let copy: unknown[] | undefined;
    for (let index = 0; index < items.length; index++) {
      const item = items[index];
      const bounded = boundIn(item, depth + 1);
      if (bounded !== item) (copy ??= [...items])[index] = bounded;
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const bounded =
      typeof item === 'string'
        ? MESSAGE_KEYS.has(key)
          ? boundMessage(item)
          : item
        : boundIn(item, depth + 1);
    if (bounded !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = bounded;
  }
  return copy ?? value;
}
