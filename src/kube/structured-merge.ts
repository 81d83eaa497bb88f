import { deepEqualJson } from '../api/canonical-json.js';
import { inputError } from '../errors.js';
import { ATOMIC, type FieldType } from './apply-schema.js';
import {
  FieldSet,
  fieldElement,
  keyElement,
  pathString,
  valueElement,
  type FieldPath,
  type PathElement,
} from './field-set.js';

/**
 * The typed operations of structured-merge-diff (sigs.k8s.io/structured-merge-diff/typed:
 * tofieldset.go, merge.go, compare.go, remove.go) on JSON values with an apply schema
 * (apply-schema.ts): the field set a value sets, merging an applied configuration into a live
 * object, what changed between two objects, and removing a set of fields.
 *
 * `undefined` is an absent value; `null` is a present one (as in Go, where a nil Value is
 * absent and a null Value is not).
 */

type Atom =
  | { kind: 'leaf' }
  | { kind: 'object'; child: (key: string) => FieldType; named: (key: string) => boolean }
  | { kind: 'list'; elements: FieldType; element: (item: unknown, path: FieldPath) => PathElement };

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The shape a type gives values, whatever they hold. */
function shapeOf(type: FieldType): Atom {
  switch (type.kind) {
    case 'atomic':
      return { kind: 'leaf' };
    case 'structural':
      return { kind: 'object', child: () => type, named: () => true };
    case 'untyped':
      return { kind: 'object', child: () => type, named: () => false };
    case 'struct':
      return {
        kind: 'object',
        child: (key) => type.fields[key] ?? { kind: 'structural' },
        named: () => true,
      };
    case 'map':
      return { kind: 'object', child: () => type.elements, named: () => false };
    case 'set':
      return { kind: 'list', elements: ATOMIC, element: (item) => valueElement(item) };
    case 'listMap':
      return {
        kind: 'list',
        elements: type.elements,
        element: (item, path) => {
          const key: Record<string, unknown> = {};
          for (const name of type.keys) {
            const value = isObject(item) ? item[name] : undefined;
            if (value === undefined || value === null)
              throw inputError(
                `${pathString(path) || '.'}: associative list with keys has an element that omits key field "${name}"`,
              );
            key[name] = value;
          }
          return keyElement(key);
        },
      };
  }
}

/** The atom for values `a` and `b` of a type: a leaf when either does not have its shape. */
function atomFor(type: FieldType, a: unknown, b: unknown): Atom {
  const shape = shapeOf(type);
  const fits = (v: unknown) =>
    v === undefined ||
    v === null ||
    (shape.kind === 'object' ? isObject(v) : shape.kind === 'list' ? Array.isArray(v) : true);
  return fits(a) && fits(b) ? shape : { kind: 'leaf' };
}

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

function entriesOf(value: unknown): Array<[string, unknown]> {
  return isObject(value) ? Object.entries(value) : [];
}

function itemsOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * The fields a value sets (typed/tofieldset.go): scalars and atomic values as leaves, map
 * elements and associative-list items as members with their contents below, a struct's fields
 * only through their contents (unless null or empty). With `allowDuplicates` off (an applied
 * configuration), two list items with one key are an error.
 */
export function toFieldSet(value: unknown, type: FieldType, allowDuplicates = true): FieldSet {
  const set = new FieldSet();
  walkToSet(value, type, [], set, allowDuplicates);
  return set;
}

