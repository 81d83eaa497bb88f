import { handOverOneChange } from '../store/plain-copy.js';

/**
 * A copy of `record` (absent: an empty one) with `key` set to `value` (or removed, given
 * undefined), keys in the same order as `{ ...record, [key]: value }` gives them.
 *
 * A Freight's `currentlyIn` and `verifiedIn` name every Stage it has been in (1,000 in a long
 * pipeline) and are copied on every hop. Spreading such a record builds an object with a
 * thousand named properties, one hidden-class transition each (about 0.8 ms in V8); this copy
 * starts in dictionary mode (a property deleted), about ten times cheaper. Its keys come from
 * the list kept for the record it copies (`KEYS`), not from enumerating the record: V8 sorts a
 * dictionary's keys on every enumeration, which cost more than the copy itself.
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
  const keys = record ? keysOf(record) : NO_KEYS;
  for (let index = 0; index < keys.length; index++) {
    const name = keys.names[index]!;
    copy[name] = record![name]!;
  }
  const had = record !== undefined && Object.hasOwn(record, key);
  if (value === undefined) delete copy[key];
  else copy[key] = value;
  KEYS.set(copy, keysAfter(keys, key, had, value !== undefined));
  // The store's write takes the copy over instead of walking its thousand members again.
  if (record) handOverOneChange(copy, record, key);
  return copy;
}

/** How many members `record` has, without enumerating it when withEntry made it. */
export function entryCount(record: object): number {
  return keysOf(record).length;
}

/**
 * A record's keys, in an order that builds it again (integer keys, which JavaScript orders
 * first, wherever they are): the first `length` of `names`. Records made by appending share
 * one array, each seeing its own prefix.
 */
interface Keys {
  names: string[];
  length: number;
}

const KEYS = new WeakMap<object, Keys>();
const NO_KEYS: Keys = { names: [], length: 0 };

function keysOf(record: object): Keys {
  let keys = KEYS.get(record);
  if (!keys) {
    const names = Object.keys(record);
    keys = { names, length: names.length };
    KEYS.set(record, keys);
  }
  return keys;
}

function keysAfter(keys: Keys, key: string, had: boolean, has: boolean): Keys {
  if (had === has) return keys;
  if (has) {
    // Appended: onto the shared array when nobody has appended to it past this prefix.
    if (keys.names.length === keys.length && keys !== NO_KEYS) {
      keys.names.push(key);
      return { names: keys.names, length: keys.length + 1 };
    }
    const names = keys.names.slice(0, keys.length);
    names.push(key);
    return { names, length: names.length };
  }
  const names = keys.names.slice(0, keys.length);
  names.splice(names.indexOf(key), 1);
  return { names, length: names.length };
}

const DICTIONARY = '\u0000dictionary';
