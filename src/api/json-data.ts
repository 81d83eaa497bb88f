import { formatFieldPath } from './field-path.js';
import { INPUT_LIMITS, describeBytes } from './input-limits.js';

export interface JsonDataLimits {
  /** Objects and lists nested at most this deep. */
  maxDepth: number;
  /** The copy's size, estimated as serialised JSON, at most this many bytes. */
  maxBytes: number;
}

export type JsonData = { ok: true; value: unknown } | { ok: false; path: string; message: string };

const DEFAULT_LIMITS: JsonDataLimits = {
  maxDepth: INPUT_LIMITS.maxNestingDepth,
  maxBytes: INPUT_LIMITS.maxObjectBytes,
};

/**
 * A fresh copy of a parsed YAML value as plain JSON data, or the first reason it cannot be.
 * YAML can say more than JSON: aliases share (or, through merge keys, even cycle back to) one
 * node, and tags make dates, binary, sets, maps with collection keys and infinities. The
 * copy expands aliases within `maxBytes`, so a document cannot grow past what could be stored;
 * refuses cycles (they nest without end) and depth beyond `maxDepth`; turns dates into RFC 3339
 * strings, binary into base64 and scalar map keys into strings (as Kubernetes' YAML-to-JSON
 * conversion does); and refuses what has no JSON form. Iterative: no input can overflow the
 * stack here. Maps come from `toJS({ mapAsMap: true })`; plain objects are accepted too.
 */
export function toJsonData(value: unknown, limits: JsonDataLimits = DEFAULT_LIMITS): JsonData {
  const root: { value?: unknown } = {};
  const pending: Task[] = [{ value, holder: root, key: 'value', depth: 0, parent: undefined }];
  let bytes = 0;
  while (pending.length > 0) {
    const task = pending.pop()!;
    const fail = (message: string): JsonData => ({ ok: false, path: pathOf(task), message });
    const converted = scalarOf(task.value);
    if (converted !== NOT_SCALAR) {
      if (converted instanceof Refusal) return fail(converted.message);
      bytes += typeof converted === 'string' ? converted.length + 2 : 8;
      if (bytes > limits.maxBytes) return fail(tooBig(limits.maxBytes));
      place(task, converted);
      continue;
    }
    const depth = task.depth + 1;
    if (depth > limits.maxDepth) {
      return fail(
        `objects and lists are nested more than ${limits.maxDepth} levels deep (or an alias refers to a node that contains it); ${limits.maxDepth} is the limit`,
      );
    }
    bytes += 2;
    if (Array.isArray(task.value)) {
      const out: unknown[] = new Array<unknown>(task.value.length);
      place(task, out);
      for (let i = task.value.length - 1; i >= 0; i--)
        pending.push({ value: task.value[i], holder: out, key: i, depth, parent: task });
      continue;
    }
    const entries = entriesOf(task.value);
    if (entries instanceof Refusal) return fail(entries.message);
    const out: Record<string, unknown> = {};
    place(task, out);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (Object.hasOwn(out, key)) return fail(`the key "${key}" appears twice`);
      // Claimed now so a duplicate is seen; the child's task fills it in.
      place({ holder: out, key }, null);
      bytes += key.length + 3;
      pending.push({ value: child, holder: out, key, depth, parent: task });
    }
    if (bytes > limits.maxBytes) return fail(tooBig(limits.maxBytes));
  }
  return { ok: true, value: root.value };
}

interface Task {
  value: unknown;
  holder: Record<string, unknown> | unknown[];
  key: string | number;
  depth: number;
  parent: Task | undefined;
}

class Refusal {
  constructor(readonly message: string) {}
}

const NOT_SCALAR = Symbol('not a scalar');

/** The JSON form of a scalar, a Refusal, or NOT_SCALAR for collections. */
function scalarOf(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value)
        ? value
        : new Refusal(`${String(value)} is not a JSON number (.inf and .nan have no JSON form)`);
    case 'bigint':
      return new Refusal('an integer this large has no exact JSON form: quote it');
    case 'object':
      break;
    default:
      return new Refusal(`a ${typeof value} is not JSON data`);
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime())
      ? new Refusal('not a valid timestamp')
      : value.toISOString();
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Set) return new Refusal('a YAML !!set has no JSON form: use a list');
  return NOT_SCALAR;
}

function entriesOf(value: unknown): Array<[string, unknown]> | Refusal {
  if (value instanceof Map) {
    const entries: Array<[string, unknown]> = [];
    for (const [key, child] of value) {
      if (key !== null && typeof key === 'object') {
        return new Refusal('a mapping key must be a string, number or boolean, not a collection');
      }
      entries.push([String(key), child]);
    }
    return entries;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    return new Refusal('this value has no JSON form');
  }
  return Object.entries(value as Record<string, unknown>);
}

/** Sets the value as an own property, even for the key `__proto__` (never the prototype). */
function place(task: Pick<Task, 'holder' | 'key'>, value: unknown): void {
  if (task.key === '__proto__') {
    Object.defineProperty(task.holder, task.key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    (task.holder as Record<string | number, unknown>)[task.key] = value;
  }
}

function pathOf(task: Task): string {
  const keys: Array<string | number> = [];
  for (let at: Task | undefined = task; at?.parent; at = at.parent) keys.push(at.key);
  return formatFieldPath(keys.reverse());
}

function tooBig(maxBytes: number): string {
  return `the document expands to more than ${maxBytes} bytes (${describeBytes(maxBytes)}, the most one object may hold)`;
}
