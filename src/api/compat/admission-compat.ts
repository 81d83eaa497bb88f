import { kindName } from '../kind-names.js';
import { userRegexProblem } from '../user-regex.js';

/** A manifest as the API server would see it after its own clean-up, and what it warns about. */
export interface AdmissionCompat {
  document: unknown;
  warnings: string[];
}

/**
 * What Kubernetes and Kargo's API server do to a manifest before validating it, so a file
 * Kargo accepts is accepted here too (pure; the input is not modified):
 *
 * - null values are pruned (none of Kargo's CRD fields is nullable): `spec:` with nothing under
 *   it, an empty `metadata:` in an AnalysisTemplate job;
 * - `metadata.namespace` on a cluster-scoped kind (Project, ClusterPromotionTask, …) is cleared;
 * - fields Kargo once had and removed (`REMOVED_FIELDS`) are dropped with a warning: Kargo's
 *   API server creates objects with Kubernetes' default field validation, which drops unknown
 *   fields (other unknown fields are refused, as kubectl's strict validation does: a
 *   misspelt field is a mistake worth stopping for);
 * - the deprecated `allowTags`/`ignoreTags` of image and git subscriptions are honoured as Kargo
 *   honoured them until v1.10 (`allowTags` joins `allowTagsRegexes`; each `ignoreTags` entry is
 *   an exact tag, `^tag$`, joining `ignoreTagsRegexes`), with a warning.
 */
export function admissionCompat(document: unknown): AdmissionCompat {
  const warnings: string[] = [];
  if (!isObject(document)) return { document, warnings };
  const pruned = pruneNulls(document) as Record<string, unknown>;
  const info = typeof pruned.kind === 'string' ? kindName(pruned.kind) : undefined;
  if (info && !info.namespaced && isObject(pruned.metadata) && 'namespace' in pruned.metadata) {
    const { namespace: _cleared, ...metadata } = pruned.metadata;
    pruned.metadata = metadata;
  }
  for (const removed of REMOVED_FIELDS) {
    if (pruned.kind !== removed.kind) continue;
    const parent = removed.path
      .slice(0, -1)
      .reduce<unknown>((at, key) => (isObject(at) ? at[key] : undefined), pruned);
    const field = removed.path[removed.path.length - 1]!;
    if (!isObject(parent) || !(field in parent)) continue;
    delete parent[field];
    const name = nameOf(pruned);
    warnings.push(
      `${removed.kind.toLowerCase()} "${name}": ${removed.path.join('.')} was removed in Kargo ${removed.removedIn} ` +
        `and is dropped, as Kargo's API server drops it (${removed.effect}); ${removed.advice(name)}`,
    );
  }
  if (pruned.kind === 'Warehouse' && isObject(pruned.spec))
    pruned.spec = warehouseSpecCompat(pruned.spec, nameOf(pruned), warnings);
  return { document: pruned, warnings };
}

/** Fields of Kargo's API that Kargo removed, what dropping them means, and what to write instead. */
const REMOVED_FIELDS: ReadonlyArray<{
  kind: string;
  path: readonly string[];
  removedIn: string;
  effect: string;
  advice: (name: string) => string;
}> = [
  {
    kind: 'Project',
    path: ['spec'],
    removedIn: 'v1.7',
    effect: 'its promotion policies are not applied',
    advice: (name) =>
      `put promotionPolicies in a ProjectConfig named "${name}" in namespace "${name}"`,
  },
  {
    kind: 'Stage',
    path: ['spec', 'promotionMechanisms'],
    removedIn: 'v1.0',
    effect: 'the Stage has no promotion steps',
    advice: () => 'describe the promotion as spec.promotionTemplate.spec.steps',
  },
];

function nameOf(document: Record<string, unknown>): string {
  const name = isObject(document.metadata) ? document.metadata.name : undefined;
  return typeof name === 'string' ? name : '';
}

function warehouseSpecCompat(
  spec: Record<string, unknown>,
  warehouse: string,
  warnings: string[],
): Record<string, unknown> {
  if (!Array.isArray(spec.subscriptions)) return spec;
  const subscriptions = spec.subscriptions.map((entry: unknown, index) => {
    if (!isObject(entry)) return entry;
    const out = { ...entry };
    for (const type of ['image', 'git'] as const) {
      const sub = out[type];
      if (!isObject(sub)) continue;
      out[type] = tagFiltersCompat(sub, (field, replacement) =>
        warnings.push(
          `warehouse "${warehouse}": spec.subscriptions[${index}].${type}.${field} is deprecated ` +
            `(removed in Kargo v1.13): honoured as ${replacement}; write ${replacement} instead`,
        ),
      );
    }
    return out;
  });
  return { ...spec, subscriptions };
}

function tagFiltersCompat(
  sub: Record<string, unknown>,
  warn: (field: string, replacement: string) => void,
): Record<string, unknown> {
  const { allowTags, ignoreTags, ...rest } = sub;
  const out: Record<string, unknown> = rest;
  // An empty value means unset (Go's omitempty), as in Kargo.
  // A malformed value stays where it is, for validation to report it there.
  if (typeof allowTags === 'string' && allowTags !== '' && !userRegexProblem(allowTags)) {
    out.allowTagsRegexes = [...listOf(rest.allowTagsRegexes), allowTags];
    warn('allowTags', 'allowTagsRegexes');
  } else if (allowTags !== undefined && allowTags !== '') out.allowTags = allowTags;
  if (Array.isArray(ignoreTags) && ignoreTags.every((tag) => typeof tag === 'string')) {
    if (ignoreTags.length > 0) {
      out.ignoreTagsRegexes = [
        ...listOf(rest.ignoreTagsRegexes),
        ...ignoreTags.map((tag: string) => `^${quoteMeta(tag)}$`),
      ];
      warn('ignoreTags', 'ignoreTagsRegexes (each tag matched exactly)');
    }
  } else if (ignoreTags !== undefined) out.ignoreTags = ignoreTags;
  return out;
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Go's regexp.QuoteMeta: escapes every RE2 metacharacter. */
export function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, (ch) => `\\${ch}`);
}

/** Drops every object member whose value is null, at any depth (list items are kept). */
function pruneNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pruneNulls);
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value))
    if (member !== null) out[key] = pruneNulls(member);
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
