/** Names as `localeCompare` orders them (the same collation), without its cost per call. */
const collate = new Intl.Collator().compare;

/**
 * Kubernetes names (lowercase letters, digits, '-' and '.') collate as their code units do
 * ('-' < '.' < digits < letters in both), so most comparisons need no collator at all.
 */
const PLAIN_NAME = /^[a-z0-9.-]*$/;

/** Code-unit order (also SQLite's default BINARY collation, what `ORDER BY name` gives). */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether code-unit order is `localeCompare`'s order for this name. */
function isPlainName(name: string): boolean {
  return PLAIN_NAME.test(name);
}

/** Compares two names as `a.localeCompare(b)` does, by code units when both are plain names. */
export function compareNames(a: string, b: string): number {
  return isPlainName(a) && isPlainName(b) ? byCodeUnits(a, b) : collate(a, b);
}

/** `compareNames` itself when some name is not plain, else the cheaper code-unit order. */
export function nameOrderFor(names: Iterable<string>): (a: string, b: string) => number {
  for (const name of names) if (!isPlainName(name)) return collate;
  return byCodeUnits;
}
