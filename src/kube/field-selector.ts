import type { Context } from 'hono';
import { inputError } from '../errors.js';

/**
 * Field selectors (`?fieldSelector=metadata.name=dev,metadata.namespace!=other`), as
 * kube-apiserver takes them (k8s.io/apimachinery/pkg/fields): requirements joined by commas,
 * each `field=value`, `field==value` or `field!=value`, every one of which must hold; `\`
 * escapes `,`, `=`, `!` and `\` in values. Custom resources support `metadata.name` and
 * `metadata.namespace`; some core kinds a few more (Secrets `type`, Namespaces
 * `status.phase`, Events their `involvedObject`). Any other field is a 400, as kube says it:
 * `field label not supported: spec.foo`.
 */
export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** The fields each kind can be selected by, beyond metadata.name and metadata.namespace. */
const EXTRA_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Secret: ['type'],
  Namespace: ['status.phase'],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
};

/** The fields `kind` may be selected by. */
export function selectableFields(kind: string): readonly string[] {
  return ['metadata.name', 'metadata.namespace', ...(EXTRA_FIELDS[kind] ?? [])];
}

/**
 * Parses a field selector for objects of `kind`. Throws an input error (a 400 Status) for
 * text that is not a selector and for fields the kind cannot be selected by.
 */
export function parseFieldSelector(text: string, kind: string): FieldRequirement[] {
  const requirements: FieldRequirement[] = [];
  for (const part of splitUnescaped(text, ',')) {
    if (part.trim() === '') continue;
    const parsed = requirementOf(part);
    if (!parsed) throw inputError(`invalid selector: '${text}'; can't understand '${part}'`);
    if (!selectableFields(kind).includes(parsed.field))
      throw inputError(`field label not supported: ${parsed.field}`);
    requirements.push(parsed);
  }
  return requirements;
}

/**
 * The test a field selector makes of objects of `kind` (as Kubernetes shows them), for lists
 * and watches; undefined or empty text selects everything. Throws as `parseFieldSelector`.
 */
export function fieldSelectorMatcher(
  text: string | undefined,
  kind: string,
): (object: Record<string, unknown>) => boolean {
  return requirementsMatcher(text ? parseFieldSelector(text, kind) : []);
}

/** The test parsed requirements make: every one must hold. */
export function requirementsMatcher(
  requirements: readonly FieldRequirement[],
): (object: Record<string, unknown>) => boolean {
  if (requirements.length === 0) return () => true;
  return (object) =>
    requirements.every(({ field, operator, value }) => {
      const actual = fieldValue(object, field);
      return operator === '=' ? actual === value : actual !== value;
    });
}

/** An object's value for a selectable field, as a string ('' when absent). */
function fieldValue(object: Record<string, unknown>, field: string): string {
  // `source` of an Event is its source's component, as kube-apiserver's event field set.
  const path = field === 'source' ? ['source', 'component'] : field.split('.');
  let value: unknown = object;
  for (const key of path)
    value =
      typeof value === 'object' && value !== null
        ? (value as Record<string, unknown>)[key]
        : undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

function requirementOf(part: string): FieldRequirement | undefined {
  for (const [operator, token] of [
    ['!=', '!='],
    ['=', '=='],
    ['=', '='],
  ] as const) {
    const at = indexUnescaped(part, token);
    if (at < 0) continue;
    const field = part.slice(0, at).trim();
    const value = unescape(part.slice(at + token.length));
    if (field === '' || /[\s=!]/.test(field)) return undefined;
    if (indexUnescaped(part.slice(at + token.length), '=') >= 0) return undefined;
    return { field, operator, value };
  }
  return undefined;
}

/** The first `token` in `text` not preceded by a `\` escape, or -1. */
function indexUnescaped(text: string, token: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
      continue;
    }
    if (text.startsWith(token, i)) return i;
  }
  return -1;
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let at = indexUnescaped(rest, separator); at >= 0; at = indexUnescaped(rest, separator)) {
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  parts.push(rest);
  return parts;
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}

export type FieldSelector = FieldRequirement[];

/**
 * `?fieldSelector=` for objects of `kind`, parsed (empty when absent); for watches, which
 * test each change with `matchesFields`.
 */
export function fieldSelectorQuery(c: Context, kind = ''): FieldSelector {
  return parseFieldSelector(c.req.query('fieldSelector') ?? '', kind);
}

/** Whether an object's name and namespace satisfy every requirement (metadata fields only). */
export function matchesFields(
  selector: FieldSelector,
  metadata: { name?: string | undefined; namespace?: string | undefined },
): boolean {
  return requirementsMatcher(selector)({ metadata });
}
