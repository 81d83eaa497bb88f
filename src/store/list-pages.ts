import { inputError } from '../errors.js';

/**
 * Continue tokens for keyset pagination: the (namespace, name) of the last item of a page.
 * Opaque to clients; stable under concurrent writes (an object never appears twice, and one
 * that existed through the whole listing is never skipped).
 */
export interface PageCursor {
  namespace: string;
  name: string;
}

export function encodeContinue(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.namespace, cursor.name])).toString('base64url');
}

export function decodeContinue(token: string): PageCursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      Array.isArray(parsed) &&
      parsed.length === 2 &&
      typeof parsed[0] === 'string' &&
      typeof parsed[1] === 'string'
    ) {
      return { namespace: parsed[0], name: parsed[1] };
    }
  } catch {
    // fall through to the input error below
  }
  throw inputError(`continue token "${token}" is not one this server issued`, [
    { path: 'continue', message: 'not a valid continue token' },
  ]);
}

/** Largest page the store reads at once while filtering by label. */
export const SCAN_CHUNK = 500;
