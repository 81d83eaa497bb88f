import { inputError } from '../errors.js';

/**
 * The patch formats of the Kubernetes API's PATCH, as pure functions on JSON values:
 * JSON Patch (RFC 6902, `application/json-patch+json`) and JSON Merge Patch (RFC 7386,
 * `application/merge-patch+json`). Strategic merge patch is served as a merge patch (see
 * `strategicAsMergePatch`). Server-side apply (`application/apply-patch+yaml`) is not a patch
 * of this kind: server-side-apply.ts.
 *
 * Inputs are never modified; failures are input errors naming the operation and the path.
 */

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

/** The patch type of a request's Content-Type, or undefined when PATCH does not take it (415). */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  switch (mediaType) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      return undefined;
  }
}

/** The media types PATCH accepts, as kube-apiserver lists them in its 415 message. */
export const PATCH_MEDIA_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** RFC 7386 section 2: MergePatch(Target, Patch). */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete result[name];
    else result[name] = mergePatch(result[name], value);
  }
  return result;
}

/**
 * A strategic merge patch applied as a JSON merge patch. Kargo's kinds are custom resources,
 * for which kube-apiserver refuses strategic merge patch (415); Gantry accepts it because
 * `kubectl patch` defaults to it and, without patch directives, a strategic merge patch of a
 * custom resource means what a merge patch means (lists replaced whole: none of Kargo's CRD
 * lists declares a merge key for strategic merge). Directives (`$patch`, `$setElementOrder/…`,
 * `$retainKeys`, `$deleteFromPrimitiveList/…`) have no merge-patch meaning: refused.
 */
export function strategicAsMergePatch(target: unknown, patch: unknown): unknown {
  const directive = findDirective(patch, '');
  if (directive)
    throw inputError(
      `strategic merge patch directive "${directive.key}" at ${directive.path || 'the top'} is not supported: Gantry serves strategic merge patch as a JSON merge patch (send --type merge or --type json)`,
    );
  return mergePatch(target, patch);
}

function findDirective(value: unknown, path: string): { key: string; path: string } | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findDirective(item, `${path}[${index}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key.startsWith('$')) return { key, path };
    const found = findDirective(item, path ? `${path}.${key}` : key);
    if (found) return found;
  }
  return undefined;
}

export interface JsonPatchOperation {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

/**
 * RFC 6902: applies the operations in order (section 3); any failing operation fails the
 * whole patch (section 5), the target untouched.
 */
export function jsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations))
    throw inputError('a JSON patch must be a list of operations ([{"op": …, "path": …}, …])');
  let document = structuredClone(target);
  for (const [index, raw] of operations.entries()) {
    const operation = checkedOperation(raw, index);
    const where = `JSON patch operation ${index + 1} (${operation.op} ${operation.path})`;
    try {
      document = applyOperation(document, operation);
    } catch (err) {
      throw inputError(`${where}: ${(err as Error).message}`);
    }
  }
  return document;
}

function checkedOperation(raw: unknown, index: number): JsonPatchOperation {
  const where = `JSON patch operation ${index + 1}`;
  if (!isObject(raw)) throw inputError(`${where}: must be an object with "op" and "path"`);
  const { op, path, from } = raw;
  if (typeof op !== 'string') throw inputError(`${where}: "op" is required (a string)`);
  if (!['add', 'remove', 'replace', 'move', 'copy', 'test'].includes(op))
    throw inputError(
      `${where}: unknown op "${op}" (add, remove, replace, move, copy or test; RFC 6902)`,
    );
  if (typeof path !== 'string') throw inputError(`${where}: "path" is required (a string)`);
  if ((op === 'add' || op === 'replace' || op === 'test') && !('value' in raw))
    throw inputError(`${where}: "${op}" needs a "value"`);
  if ((op === 'move' || op === 'copy') && typeof from !== 'string')
    throw inputError(`${where}: "${op}" needs "from" (a JSON pointer)`);
  return raw as unknown as JsonPatchOperation;
}

function applyOperation(document: unknown, operation: JsonPatchOperation): unknown {
  const path = parsePointer(operation.path);
  switch (operation.op) {
    case 'add':
      return add(document, path, structuredClone(operation.value));
    case 'remove':
      return remove(document, path);
    case 'replace':
      // Section 4.3: the target location MUST exist.
      valueAt(document, path);
      return add(remove(document, path), path, structuredClone(operation.value));
    case 'move': {
      const from = parsePointer(operation.from!);
      // Section 4.4: "from" MUST NOT be a proper prefix of "path".
      if (from.length < path.length && from.every((token, i) => token === path[i]))
        throw new Error(`cannot move "${operation.from}" into one of its own children`);
      const value = valueAt(document, from);
      return add(remove(document, from), path, value);
    }
    case 'copy':
      return add(document, path, structuredClone(valueAt(document, parsePointer(operation.from!))));
    default: {
      // test (section 4.6): equal JSON values, object member order aside.
      const actual = valueAt(document, path);
      // The actual value is not told: it may be a Secret's.
      if (!jsonEqual(actual, operation.value))
        throw new Error(`test failed: the value is not ${JSON.stringify(operation.value)}`);
      return document;
    }
  }
}

/** RFC 6901: "" is the whole document; "/a~1b/~0c" is ["a/b", "~c"]. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw inputError(`"${pointer}" is not a JSON pointer: it must be empty or start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(document: unknown, path: string[]): unknown {
  let at = document;
  for (const token of path) {
    if (Array.isArray(at)) at = at[arrayIndex(token, at.length - 1)];
    else if (isObject(at) && Object.hasOwn(at, token)) at = at[token];
    else throw new Error(`no value at "${pointerOf(path)}"`);
  }
  return at;
}

/** Section 4.1: add to an object (replacing a member) or insert into an array ("-": append). */
function add(document: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = valueAt(document, path.slice(0, -1));
  const token = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    const index = token === '-' ? parent.length : arrayIndex(token, parent.length);
    parent.splice(index, 0, value);
  } else if (isObject(parent)) parent[token] = value;
  else throw new Error(`"${pointerOf(path.slice(0, -1))}" is neither an object nor a list`);
  return document;
}

/** Section 4.2: the target location MUST exist. */
function remove(document: unknown, path: string[]): unknown {
  if (path.length === 0) return undefined;
  const parent = valueAt(document, path.slice(0, -1));
  const token = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(token, parent.length - 1), 1);
  else if (isObject(parent) && Object.hasOwn(parent, token)) delete parent[token];
  else throw new Error(`no value at "${pointerOf(path)}"`);
  return document;
}

/** An array index (section 4: no leading zeros), at most `max`. */
function arrayIndex(token: string, max: number): number {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new Error(`"${token}" is not a list index`);
  const index = Number(token);
  if (index > max) throw new Error(`list index ${index} is out of range`);
  return index;
}

function pointerOf(path: string[]): string {
  return path.map((token) => `/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]))
    );
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
