import type { ExprFunction } from '../evaluator.js';
import { assertString, goType, RuntimeError, toInt } from '../runtime.js';

const MAX_STRING = 1_000_000;

/** Byte offset of a UTF-8 position → as Go's strings.Index reports it (bytes, not characters). */
function byteIndex(text: string, at: number): number {
  return at < 0 ? -1 : Buffer.byteLength(text.slice(0, at), 'utf8');
}

const WHITESPACE = /^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/gu;

function trimSet(text: string, cutset: string, left: boolean, right: boolean): string {
  const set = new Set(Array.from(cutset));
  const chars = Array.from(text);
  let start = 0;
  let end = chars.length;
  while (left && start < end && set.has(chars[start]!)) start++;
  while (right && end > start && set.has(chars[end - 1]!)) end--;
  return chars.slice(start, end).join('');
}

/** Go's strings.SplitN / SplitAfterN. */
function splitN(text: string, sep: string, n: number, after: boolean): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const chars = Array.from(text);
    if (n < 0 || n > chars.length) return chars;
    return [...chars.slice(0, n - 1), chars.slice(n - 1).join('')];
  }
  const parts: string[] = [];
  let rest = text;
  while (n < 0 || parts.length < n - 1) {
    const at = rest.indexOf(sep);
    if (at < 0) break;
    parts.push(rest.slice(0, after ? at + sep.length : at));
    rest = rest.slice(at + sep.length);
  }
  parts.push(rest);
  return parts;
}

/** Go's strings.Replace (n < 0: all). */
function replaceN(text: string, old: string, replacement: string, n: number): string {
  if (n === 0 || old === replacement) return text;
  if (old === '') {
    const chars = Array.from(text);
    let out = '';
    let done = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || done < n) {
        out += replacement;
        done++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  let out = '';
  let rest = text;
  let done = 0;
  while (n < 0 || done < n) {
    const at = rest.indexOf(old);
    if (at < 0) break;
    out += rest.slice(0, at) + replacement;
    rest = rest.slice(at + old.length);
    done++;
  }
  return out + rest;
}

function args(list: unknown[], min: number, max: number): void {
  if (list.length < min)
    throw new RuntimeError(`not enough arguments (expected ${min}, got ${list.length})`);
  if (list.length > max)
    throw new RuntimeError(`too many arguments (expected ${max}, got ${list.length})`);
}

/** expr-lang's string builtins, as Go's strings package computes them. */
export const stringFunctions: Record<string, ExprFunction> = {
  upper: (a) => (args(a, 1, 1), assertString(a[0]).toUpperCase()),
  lower: (a) => (args(a, 1, 1), assertString(a[0]).toLowerCase()),
  trim: (a) => {
    args(a, 1, 2);
    const text = assertString(a[0]);
    return a.length === 1
      ? text.replace(WHITESPACE, '')
      : trimSet(text, assertString(a[1]), true, true);
  },
  trimPrefix: (a) => {
    args(a, 1, 2);
    const text = assertString(a[0]);
    const prefix = a.length > 1 ? assertString(a[1]) : ' ';
    return text.startsWith(prefix) ? text.slice(prefix.length) : text;
  },
  trimSuffix: (a) => {
    args(a, 1, 2);
    const text = assertString(a[0]);
    const suffix = a.length > 1 ? assertString(a[1]) : ' ';
    return suffix !== '' && text.endsWith(suffix) ? text.slice(0, -suffix.length) : text;
  },
  split: (a) => {
    args(a, 2, 3);
    return splitN(assertString(a[0]), assertString(a[1]), a.length > 2 ? toInt(a[2]) : -1, false);
  },
  splitAfter: (a) => {
    args(a, 2, 3);
    return splitN(assertString(a[0]), assertString(a[1]), a.length > 2 ? toInt(a[2]) : -1, true);
  },
  replace: (a) => {
    args(a, 3, 4);
    const n = a.length > 3 ? toInt(a[3]) : -1;
    const out = replaceN(assertString(a[0]), assertString(a[1]), assertString(a[2]), n);
    if (out.length > MAX_STRING) throw new RuntimeError('memory budget exceeded');
    return out;
  },
  repeat: (a, call) => {
    args(a, 2, 2);
    const text = assertString(a[0]);
    const n = toInt(a[1]);
    if (n < 0)
      throw new RuntimeError(`invalid argument for repeat (expected positive integer, got ${n})`);
    call.grow(Buffer.byteLength(text) * n);
    if (text.length * n > MAX_STRING) throw new RuntimeError('memory budget exceeded');
    call.tick(n);
    return text.repeat(n);
  },
  join: (a) => {
    args(a, 1, 2);
    const list = a[0];
    const glue = a.length > 1 ? assertString(a[1]) : '';
    if (!Array.isArray(list)) throw new RuntimeError(`cannot join ${goType(list)}`);
    return list.map((item) => assertString(item)).join(glue);
  },
  indexOf: (a) => {
    args(a, 2, 2);
    const text = assertString(a[0]);
    return byteIndex(text, text.indexOf(assertString(a[1])));
  },
  lastIndexOf: (a) => {
    args(a, 2, 2);
    const text = assertString(a[0]);
    return byteIndex(text, text.lastIndexOf(assertString(a[1])));
  },
  hasPrefix: (a) => (args(a, 2, 2), assertString(a[0]).startsWith(assertString(a[1]))),
  hasSuffix: (a) => (args(a, 2, 2), assertString(a[0]).endsWith(assertString(a[1]))),
};
