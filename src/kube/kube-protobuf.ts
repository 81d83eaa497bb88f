import { inputError } from '../errors.js';

/**
 * The little of Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`) Gantry
 * reads. client-go's typed clients send built-in kinds that way — the access reviews of
 * `kubectl auth can-i`, the Namespace, Secret and ConfigMap of `kubectl create ns|secret|
 * configmap` — and accept JSON answers. A body is the magic `k8s\0` and a `runtime.Unknown`
 * (1: typeMeta {1: apiVersion, 2: kind}, 2: raw, the object's own message). Messages are
 * decoded by a schema naming each field's number (k8s.io/api's and k8s.io/apimachinery's
 * generated.proto); fields a schema does not name are skipped, and so are empty strings and
 * maps, as JSON would omit them.
 */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** A field's type: text, bytes (shown base64, as JSON does), a bool, a map, or a message. */
export type FieldType = 'string' | 'bytes' | 'bool' | { map: 'string' | 'bytes' } | MessageSchema;

/** How to read a message: field number → [JSON name, type]. */
export interface MessageSchema {
  [field: number]: [name: string, type: FieldType];
}

/** meta/v1 ObjectMeta, as far as Gantry keeps it. */
const OBJECT_META: MessageSchema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  6: ['resourceVersion', 'string'],
  11: ['labels', { map: 'string' }],
  12: ['annotations', { map: 'string' }],
};

/** The kinds kubectl sends as protobuf: core v1 objects it creates, and access reviews. */
export const PROTOBUF_KINDS: Readonly<Record<string, MessageSchema>> = {
  Namespace: { 1: ['metadata', OBJECT_META] },
  Secret: {
    1: ['metadata', OBJECT_META],
    2: ['data', { map: 'bytes' }],
    3: ['type', 'string'],
    4: ['stringData', { map: 'string' }],
    5: ['immutable', 'bool'],
  },
  ConfigMap: {
    1: ['metadata', OBJECT_META],
    2: ['data', { map: 'string' }],
    3: ['binaryData', { map: 'bytes' }],
    4: ['immutable', 'bool'],
  },
  // authorization/v1, what `kubectl auth can-i` sends (kube-review-routes.ts).
  SelfSubjectAccessReview: {
    1: ['metadata', OBJECT_META],
    2: [
      'spec',
      {
        1: [
          'resourceAttributes',
          {
            1: ['namespace', 'string'],
            2: ['verb', 'string'],
            3: ['group', 'string'],
            4: ['version', 'string'],
            5: ['resource', 'string'],
            6: ['subresource', 'string'],
            7: ['name', 'string'],
          },
        ],
        2: ['nonResourceAttributes', { 1: ['path', 'string'], 2: ['verb', 'string'] }],
      },
    ],
  },
  SelfSubjectRulesReview: {
    1: ['metadata', OBJECT_META],
    2: ['spec', { 1: ['namespace', 'string'] }],
  },
};

/**
 * The object in a Kubernetes protobuf body, as the JSON it would have been: read with
 * `schema`, or with the schema `schema` gives for the body's kind (none: a 400).
 */
export function decodeKubeProtobuf(
  bytes: Uint8Array,
  schema: MessageSchema | Readonly<Record<string, MessageSchema>> = PROTOBUF_KINDS,
): Record<string, unknown> {
  if (bytes.length < 4 || MAGIC.some((byte, i) => bytes[i] !== byte))
    throw inputError('the protobuf body does not start with the Kubernetes "k8s\\0" prefix');
  const unknown = fieldsOf(bytes.subarray(4));
  const typeMeta = decodeMessage(lastBytes(unknown, 1), {
    1: ['apiVersion', 'string'],
    2: ['kind', 'string'],
  });
  const raw = lastBytes(unknown, 2);
  if (!raw) throw inputError('the protobuf body holds no object');
  const kind = typeof typeMeta.kind === 'string' ? typeMeta.kind : '';
  const byKind = isSchemaTable(schema);
  const messageSchema = byKind ? schema[kind] : schema;
  if (!messageSchema)
    throw inputError(
      `a protobuf body of kind "${kind}" is not understood here: send it as JSON (application/json)`,
    );
  return { ...typeMeta, ...(byKind ? { metadata: {} } : {}), ...decodeMessage(raw, messageSchema) };
}

function isSchemaTable(
  schema: MessageSchema | Readonly<Record<string, MessageSchema>>,
): schema is Readonly<Record<string, MessageSchema>> {
  return Object.keys(schema).some((key) => !/^\d+$/.test(key));
}

function decodeMessage(
  bytes: Uint8Array | undefined,
  schema: MessageSchema,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!bytes) return out;
  const fields = fieldsOf(bytes);
  for (const [field, entry] of Object.entries(schema) as Array<[string, [string, FieldType]]>) {
    const [name, type] = entry;
    const values = fields.get(Number(field));
    if (!values || values.length === 0) continue;
    const value = decodeField(values, type);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function decodeField(values: Array<Uint8Array | number>, type: FieldType): unknown {
  const last = values[values.length - 1]!;
  if (type === 'bool') return typeof last === 'number' ? last !== 0 : undefined;
  if (typeof last === 'number') return undefined;
  if (type === 'string') return last.length > 0 ? text(last) : undefined;
  if (type === 'bytes') return Buffer.from(last).toString('base64');
  if ('map' in type && typeof type.map === 'string') {
    // A map is repeated entries {1: key, 2: value}.
    const entries: Array<[string, string]> = [];
    for (const value of values) {
      if (typeof value === 'number') continue;
      const entry = fieldsOf(value);
      const key = text(lastBytes(entry, 1) ?? new Uint8Array());
      const item = lastBytes(entry, 2) ?? new Uint8Array();
      entries.push([key, type.map === 'bytes' ? Buffer.from(item).toString('base64') : text(item)]);
    }
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return decodeMessage(last, type);
}

/** A message's fields by number: length-delimited ones as bytes, varints as numbers. */
function fieldsOf(bytes: Uint8Array): Map<number, Array<Uint8Array | number>> {
  const fields = new Map<number, Array<Uint8Array | number>>();
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length) throw inputError('the protobuf body ends in the middle of a value');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
      if (shift > 63) throw inputError('the protobuf body has a malformed number');
    }
  };
  const add = (field: number, value: Uint8Array | number) =>
    fields.set(field, [...(fields.get(field) ?? []), value]);
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        add(field, varint());
        break;
      case 1:
        at += 8;
        break;
      case 5:
        at += 4;
        break;
      case 2: {
        const length = varint();
        if (at + length > bytes.length)
          throw inputError('the protobuf body ends in the middle of a field');
        add(field, bytes.subarray(at, at + length));
        at += length;
        break;
      }
      default:
        throw inputError(`the protobuf body has an unsupported wire type ${key & 7}`);
    }
  }
  if (at > bytes.length) throw inputError('the protobuf body ends in the middle of a value');
  return fields;
}

function lastBytes(
  fields: Map<number, Array<Uint8Array | number>>,
  field: number,
): Uint8Array | undefined {
  const values = fields.get(field);
  const value = values?.[values.length - 1];
  return value instanceof Uint8Array ? value : undefined;
}

function text(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw inputError('the protobuf body holds a string that is not valid UTF-8');
  }
}
