import { inputError } from '../errors.js';

/**
 * The little of Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`) Gantry
 * reads: kubectl sends built-in kinds that way (the access reviews of `kubectl auth can-i`),
 * and accepts JSON answers. A body is the magic `k8s\0` and a `runtime.Unknown` (1: typeMeta
 * {1: apiVersion, 2: kind}, 2: raw, the object's own message); messages are decoded by a
 * schema naming each field's number (k8s.io/api's generated.proto). Unknown fields are skipped.
 */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00];

/** How to read a message: field number → [JSON name, a string or a nested message]. */
export interface MessageSchema {
  [field: number]: [name: string, type: 'string' | MessageSchema];
}

/** The object in a Kubernetes protobuf body, as the JSON it would have been. */
export function decodeKubeProtobuf(bytes: Uint8Array, schema: MessageSchema): unknown {
  if (bytes.length < 4 || MAGIC.some((byte, i) => bytes[i] !== byte))
    throw inputError('the request body is not Kubernetes protobuf (no k8s magic prefix)');
  const unknown = fieldsOf(bytes.subarray(4));
  const typeMeta = decodeMessage(unknown.get(1)?.[0], {
    1: ['apiVersion', 'string'],
    2: ['kind', 'string'],
  });
  const raw = unknown.get(2)?.[0];
  if (!raw) throw inputError('the protobuf body holds no object');
  return { ...typeMeta, ...decodeMessage(raw, schema) };
}

function decodeMessage(
  bytes: Uint8Array | undefined,
  schema: MessageSchema,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!bytes) return out;
  for (const [field, values] of fieldsOf(bytes)) {
    const entry = schema[field];
    const last = values[values.length - 1];
    if (!entry || !last) continue;
    const [name, type] = entry;
    out[name] = type === 'string' ? new TextDecoder().decode(last) : decodeMessage(last, type);
  }
  return out;
}

/** A message's length-delimited fields by number (varint and fixed fields are skipped). */
function fieldsOf(bytes: Uint8Array): Map<number, Uint8Array[]> {
  const fields = new Map<number, Uint8Array[]>();
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length) throw inputError('the protobuf body is truncated');
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
      if (shift > 63) throw inputError('the protobuf body has a malformed number');
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        varint();
        break;
      case 1:
        at += 8;
        break;
      case 5:
        at += 4;
        break;
      case 2: {
        const length = varint();
        if (at + length > bytes.length) throw inputError('the protobuf body is truncated');
        fields.set(field, [...(fields.get(field) ?? []), bytes.subarray(at, at + length)]);
        at += length;
        break;
      }
      default:
        throw inputError(`the protobuf body has an unsupported wire type ${key & 7}`);
    }
  }
  if (at > bytes.length) throw inputError('the protobuf body is truncated');
  return fields;
}
