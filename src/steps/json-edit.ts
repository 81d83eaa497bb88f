import { splitKey } from './yaml-edit.js';

/**
 * Sets values in JSON text by dotted key (`a.b.0`, `\.` escapes a dot), keeping the key order
 * and the file's indentation; a missing key is added, numeric parts index arrays.
 */
export function updateJson(text: string, updates: Array<{ key: string; value: unknown }>): string {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  let document: unknown = JSON.parse(text);
  for (const update of updates)
    document = setPath(document, splitKey(update.key), update.value, update.key);
  return `${JSON.stringify(document, null, indent)}${text.endsWith('\n') ? '\n' : ''}`;
}

function setPath(node: unknown, parts: string[], value: unknown, key: string): unknown {
  if (parts.length === 0) return value;
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(node)) {
    if (!/^\d+$/.test(head)) throw new Error(`${key}: "${head}" is not an index into a list`);
    const copy = [...(node as unknown[])];
    copy[Number(head)] = setPath(copy[Number(head)], rest, value, key);
    return copy;
  }
  const object =
    node !== null && typeof node === 'object' ? { ...(node as Record<string, unknown>) } : {};
  object[head] = setPath(object[head], rest, value, key);
  return object;
}