function walkToSet(
  value: unknown,
  type: FieldType,
  path: FieldPath,
  set: FieldSet,
  allowDuplicates: boolean,
): void {
  const atom = atomFor(type, value, undefined);
  if (atom.kind === 'leaf') {
    set.insert(path);
    return;
  }
  if (atom.kind === 'object') {
    for (const [key, child] of entriesOf(value)) {
      const childPath = [...path, fieldElement(key)];
      walkToSet(child, atom.child(key), childPath, set, allowDuplicates);
      if (child === null || (isObject(child) && isEmpty(child)) || !atom.named(key))
        set.insert(childPath);
    }
    return;
  }
  const items = itemsOf(value);
  const elements = items.map((item, i) => atom.element(item, [...path, `i:${i}`]));
  const seen = new Set<PathElement>();
  const duplicates = new Set<PathElement>();
  for (const pe of elements) {
    if (seen.has(pe)) {
      if (!allowDuplicates)
        throw inputError(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
      duplicates.add(pe);
    }
    seen.add(pe);
  }
  items.forEach((item, i) => {
    const pe = elements[i]!;
    const itemPath = [...path, pe];
    if (!duplicates.has(pe)) walkToSet(item, atom.elements, itemPath, set, allowDuplicates);
    set.insert(itemPath);
  });
}

/**
 * `rhs` (the applied configuration) merged into `lhs` (the live object) (typed/merge.go):
 * leaves and atomic values from rhs, maps field by field, associative lists item by item in
 * rhs's order with lhs-only items kept where they were.
 */
export function mergeValues(lhs: unknown, rhs: unknown, type: FieldType): unknown {
  if (rhs === undefined) return lhs;
  const atom = atomFor(type, lhs, rhs);
  if (atom.kind === 'leaf' || (isEmpty(lhs) && isEmpty(rhs))) return rhs;
  if (atom.kind === 'object') {
    const out: Record<string, unknown> = {};
    const left = isObject(lhs) ? lhs : {};
    const right = isObject(rhs) ? rhs : {};
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
      const merged = mergeValues(left[key], right[key], atom.child(key));
      if (merged !== undefined) out[key] = merged;
    }
    return out;
  }
  return mergeLists(itemsOf(lhs), itemsOf(rhs), atom);
}

/** typed/merge.go visitListItems, step for step (the order of the merged items matters). */
function mergeLists(
  lhs: unknown[],
  rhs: unknown[],
  atom: Extract<Atom, { kind: 'list' }>,
): unknown[] {
  const rhsPEs = rhs.map((item, i) => atom.element(item, [`i:${i}`]));
  const observedRHS = new Map<PathElement, unknown>();
  rhsPEs.forEach((pe, i) => {
    if (observedRHS.has(pe))
      throw inputError(`duplicate entries for key ${pathString([pe])} in the applied list`);
    observedRHS.set(pe, rhs[i]);
  });
  const lhsPEs = lhs.map((item, i) => atom.element(item, [`i:${i}`]));
  const observedLHS = new Map<PathElement, unknown>();
  lhsPEs.forEach((pe, i) => {
    // Duplicated live items are not merged with the new value.
    observedLHS.set(pe, observedLHS.has(pe) ? null : lhs[i]);
  });
  const sharedOrder = rhsPEs.filter((pe) => observedLHS.has(pe));
  let nextShared = sharedOrder.shift();
  const mergedRHS = new Set<PathElement>();
  const out: unknown[] = [];
  const push = (value: unknown) => {
    if (value !== undefined) out.push(value);
  };
  let l = 0;
  let r = 0;
  while (l < lhsPEs.length || r < rhsPEs.length) {
    if (l < lhsPEs.length && r < rhsPEs.length) {
      const pe = lhsPEs[l]!;
      if (pe === rhsPEs[r]) {
        mergedRHS.add(pe);
        push(mergeValues(observedLHS.get(pe), observedRHS.get(pe), atom.elements));
        l++;
        r++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (observedRHS.has(pe) && nextShared !== undefined && nextShared !== pe) {
        l++;
        continue;
      }
    }
    if (l < lhsPEs.length) {
      const pe = lhsPEs[l]!;
      if (!observedRHS.has(pe)) {
        push(mergeValues(lhs[l], undefined, atom.elements));
        l++;
        continue;
      } else if (mergedRHS.has(pe)) {
        l++;
      }
    }
    if (r < rhsPEs.length) {
      const pe = rhsPEs[r]!;
      mergedRHS.add(pe);
      push(mergeValues(observedLHS.get(pe), observedRHS.get(pe), atom.elements));
      r++;
      if (nextShared === pe) nextShared = sharedOrder.shift();
    }
  }
  return out;
}

/** What changed from `lhs` to `rhs` (typed/compare.go), as sets of paths. */
export function compareValues(lhs: unknown, rhs: unknown, type: FieldType): Comparison {
  const comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  walkCompare(lhs, rhs, type, [], comparison);
  return comparison;
}

function walkCompare(
  lhs: unknown,
  rhs: unknown,
  type: FieldType,
  path: FieldPath,
  cmp: Comparison,
): void {
  const atom = atomFor(type, lhs, rhs);
  if (atom.kind === 'leaf' || (isEmpty(lhs) && isEmpty(rhs))) {
    if (lhs === undefined) cmp.added.insert(path);
    else if (rhs === undefined) cmp.removed.insert(path);
    else if (!deepEqualJson(lhs, rhs)) cmp.modified.insert(path);
    return;
  }
  if (atom.kind === 'object') {
    const left = isObject(lhs) ? lhs : {};
    const right = isObject(rhs) ? rhs : {};
    for (const key of new Set([...Object.keys(left), ...Object.keys(right)]))
      walkCompare(left[key], right[key], atom.child(key), [...path, fieldElement(key)], cmp);
  } else {
    const group = (items: unknown[]) => {
      const byPE = new Map<PathElement, unknown[]>();
      items.forEach((item, i) => {
        const pe = atom.element(item, [...path, `i:${i}`]);
        byPE.set(pe, [...(byPE.get(pe) ?? []), item]);
      });
      return byPE;
    };
    const left = group(itemsOf(lhs));
    const right = group(itemsOf(rhs));
    for (const pe of new Set([...left.keys(), ...right.keys()])) {
      const l = left.get(pe) ?? [];
      const r = right.get(pe) ?? [];
      const itemPath = [...path, pe];
      if (l.length <= 1 && r.length <= 1) {
        walkCompare(l[0], r[0], atom.elements, itemPath, cmp);
      } else if (l.length >= 2 && r.length >= 2) {
        // Duplicates before and after: compared as if atomic.
        if (!deepEqualJson(l, r)) cmp.modified.insert(itemPath);
      } else if (l.length >= 2) {
        if (r.length > 0) walkCompare(undefined, r[0], atom.elements, itemPath, cmp);
        cmp.removed.insert(itemPath);
      } else {
        if (l.length > 0) walkCompare(l[0], undefined, atom.elements, itemPath, cmp);
        cmp.added.insert(itemPath);
      }
    }
  }
  if (lhs === undefined) cmp.added.insert(path);
  else if (rhs === undefined) cmp.removed.insert(path);
}

/**
 * `value` without the fields in `set` (typed/remove.go): a path in the set removes the map key
 * or list item there, with everything below it. A map or list left empty becomes null, as in
 * structured-merge-diff (the caller drops nulls, as kube-apiserver does for CRDs).
 */
export function removeItems(value: unknown, set: FieldSet, type: FieldType): unknown {
  const atom = atomFor(type, value, undefined);
  if (atom.kind === 'leaf') return value;
  if (atom.kind === 'object') {
    if (!isObject(value) || isEmpty(value)) return null;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const pe = fieldElement(key);
      if (set.isMember(pe)) continue;
      const below = set.withPrefix(pe);
      out[key] = below.empty() ? child : removeItems(child, below, atom.child(key));
    }
    return Object.keys(out).length > 0 ? out : null;
  }
  const items = itemsOf(value);
  if (items.length === 0) return null;
  const out: unknown[] = [];
  items.forEach((item, i) => {
    const pe = atom.element(item, [`i:${i}`]);
    if (set.isMember(pe)) return;
    const below = set.withPrefix(pe);
    out.push(below.empty() ? item : removeItems(item, below, atom.elements));
  });
  return out.length > 0 ? out : null;
}

