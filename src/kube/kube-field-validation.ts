import { admissionCompat } from '../api/compat/admission-compat.js';
import { formatFieldPath } from '../api/field-path.js';
import { kindInfo } from '../api/kinds.js';
import { inputError } from '../errors.js';
import type { FieldValidation } from './kube-write-options.js';

/**
 * kube-apiserver's field validation (`fieldValidation=Strict|Warn|Ignore`) of a write's
 * object: fields its kind does not have are refused (Strict: `strict decoding error: unknown
 * field "spec.foo"`), dropped with a `Warning` each (Warn, kube-apiserver's default), or
 * dropped silently (Ignore). Gantry's own API always refuses them; this is the Kubernetes API's
 * behaviour, for clients that rely on it.
 *
 * Returns the object without its unknown fields (the input is not modified) and the warnings.
 */
export function validateFields(
  object: Record<string, unknown>,
  mode: FieldValidation,
): { object: Record<string, unknown>; warnings: string[] } {
  const unknown = unknownFields(object);
  if (unknown.length === 0) return { object, warnings: [] };
  const described = unknown.map((path) => `unknown field "${formatFieldPath(path)}"`);
  if (mode === 'Strict')
    throw inputError(
      `strict decoding error: ${described.join(', ')}`,
      unknown.map((path) => ({ path: formatFieldPath(path), message: 'unknown field' })),
    );
  const pruned = structuredClone(object);
  for (const path of unknown) removeAt(pruned, path);
  return { object: pruned, warnings: mode === 'Warn' ? described : [] };
}

/** The paths of fields the object's kind does not have (none when the kind is unknown). */
export function unknownFields(object: Record<string, unknown>): Array<Array<string | number>> {
  const info = typeof object.kind === 'string' ? kindInfo(object.kind) : undefined;
  if (!info) return [];
  const parsed = info.schema.safeParse(admissionCompat(object).document);
  if (parsed.success) return [];
  const paths: Array<Array<string | number>> = [];
  for (const issue of parsed.error.issues)
    if (issue.code === 'unrecognized_keys')
      for (const key of issue.keys) paths.push([...(issue.path as Array<string | number>), key]);
  return paths;
}

function removeAt(document: unknown, path: Array<string | number>): void {
  let at = document;
  for (const segment of path.slice(0, -1)) {
    if (typeof at !== 'object' || at === null) return;
    at = (at as Record<string | number, unknown>)[segment];
  }
  if (typeof at === 'object' && at !== null && !Array.isArray(at))
    delete (at as Record<string, unknown>)[String(path[path.length - 1])];
}
