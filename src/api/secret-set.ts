import { REDACTED, redactUrl } from './redact-url.js';

/**
 * Values shorter than this are not masked: masking `ab` would hide half of every message and
 * protect nothing (GitHub Actions ignores very short secrets for the same reason).
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * Keys of a Kargo credentials Secret that hold addresses, not secrets: masking a repository
 * URL everywhere it appears (commit URLs, Freight) would hide what a promotion did.
 */
const ADDRESS_KEYS = new Set(['repoURL', 'repoURLIsRegex']);

/** The values of a Secret's decoded data that are secret (all but its repository address). */
export function secretDataValues(data: Record<string, string>): string[] {
  return Object.entries(data)
    .filter(([key]) => !ADDRESS_KEYS.has(key))
    .map(([, value]) => value);
}

/**
 * The secret values one unit of work (a Promotion, an expression request) has seen, and the
 * one function that masks them — as CI systems mask secrets: every registered value, and its
 * JSON-escaped, base64, base64url and URL-encoded spellings (each line of a multi-line value
 * too), becomes `***` in anything the work writes out. URLs also lose their credentials
 * (`redactUrl`). Values shorter than MIN_SECRET_LENGTH are ignored.
 *
 * What masking cannot do: hide a value transformed in other ways (reversed, split into
 * characters, hashed, embedded inside a longer base64 text). It stops accidents and casual
 * reading, not a step author who sets out to leak a secret they can already read.
 */
export class SecretSet {
  readonly #spellings = new Set<string>();
  #pattern: RegExp | undefined;
  #stale = false;

  constructor(values: Iterable<string> = []) {
    this.addAll(values);
  }

  /** Registers a secret value (and its encodings); short values are ignored. */
  add(value: string): void {
    for (const spelling of spellingsOf(value)) {
      if (this.#spellings.has(spelling)) continue;
      this.#spellings.add(spelling);
      this.#stale = true;
    }
  }

  addAll(values: Iterable<string>): void {
    for (const value of values) this.add(value);
  }

  /** How many spellings are masked (for tests and diagnostics). */
  get size(): number {
    return this.#spellings.size;
  }

  /** The text with every registered value and every URL credential replaced by `***`. */
  maskText(text: string): string {
    const pattern = this.#regex();
    return redactUrl(pattern ? text.replace(pattern, REDACTED) : text);
  }

  /**
   * A copy of JSON-like data (a status, an output, a log entry) with `maskText` applied to
   * every string, every object key, and every number whose digits spell a secret.
   */
  mask<T>(value: T): T {
    return this.#maskValue(value) as T;
  }

  #maskValue(value: unknown): unknown {
    if (typeof value === 'string') return this.maskText(value);
    if (typeof value === 'number' || typeof value === 'bigint') {
      const text = String(value);
      const masked = this.maskText(text);
      return masked === text ? value : masked;
    }
    if (Array.isArray(value)) return value.map((item) => this.#maskValue(item));
    if (value !== null && typeof value === 'object' && isPlain(value)) {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [this.maskText(key), this.#maskValue(item)]),
      );
    }
    return value;
  }

  #regex(): RegExp | undefined {
    if (this.#stale) {
      this.#stale = false;
      // Longest first: a secret containing another is masked whole, not left half visible.
      const sorted = [...this.#spellings].sort((a, b) => b.length - a.length);
      this.#pattern =
        sorted.length === 0 ? undefined : new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
    }
    return this.#pattern;
  }
}

function spellingsOf(value: string): string[] {
  if (value.length < MIN_SECRET_LENGTH) return [];
  const lines = value.includes('\n')
    ? value
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length >= MIN_SECRET_LENGTH)
    : [];
  const bytes = Buffer.from(value, 'utf8');
  const base64 = bytes.toString('base64');
  const forms = [
    value,
    JSON.stringify(value).slice(1, -1),
    base64,
    base64.replace(/=+$/, ''),
    bytes.toString('base64url'),
    encodeURIComponent(value),
    encodeURIComponent(value).replace(/%20/g, '+'),
    ...lines,
    ...lines.map((line) => JSON.stringify(line).slice(1, -1)),
  ];
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
