import { handOverOneChange } from '../store/plain-copy.js';

/**
 * A copy of `record` (absent: an empty one) with `key` set to `value` (or removed, given
 * undefined), keys in the same order as `{ ...record, [key]: value }` gives them.
 *
 * A Freight's `currentlyIn` and `verifiedIn` name every Stage it has been in (1,000 in a long
 * pipeline) and are copied on every hop. Spreading such a record builds an object with a
 * thousand named properties, one hidden-class transition each (about 0.8 ms in V8); this copy
 * starts in dictionary mode (a property deleted), about ten times cheaper.
 *
 * The copy is handed over to the write that stores it (`handOverOneChange`): do not change it
 * afterwards. The write then copies only the changed entry, and the auto-promotion index sees
 * which entry changed without comparing them all.
 */
export function withEntry<T>(
  record: Readonly<Record<string, T>> | undefined,
  key: string,
  value: NoInfer<T> | undefined,
): Record<string, T> {
  const copy: Record<string, T> = { [DICTIONARY]: undefined as T };
  delete copy[DICTIONARY];
  for (const name in record) if (Object.hasOwn(record, name)) copy[name] = record[name]!;
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  // The store's write takes the copy over instead of walking its thousand members again.
  if (record) handOverOneChange(copy, record, key);
  return copy;
}

const DICTIONARY = '\u0000dictionary';
