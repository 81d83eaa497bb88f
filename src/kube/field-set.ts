import { inputError } from '../errors.js';

/**
 * A set of field paths, as structured-merge-diff's `fieldpath.Set` (sigs.k8s.io/
 * structured-merge-diff/fieldpath/set.go): what one manager owns in `metadata.managedFields`.
 *
 * A path is a list of path elements, each kept in its FieldsV1 spelling, which is also its
 * identity: `f:spec` (a field), `k:{"name":"x"}` (the item of an associative list with that
 * key), `v:"a"` (the item of a set-list with that value), `i:3` (an index). The set is a trie:
 * at each level, the elements that are members (a path ending here) and the children (longer
 * paths through here); a node that is both prints `".": {}` in FieldsV1.
 */
export type PathElement = string;
export type FieldPath = readonly PathElement[];

export class FieldSet {
  private readonly members = new Set<PathElement>();
  private readonly children = new Map<PathElement, FieldSet>();

  static of(...paths: FieldPath[]): FieldSet {
    const set = new FieldSet();
    for (const path of paths) set.insert(path);
    return set;
  }

  insert(path: FieldPath): void {
    const [first, ...rest] = path;
    if (first === undefined) return;
    if (rest.length === 0) {
      this.members.add(first);
      return;
    }
    let child = this.children.get(first);
    if (!child) {
      child = new FieldSet();
      this.children.set(first, child);
    }
    child.insert(rest);
  }

  has(path: FieldPath): boolean {
    const [first, ...rest] = path;
    if (first === undefined) return false;
    if (rest.length === 0) return this.members.has(first);
    return this.children.get(first)?.has(rest) ?? false;
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const child of this.children.values()) if (!child.empty()) return false;
    return true;
  }

  /** The paths under `element`, without it. */
  withPrefix(element: PathElement): FieldSet {
    return this.children.get(element) ?? new FieldSet();
  }

  /** The elements at this level that are members or have members below. */
  elements(): PathElement[] {
    return sortElements(new Set([...this.members, ...this.children.keys()]));
  }

  isMember(element: PathElement): boolean {
    return this.members.has(element);
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) out.members.add(m);
    for (const m of other.members) out.members.add(m);
    for (const pe of new Set([...this.children.keys(), ...other.children.keys()])) {
      const a = this.children.get(pe);
      const b = other.children.get(pe);
      out.setChild(pe, a && b ? a.union(b) : (a ?? b ?? new FieldSet()).copy());
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (other.members.has(m)) out.members.add(m);
    for (const [pe, a] of this.children) {
      const b = other.children.get(pe);
      if (b) out.setChild(pe, a.intersection(b));
    }
    return out;
  }

  /** The paths of this set that are not in `other` (exact paths: a member does not cover its children). */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const m of this.members) if (!other.members.has(m)) out.members.add(m);
    for (const [pe, a] of this.children) {
      const b = other.children.get(pe);
      out.setChild(pe, b ? a.difference(b) : a.copy());
    }
    return out;
  }

  copy(): FieldSet {
    return this.union(new FieldSet());
  }

  /** Every path, members of a level before its children, each level in FieldsV1 order. */
  paths(): FieldPath[] {
    const out: FieldPath[] = [];
    for (const m of sortElements(this.members)) out.push([m]);
    for (const pe of sortElements(new Set(this.children.keys()))) {
      for (const rest of this.children.get(pe)!.paths()) out.push([pe, ...rest]);
    }
    return out;
  }

  /** The FieldsV1 form (`metadata.managedFields[].fieldsV1`). */
  toFieldsV1(): Record<string, unknown> {
    return this.emit(false);
  }

  static fromFieldsV1(fields: unknown): FieldSet {
    const set = new FieldSet();
    readNode(fields, set, '');
    return set;
  }

  private setChild(pe: PathElement, child: FieldSet): void {
    if (child.empty()) this.children.delete(pe);
    else this.children.set(pe, child);
  }

  private emit(includeSelf: boolean): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const elements = this.elements();
    if (includeSelf && elements.length > 0) out['.'] = {};
    for (const pe of elements) {
      const child = this.children.get(pe);
      out[pe] = child ? child.emit(this.members.has(pe)) : {};
    }
    return out;
  }
}

/** Reads one FieldsV1 object into `set`; answers whether it held `"."` (or nothing). */
function readNode(node: unknown, set: FieldSet, where: string): boolean {
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    throw inputError(`managedFields: fieldsV1${where} must be an object`);
  let isMember = false;
  let hasChildren = false;
  for (const [key, value] of Object.entries(node)) {
    if (key === '.') {
      isMember = true;
      continue;
    }
    if (!/^[fkvi]:/.test(key))
      throw inputError(`managedFields: fieldsV1${where} has "${key}", not a path element`);
    hasChildren = true;
    const child = new FieldSet();
    const childIsMember = readNode(value, child, `${where}["${key}"]`);
    if (childIsMember) set.insert([key]);
    for (const path of child.paths()) set.insert([key, ...path]);
  }
  return isMember || !hasChildren;
}

const KIND_ORDER = 'fkvi';

/** structured-merge-diff's order of path elements: fields, then keys, values, indexes. */
export function comparePathElements(a: PathElement, b: PathElement): number {
  const ka = KIND_ORDER.indexOf(a[0] ?? '');
  const kb = KIND_ORDER.indexOf(b[0] ?? '');
  if (ka !== kb) return ka - kb;
  if (a.startsWith('i:') && b.startsWith('i:')) return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortElements(elements: Iterable<PathElement>): PathElement[] {
  return [...elements].sort(comparePathElements);
}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** The element of an associative-list item: its key fields, sorted by name as Go marshals them. */
export function keyElement(key: Record<string, unknown>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const name of Object.keys(key).sort()) sorted[name] = key[name];
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(value)}`;
}

/** A path as kube-apiserver prints it in conflicts: `.spec.windows[name="x"].start`, `[="a"]`. */
export function pathString(path: FieldPath): string {
  return path.map(elementString).join('');
}

function elementString(pe: PathElement): string {
  const body = pe.slice(2);
  switch (pe[0]) {
    case 'f':
      return `.${body}`;
    case 'k': {
      const key = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(key)
        .map(([name, value]) => `${name}=${scalarString(value)}`)
        .join(',')}]`;
    }
    case 'v':
      return `[=${scalarString(JSON.parse(body))}]`;
    default:
      return `[${body}]`;
  }
}

/** structured-merge-diff's value.ToString: strings quoted, other scalars as they are. */
function scalarString(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return `${value}`;
  return JSON.stringify(value) ?? 'null';
}
