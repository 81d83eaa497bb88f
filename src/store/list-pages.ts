import { matchesSelector, type LabelSelector } from '../api/label-selector.js';
import { inputError } from '../errors.js';
import type { ObjectCache } from './object-cache.js';
import type { ListJsonResult, ListOptions, ListResult } from './store.js';

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
      isKeyPart(parsed[0]) &&
      isKeyPart(parsed[1])
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

/** What a namespace or name in a token we issued can be: no store ever sees anything else. */
function isKeyPart(value: unknown): value is string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return typeof value === 'string' && value.length <= 253 && !/[\u0000-\u001f\u007f]/.test(value);
}

/** Largest page the store reads at once while filtering by label. */
export const SCAN_CHUNK = 500;

/** One row as both stores read it for listing. */
export interface ListRow {
  namespace: string;
  name: string;
  /** The row's resourceVersion (a number from SQLite, a string from PostgreSQL's bigint). */
  rv: number | string;
  /** Labels as JSON text (SQLite) or already parsed (PostgreSQL jsonb). */
  labels: string | Record<string, string>;
  body: string;
}

/**
 * Collects one page of a keyset scan, shared by the stores so they page, filter and issue
 * continue tokens identically. Backends fetch `chunk` rows after `cursor`, in (namespace,
 * name) order, and `add` them until it says the page is full.
 */
export class PageBuilder {
  readonly chunk: number;
  cursor: PageCursor;
  readonly #limit: number;
  readonly #selector: LabelSelector;
  readonly #items: string[] = [];
  readonly #versions: string[] = [];
  readonly #names: PageCursor[] = [];
  #last: PageCursor;
  #continue: string | undefined;

  constructor(options: ListOptions) {
    this.#limit = options.limit && options.limit > 0 ? options.limit : Infinity;
    this.#selector = options.labelSelector ?? [];
    // Names are never empty, so ('', '') sorts before every key.
    this.cursor = options.continue ? decodeContinue(options.continue) : { namespace: '', name: '' };
    this.#last = this.cursor;
    this.chunk =
      this.#selector.length > 0 ? SCAN_CHUNK : this.#limit === Infinity ? 5_000 : this.#limit + 1;
  }

  /** Takes the next row; true when the page is complete and more rows exist. */
  add(row: ListRow): boolean {
    if (this.#items.length === this.#limit) {
      this.#continue = encodeContinue(this.#last);
      return true;
    }
    this.cursor = { namespace: row.namespace, name: row.name };
    if (this.#selector.length > 0) {
      const labels =
        typeof row.labels === 'string'
          ? (JSON.parse(row.labels) as Record<string, string>)
          : row.labels;
      if (!matchesSelector(this.#selector, labels)) return false;
    }
    this.#items.push(row.body);
    this.#versions.push(String(row.rv));
    this.#names.push(this.cursor);
    this.#last = this.cursor;
    return false;
  }

  /**
   * The page with parsed objects, through `cache` (unchanged objects are not parsed again).
   * A backend that scanned without bodies (`body: ''`) passes `load`, which reads the body of
   * an object the cache does not hold at its version, in the scan's read transaction.
   */
  parsedResult(
    resourceVersion: string,
    kind: string,
    cache: ObjectCache,
    load?: (namespace: string, name: string) => string,
  ): ListResult {
    const items = this.#items.map((body, i) => {
      const { namespace, name } = this.#names[i]!;
      const key = cacheKey(kind, namespace, name);
      const version = this.#versions[i]!;
      if (!load) return cache.parse(key, version, body);
      return cache.peek(key, version) ?? cache.parse(key, version, load(namespace, name));
    });
    return { items, resourceVersion, ...(this.#continue ? { continue: this.#continue } : {}) };
  }

  result(resourceVersion: string): ListJsonResult {
    return {
      items: this.#items,
      resourceVersion,
      ...(this.#continue ? { continue: this.#continue } : {}),
    };
  }
}

/** The object cache's key for one object. */
export function cacheKey(kind: string, namespace: string, name: string): string {
  return `${kind}\u0000${namespace}\u0000${name}`;
}
