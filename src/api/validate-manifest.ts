import type { FieldIssue } from '../errors.js';
export { describeDocument } from './describe-document.js';
import { kindInfo, knownKindNames, type KindInfo } from './kinds.js';
import type { Resource } from './resource.js';
import { fieldIssuesFromZod } from './zod-issues.js';
import { admissionCompat } from './compat/admission-compat.js';

export type ManifestValidation =
  | {
      ok: true;
      object: Resource;
      info: KindInfo;
      /** Accepted but deprecated, as the API server's warnings (`allowTags`). */
      warnings: string[];
    }
  | { ok: false; issues: FieldIssue[] };

/**
 * Validates one manifest document against its kind's strict schema and applies Kargo's
 * defaults, after the clean-up Kubernetes and Kargo's API server do (compat/admission-compat.ts). Pure: no store access (project existence and other cross-object rules are the
 * admission layer's job).
 */
export function validateManifest(input: unknown): ManifestValidation {
  // What the API server does first: nulls pruned, a cluster-scoped kind's namespace cleared,
  // deprecated fields honoured with a warning.
  const { document, warnings } = admissionCompat(input);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return {
      ok: false,
      issues: [{ path: '', message: 'must be an object with apiVersion, kind and metadata' }],
    };
  }
  const raw = document as Record<string, unknown>;
  if (raw.kind === undefined) return { ok: false, issues: [{ path: 'kind', message: 'required' }] };
  if (typeof raw.kind !== 'string')
    return { ok: false, issues: [{ path: 'kind', message: 'must be a string' }] };
  const info = kindInfo(raw.kind);
  if (!info) {
    return {
      ok: false,
      issues: [
        { path: 'kind', message: `unknown kind "${raw.kind}" (known kinds: ${knownKindNames()})` },
      ],
    };
  }
  if (raw.apiVersion !== info.apiVersion) {
    return {
      ok: false,
      issues: [
        {
          path: 'apiVersion',
          message:
            raw.apiVersion === undefined
              ? `required (${info.kind} is ${info.apiVersion})`
              : `${info.kind} is ${info.apiVersion}, not ${JSON.stringify(raw.apiVersion)}`,
        },
      ],
    };
  }
  const parsed = info.schema.safeParse(document);
  if (!parsed.success) return { ok: false, issues: fieldIssuesFromZod(parsed.error, document) };
  return { ok: true, object: parsed.data as Resource, info, warnings };
}
