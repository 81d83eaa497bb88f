/**
 * How server-side apply merges each part of an object: the schema facts structured-merge-diff
 * reads from OpenAPI (`x-kubernetes-list-type`, `x-kubernetes-list-map-keys`,
 * `x-kubernetes-map-type`, `additionalProperties`), for Gantry's kinds.
 *
 * The default is a structural CRD's: an object's keys are fields, merged one by one; a list is
 * atomic (replaced whole, owned as one field). The exceptions below are the ones Kargo v1.12's
 * CRDs declare (charts/kargo/resources/crds/*.yaml) outside lists that are atomic anyway, plus
 * ObjectMeta's and core v1 Secret/ConfigMap's (k8s.io/api types.go markers).
 */
export type FieldType =
  /** A value replaced whole: a scalar, an atomic list or an atomic map. */
  | { kind: 'atomic' }
  /** A structural CRD's default: objects' keys are fields (structural), lists atomic. */
  | { kind: 'structural' }
  /** `x-kubernetes-preserve-unknown-fields`: objects are maps of untyped elements, lists atomic. */
  | { kind: 'untyped' }
  /** An object with declared fields; other keys are structural fields. */
  | { kind: 'struct'; fields: Readonly<Record<string, FieldType>> }
  /** `additionalProperties`: every key is an element of the map (owned with `"."` below it). */
  | { kind: 'map'; elements: FieldType }
  /** `x-kubernetes-list-type: set`: items are scalars, each owned separately. */
  | { kind: 'set' }
  /** `x-kubernetes-list-type: map`: items are identified by their key fields. */
  | { kind: 'listMap'; keys: readonly string[]; elements: FieldType };

export const ATOMIC: FieldType = { kind: 'atomic' };
export const STRUCTURAL: FieldType = { kind: 'structural' };
export const UNTYPED: FieldType = { kind: 'untyped' };
const STRING_MAP: FieldType = { kind: 'map', elements: ATOMIC };
const OBJECT_MAP: FieldType = { kind: 'map', elements: STRUCTURAL };
const UNTYPED_MAP: FieldType = { kind: 'map', elements: UNTYPED };
const SET: FieldType = { kind: 'set' };

const struct = (fields: Record<string, FieldType>): FieldType => ({ kind: 'struct', fields });
const listMap = (keys: string[], elements: FieldType = STRUCTURAL): FieldType => ({
  kind: 'listMap',
  keys,
  elements,
});

/** ObjectMeta (k8s.io/apimachinery meta/v1 types.go: finalizers `+listType=set`, ownerReferences `+listMapKey=uid`). */
const OBJECT_META = struct({
  labels: STRING_MAP,
  annotations: STRING_MAP,
  finalizers: SET,
  ownerReferences: listMap(['uid']),
  managedFields: ATOMIC,
});

/** `status.conditions`: `x-kubernetes-list-type: map` keyed by `type` in every Kargo CRD that has them. */
const CONDITIONS = struct({ conditions: listMap(['type']) });

/** The parts of each kind whose merge differs from the default, from Kargo's CRDs. */
const KINDS: Record<string, Record<string, FieldType>> = {
  Project: { status: CONDITIONS },
  ProjectConfig: {
    spec: struct({
      // kargo.akuity.io_projectconfigs.yaml: promotionWindows keyed by name, their selectors atomic.
      promotionWindows: listMap(
        ['name'],
        struct({ projectSelector: ATOMIC, stageSelector: ATOMIC }),
      ),
    }),
    status: CONDITIONS,
  },
  Warehouse: { status: CONDITIONS },
  Stage: {
    spec: struct({
      verification: struct({
        analysisRunMetadata: struct({ labels: STRING_MAP, annotations: STRING_MAP }),
      }),
    }),
    status: struct({
      conditions: listMap(['type']),
      autoPromotionHolds: OBJECT_MAP,
      effectiveAutoPromotionHolds: OBJECT_MAP,
      metadata: UNTYPED_MAP,
      health: struct({ config: UNTYPED, output: UNTYPED }),
    }),
  },
  Freight: {
    status: struct({
      approvedFor: OBJECT_MAP,
      currentlyIn: OBJECT_MAP,
      verifiedIn: OBJECT_MAP,
      metadata: UNTYPED_MAP,
    }),
  },
  Promotion: {
    status: struct({ state: UNTYPED, freightCollection: struct({ items: OBJECT_MAP }) }),
  },
  // core v1: Secret.data/stringData and ConfigMap.data/binaryData are map[string]….
  Secret: { data: STRING_MAP, stringData: STRING_MAP },
  ConfigMap: { data: STRING_MAP, binaryData: STRING_MAP },
};

/** The merge schema of a kind's objects (the structural default for kinds not listed). */
export function applySchemaOf(kind: string): FieldType {
  return objectSchema(KINDS[kind] ?? {});
}

/** The schema of an object with ObjectMeta and these top-level fields. */
export function objectSchema(fields: Record<string, FieldType>): FieldType {
  return struct({ apiVersion: ATOMIC, kind: ATOMIC, metadata: OBJECT_META, ...fields });
}
