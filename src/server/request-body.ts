import type { Context } from 'hono';
import { INPUT_LIMITS } from '../api/input-limits.js';
import { parseJsonText } from '../api/json-text.js';
import { parseManifestStream } from '../api/manifest-yaml.js';
import { inputError } from '../errors.js';

/**
 * The request body as text. Invalid UTF-8 is refused rather than silently replaced, so what
 * is stored is what was sent. (Its size was bounded by the body limit before any of it was read.)
 */
export async function readBodyText(c: Context): Promise<string> {
  const bytes = await c.req.arrayBuffer();
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw inputError('the request body is not valid UTF-8 text');
  }
}

/** The request body as JSON, or an input error saying why it is not. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await readBodyText(c);
  if (text.trim() === '') throw inputError('the request has no body: send a JSON object');
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw inputError(`the request body is not valid JSON: ${parsed.message}`);
  return parsed.value;
}

/** `application/yaml` and the other names YAML goes by (`text/yaml`, `application/x-yaml`, …). */
const YAML_MEDIA_TYPE = /^(application|text)\/(x-)?yaml$|^application\/[^;\s]+\+yaml$/;

/**
 * The documents of a multi-document request: a JSON `{"items": […]}` (or a single object), or,
 * with a YAML content type, a YAML stream as `gantry apply -f` reads it. At most
 * `INPUT_LIMITS.maxDocuments` of them.
 */
export async function readDocuments(c: Context): Promise<unknown[]> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (YAML_MEDIA_TYPE.test(mediaType)) {
    const parsed = parseManifestStream(await readBodyText(c));
    if (!parsed.ok) {
      const first = parsed.problems[0]!;
      const verdict = first.kind === 'syntax' ? 'malformed' : 'refused';
      throw inputError(
        `the YAML body is ${verdict} at line ${first.line}, column ${first.column}: ${first.message}`,
        parsed.problems.map((p) => ({
          path: '',
          message: `line ${p.line}, column ${p.column}: ${p.message}`,
        })),
      );
    }
    return parsed.documents.map((doc) => doc.value);
  }
  const body = await readJsonBody(c);
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'items' in body) {
    const items: unknown = body.items;
    if (!Array.isArray(items))
      throw inputError('items: must be a list of objects', [
        { path: 'items', message: 'must be a list' },
      ]);
    if (items.length > INPUT_LIMITS.maxDocuments) {
      throw inputError(
        `items: ${items.length} documents; ${INPUT_LIMITS.maxDocuments} is the most one request may hold (send several requests)`,
        [{ path: 'items', message: `at most ${INPUT_LIMITS.maxDocuments} documents` }],
      );
    }
    return items as unknown[];
  }
  return [body];
}

export function booleanQuery(c: Context, name: string): boolean {
  const value = c.req.query(name);
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw inputError(`query parameter ${name} must be true or false, got "${value}"`, [
    { path: name, message: 'must be true or false' },
  ]);
}
