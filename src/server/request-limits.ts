import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { describeBytes } from '../api/input-limits.js';
import { inputError, tooLargeError, type GantryError } from '../errors.js';

/** The body limit when none is configured: the default of `--max-body-size`. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** The largest page a list answers; more objects are read by following `continue`. */
export const MAX_LIST_LIMIT = 10_000;

/** Longer than any real selector (a hundred `app in (…)` values of 63 characters each). */
export const MAX_LABEL_SELECTOR_LENGTH = 8 * 1024;

/** Our continue tokens are a few hundred characters at most. */
const MAX_CONTINUE_LENGTH = 2 * 1024;

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * The checks every request passes before any route sees it, so that no request can make the
 * server buffer more than the operator allows or hand a malformed value to a route:
 *
 * - the body is at most `maxBodyBytes` (413, naming the limit and the flag that sets it),
 *   whether or not the client sent a Content-Length;
 * - the URL's path and query are valid percent-encoded UTF-8 without control characters
 *   (hono would otherwise pass malformed escapes through undecoded);
 * - on `/v1/`, the query parameters shared by lists and watches are well-formed: `limit`
 *   (1 to `MAX_LIST_LIMIT`), `resourceVersion` and `Last-Event-ID` (version numbers),
 *   `labelSelector` and `continue` (bounded lengths). Routes parse them further.
 */
export function requestLimits(options: { maxBodyBytes: number }): MiddlewareHandler {
  const { maxBodyBytes } = options;
  const body = bodyLimit({
    maxSize: maxBodyBytes,
    onError: () => {
      throw bodyTooLargeError(maxBodyBytes);
    },
  });
  return async (c, next) => {
    checkUrl(c.req.url);
    if (c.req.path.startsWith('/v1/')) checkListParameters(c);
    // A GET or HEAD has no body here (the Node adapter gives them none), and asking for one
    // builds the whole Fetch Request: most of the cost of a probe (issue 17).
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    return body(c, next);
  };
}

/** The 413 for a body over the limit: the limit, and how the operator raises it. */
export function bodyTooLargeError(maxBodyBytes: number): GantryError {
  return tooLargeError(
    `the request body is larger than ${maxBodyBytes} bytes (${describeBytes(maxBodyBytes)}), this server's limit: send less, or start the server with a larger --max-body-size`,
  );
}

function checkUrl(url: string): void {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return;
  const hash = url.indexOf('#', start);
  const end = hash < 0 ? url.length : hash;
  const question = url.indexOf('?', start);
  const path = url.slice(start, question >= 0 && question < end ? question : end);
  checkDecodes(path, 'the URL path', decodeURI);
  if (question < 0 || question >= end) return;
  for (const pair of url.slice(question + 1, end).split('&')) {
    const equals = pair.indexOf('=');
    const name = equals < 0 ? pair : pair.slice(0, equals);
    const decodedName = checkDecodes(name, 'a query parameter name', decodeQuery);
    if (equals >= 0)
      checkDecodes(pair.slice(equals + 1), `query parameter ${quoted(decodedName)}`, decodeQuery);
  }
}

function checkDecodes(text: string, what: string, decode: (text: string) => string): string {
  let decoded = text;
  if (text.includes('%')) {
    try {
      decoded = decode(text);
    } catch {
      throw inputError(
        `${what} is not valid percent-encoding of UTF-8 text (${quoted(text)}): escape "%" as %25`,
      );
    }
  }
  if (CONTROL_CHARACTER.test(decoded))
    throw inputError(`${what} contains a control character (such as NUL or a line break)`);
  return decoded;
}

function decodeQuery(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

function checkListParameters(c: Context): void {
  const limit = c.req.query('limit');
  if (limit !== undefined && limit !== '') {
    const value = /^\d{1,6}$/.test(limit) ? Number(limit) : NaN;
    if (!(value >= 1 && value <= MAX_LIST_LIMIT)) {
      throw inputError(
        `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}, got ${quoted(limit)}; follow "continue" for more`,
        [{ path: 'limit', message: `must be a whole number from 1 to ${MAX_LIST_LIMIT}` }],
      );
    }
  }
  checkVersion(c.req.query('resourceVersion'), 'resourceVersion');
  checkVersion(c.req.header('last-event-id'), 'the Last-Event-ID header');
  const selector = c.req.query('labelSelector');
  if (selector !== undefined && selector.length > MAX_LABEL_SELECTOR_LENGTH) {
    throw inputError(
      `labelSelector is ${selector.length} characters long; at most ${MAX_LABEL_SELECTOR_LENGTH} are accepted`,
      [{ path: 'labelSelector', message: `at most ${MAX_LABEL_SELECTOR_LENGTH} characters` }],
    );
  }
  const token = c.req.query('continue');
  if (token !== undefined && token.length > MAX_CONTINUE_LENGTH) {
    throw inputError(`continue token is not one this server issued (it is far too long)`, [
      { path: 'continue', message: 'not a valid continue token' },
    ]);
  }
}

function checkVersion(value: string | undefined, what: string): void {
  if (value === undefined || value === '') return;
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw inputError(
      `${what} must be a version number (a whole number such as 42), got ${quoted(value)}`,
      [{ path: 'resourceVersion', message: 'must be a whole number' }],
    );
  }
}

/** A value as quoted in a message, cut short: messages stay one readable line. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}
