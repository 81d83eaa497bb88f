import type { ExprFunction } from '../evaluator.js';
import { stringify } from '../values.js';
import { arity, int, str } from './arguments.js';

/** expr-lang's string builtins. */
export const stringFunctions: Record<string, ExprFunction> = {
  upper: (args) => (arity(args, 1), str(args[0], 1).toUpperCase()),
  lower: (args) => (arity(args, 1), str(args[0], 1).toLowerCase()),
  trim: (args) => {
    arity(args, 1, 2);
    const text = str(args[0], 1);
    if (args.length === 1) return text.trim();
    const chars = new Set(str(args[1], 2));
    let start = 0;
    let end = text.length;
    while (start < end && chars.has(text[start]!)) start++;
    while (end > start && chars.has(text[end - 1]!)) end--;
    return text.slice(start, end);
  },
  trimPrefix: (args) => {
    arity(args, 2);
    const [text, prefix] = [str(args[0], 1), str(args[1], 2)];
    return text.startsWith(prefix) ? text.slice(prefix.length) : text;
  },
  trimSuffix: (args) => {
    arity(args, 2);
    const [text, suffix] = [str(args[0], 1), str(args[1], 2)];
    return suffix !== '' && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;
  },
  split: (args) => {
    arity(args, 2, 3);
    const [text, separator] = [str(args[0], 1), str(args[1], 2)];
    const parts = text.split(separator);
    if (args.length === 2) return parts;
    const n = int(args[2], 3);
    if (n < 0 || parts.length <= n) return parts;
    return [...parts.slice(0, n - 1), parts.slice(n - 1).join(separator)];
  },
  splitAfter: (args) => {
    arity(args, 2);
    const [text, separator] = [str(args[0], 1), str(args[1], 2)];
    const parts = text.split(separator);
    return parts.map((part, i) => (i < parts.length - 1 ? part + separator : part));
  },
  replace: (args) => {
    arity(args, 3);
    return str(args[0], 1).split(str(args[1], 2)).join(str(args[2], 3));
  },
  repeat: (args, call) => {
    arity(args, 2);
    const [text, n] = [str(args[0], 1), int(args[1], 2)];
    if (n < 0) throw new Error('the count must not be negative');
    if (text.length * n > 1_000_000) throw new Error('the result would be too long');
    call.tick(n);
    return text.repeat(n);
  },
  indexOf: (args) => (arity(args, 2), str(args[0], 1).indexOf(str(args[1], 2))),
  lastIndexOf: (args) => (arity(args, 2), str(args[0], 1).lastIndexOf(str(args[1], 2))),
  hasPrefix: (args) => (arity(args, 2), str(args[0], 1).startsWith(str(args[1], 2))),
  hasSuffix: (args) => (arity(args, 2), str(args[0], 1).endsWith(str(args[1], 2))),
  string: (args) => (arity(args, 1), stringify(args[0])),
};
