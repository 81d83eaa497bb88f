import type { Context } from 'hono';
import { inputError } from '../errors.js';

/**
 * Field selectors (`?fieldSelector=metadata.name=dev,metadata.namespace!=demo`) as
 * kube-apiserver serves them for custom resources: `=`, `==` and `!=` on `metadata.name` and
 * `metadata.namespace` only (k8s.io/apimachinery fields.ParseSelector; a backslash escapes
 * `,`, `=`, `!` and itself in values).
 */
export interface FieldRequirement {
  field: 'metadata.name' | 'metadata.namespace';
  equals: boolean;
  value: string;
}

export type FieldSelector = FieldRequirement[];

const FIELDS = ['metadata.name', 'metadata.namespace'] as const;

/** Parses a field selector; a bad one is a 400 naming the parameter. */
export function parseFieldSelector(text: string): FieldSelector {
  const terms = splitUnescaped(text, ',').filter((term) => term.trim() !== '');
  return terms.map((term) => {
    const match = /^([^=!]*?)\s*(==|!=|=)\s*(.*)$/.exec(term.trim());
    if (!match) throw fieldSelectorError(`invalid selector: '${text}'; can't understand '${term}'`);
    const [, field = '', op, raw = ''] = match;
    if (!(FIELDS as readonly string[]).includes(field))
      throw fieldSelectorError(
        `"${field}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      );
    return {
      field: field as FieldRequirement['field'],
      equals: op !== '!=',
      value: raw.replace(/\\(.)/g, '$1'),
    };
  });
}

/** `?fieldSelector=`, parsed (empty when absent). */
export function fieldSelectorQuery(c: Context): FieldSelector {
  const text = c.req.query('fieldSelector');
  return text ? parseFieldSelector(text) : [];
}

/** Whether an object's name and namespace satisfy every requirement. */
export function matchesFields(
  selector: FieldSelector,
  metadata: { name?: string | undefined; namespace?: string | undefined },
): boolean {
  return selector.every((requirement) => {
    const actual =
      (requirement.field === 'metadata.name' ? metadata.name : metadata.namespace) ?? '';
    return (actual === requirement.value) === requirement.equals;
  });
}

function splitUnescaped(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      current += char + text[i + 1]!;
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else current += char;
  }
  parts.push(current);
  return parts;
}

function fieldSelectorError(message: string) {
  return inputError(`fieldSelector: ${message}`, [{ path: 'fieldSelector', message }]);
}
