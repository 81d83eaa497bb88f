import { inputError } from '../errors.js';

/** `{{args.name}}`, with optional whitespace inside the braces, as Rollouts resolves them. */
const ARG_REFERENCE = /\{\{\s*args\.([^{}\s]+)\s*\}\}/g;

/**
 * Replaces `{{args.name}}` in every string inside `value` (recursively through arrays and
 * objects), the way Rollouts resolves arguments in a metric before measuring it. Other
 * `{{…}}` text is left alone. A reference to an argument that does not exist is an input
 * error naming it, so a typo is reported instead of sent to a provider.
 */
export function substituteArgs<T>(value: T, args: ReadonlyMap<string, string>, where: string): T {
  return walk(value, args, where) as T;
}

function walk(value: unknown, args: ReadonlyMap<string, string>, where: string): unknown {
  if (typeof value === 'string') {
    return value.replace(ARG_REFERENCE, (_, name: string) => {
      const resolved = args.get(name);
      if (resolved === undefined)
        throw inputError(`${where}: argument "${name}" is not declared by the template`);
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((item) => walk(item, args, where));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, walk(item, args, where)]),
    );
  }
  return value;
}
