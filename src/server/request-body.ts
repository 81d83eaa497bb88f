import type { Context } from 'hono';
import { parseManifestStream } from '../api/manifest-yaml.js';
import { inputError } from '../errors.js';

/** The request body as JSON, or an input error saying why it is not. */
export async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') throw inputError('the request has no body: send a JSON object');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw inputError(`the request body is not valid JSON: ${(err as Error).message}`);
  }
}

/**
 * The documents of a multi-document request: a JSON `{"items": […]}` (or a single object), or,
 * with a YAML content type, a YAML stream as `gantry apply -f` reads it.
 */
export async function readDocuments(c: Context): Promise<unknown[]> {
  const type = c.req.header('content-type') ?? '';
  if (/yaml/i.test(type)) {
    const parsed = parseManifestStream(await c.req.text());
    if (!parsed.ok) {
      const first = parsed.problems[0]!;
      throw inputError(
        `the YAML body is malformed at line ${first.line}, column ${first.column}: ${first.message}`,
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