/**
 * The set with the named fields (a struct's fields) that lead to its paths made members too
 * (fieldpath.Set.EnsureNamedFieldsAreMembers): owning `.spec.shard` is also owning `.spec`,
 * but owning `.metadata.labels.a` is not owning `.metadata.labels`'s other keys.
 */
export function withNamedFields(set: FieldSet, type: FieldType): FieldSet {
  const out = new FieldSet();
  const shape = shapeOf(type);
  for (const pe of set.elements()) {
    if (set.isMember(pe)) out.insert([pe]);
    const below = set.withPrefix(pe);
    if (below.empty()) continue;
    let childType: FieldType = ATOMIC;
    if (shape.kind === 'object' && pe.startsWith('f:')) {
      const name = pe.slice(2);
      childType = shape.child(name);
      if (shape.named(name)) out.insert([pe]);
    } else if (shape.kind === 'list') {
      childType = shape.elements;
    }
    for (const rest of withNamedFields(below, childType).paths()) out.insert([pe, ...rest]);
  }
  return out;
}

/** The set without every path at or below a member of `excluded` (fieldpath RecursiveDifference). */
export function withoutPrefixes(set: FieldSet, excluded: FieldSet): FieldSet {
  const out = new FieldSet();
  for (const path of set.paths()) {
    let covered = false;
    for (let i = 1; i <= path.length && !covered; i++) covered = excluded.has(path.slice(0, i));
    if (!covered) out.insert(path);
  }
  return out;
}

/** A copy of `value` without null object values (kube-apiserver prunes them from CRs). */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value))
    if (child !== null && child !== undefined) out[key] = withoutNulls(child);
  return out;
}
