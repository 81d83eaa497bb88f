import { inputError } from '../errors.js';

/**
 * Kubernetes' protobuf encoding, read for the few core kinds kubectl sends that way
 * (`kubectl create namespace|secret|configmap` use client-go's typed clients, which encode
 * bodies as `application/vnd.kubernetes.protobuf`). Only what Gantry keeps of those kinds is
 * decoded: ObjectMeta's name, generateName, namespace, resourceVersion, labels and
 * annotations; a Secret's data, stringData, type and immutable; a ConfigMap's data, binaryData
 * and immutable. Field numbers are k8s.io/api's generated.proto (core/v1) and
 * k8s.io/apimachinery's (meta/v1, runtime).
 */

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

/** The 4-byte prefix of every protobuf-encoded Kubernetes object. */
const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** The JSON form of a protobuf-encoded Namespace, Secret or ConfigMap. */
export function decodeKubeProtobuf(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length < 4 || MAGIC.some((byte, i) => bytes[i] !== byte))
    throw inputError('the protobuf body does not start with the Kubernetes "k8s\\0" prefix');
  // runtime.Unknown: typeMeta = 1 (apiVersion = 1, kind = 2), raw = 2.
  const unknown = fields(bytes.subarray(4));
  const typeMeta = fields(one(unknown, 1) ?? new Uint8Array());
  const apiVersion = text(one(typeMeta, 1));
  const kind = text(one(typeMeta, 2));
  const raw = fields(one(unknown, 2) ?? new Uint8Array());
  const object: Record<string, unknown> = { apiVersion, kind };
  const metadata = one(raw, 1);
  object.metadata = metadata ? objectMeta(fields(metadata)) : {};
  switch (kind) {
    case 'Namespace':
      break;
    case 'Secret': {
      // data = 2 (map<string, bytes>), type = 3, stringData = 4, immutable = 5.
      setMap(object, 'data', raw, 2, (value) => Buffer.from(value).toString('base64'));
      if (one(raw, 3)) object.type = text(one(raw, 3));
      setMap(object, 'stringData', raw, 4, text);
      if (raw.has(5)) object.immutable = varint(raw, 5) !== 0;
      break;
    }
    case 'ConfigMap': {
      // data = 2 (map<string, string>), binaryData = 3 (map<string, bytes>), immutable = 4.
      setMap(object, 'data', raw, 2, text);
      setMap(object, 'binaryData', raw, 3, (value) => Buffer.from(value).toString('base64'));
      if (raw.has(4)) object.immutable = varint(raw, 4) !== 0;
      break;
    }
    default:
      throw inputError(
        `a protobuf body of kind "${kind}" is not understood here: send it as JSON (application/json)`,
      );
  }
  return object;
}

/** meta/v1 ObjectMeta: name 1, generateName 2, namespace 3, resourceVersion 6, labels 11, annotations 12. */
function objectMeta(meta: Fields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const names: Array<[number, string]> = [
    [1, 'name'],
    [2, 'generateName'],
    [3, 'namespace'],
    [6, 'resourceVersion'],
  ];
  for (const [field, name] of names) {
    const value = one(meta, field);
    if (value && value.length > 0) out[name] = text(value);
  }
  setMap(out, 'labels', meta, 11, text);
  setMap(out, 'annotations', meta, 12, text);
  return out;
}

/** A message's fields: each number with its values (bytes, or the varint as a number). */
type Fields = Map<number, Array<Uint8Array | number>>;

function fields(bytes: Uint8Array): Fields {
  const out: Fields = new Map();
  let at = 0;
  const readVarint = (): number => {
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
  while (at < bytes.length) {
    const key = readVarint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    let value: Uint8Array | number;
    if (wire === 0) value = readVarint();
    else if (wire === 2) {
      const length = readVarint();
      if (at + length > bytes.length)
        throw inputError('the protobuf body ends in the middle of a field');
      value = bytes.subarray(at, at + length);
      at += length;
    } else if (wire === 1 || wire === 5) {
      at += wire === 1 ? 8 : 4;
      continue;
    } else throw inputError(`the protobuf body has an unknown wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

function one(message: Fields, field: number): Uint8Array | undefined {
  const values = message.get(field);
  const value = values?.[values.length - 1];
  return value instanceof Uint8Array ? value : undefined;
}

function varint(message: Fields, field: number): number {
  const values = message.get(field);
  const value = values?.[values.length - 1];
  return typeof value === 'number' ? value : 0;
}

function text(bytes: Uint8Array | undefined): string {
  if (!bytes) return '';
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw inputError('the protobuf body holds a string that is not valid UTF-8');
  }
}

/** A protobuf map (repeated entries of key = 1, value = 2) as an object, when not empty. */
function setMap(
  target: Record<string, unknown>,
  name: string,
  message: Fields,
  field: number,
  value: (bytes: Uint8Array) => string,
): void {
  const entries = (message.get(field) ?? []).filter(
    (e): e is Uint8Array => e instanceof Uint8Array,
  );
  if (entries.length === 0) return;
  const map: Record<string, string> = {};
  for (const entry of entries) {
    const pair = fields(entry);
    map[text(one(pair, 1))] = value(one(pair, 2) ?? new Uint8Array());
  }
  target[name] = map;
}
