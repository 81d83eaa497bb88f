/**
 * The Swagger 2.0 document in the protobuf form client-go asks for
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`: gnostic's
 * openapi_v2.Document, github.com/google/gnostic-models openapiv2/OpenAPIv2.proto). kubectl
 * reads `/openapi/v2` only in this form, for client-side validation (of `kind: List`
 * manifests, and of kinds whose server lacks field validation) and `explain
 * --output=plaintext-openapiv2`. Only the parts of the format our documents use are encoded;
 * values of type Any (defaults, enums, extensions) are carried as YAML text, written as JSON
 * (which YAML reads), as gnostic does.
 */
type Json = Record<string, unknown>;

/** A protobuf message being written: fields appended in order. */
class Message {
  readonly #parts: Buffer[] = [];

  #tag(field: number, wire: number) {
    this.#varint(field * 8 + wire);
  }

  #varint(value: number) {
    // Non-negative values only (lengths, tags, counts): two's complement is never needed.
    const bytes: number[] = [];
    let v = Math.max(0, Math.trunc(value));
    while (v >= 0x80) {
      bytes.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    bytes.push(v);
    this.#parts.push(Buffer.from(bytes));
  }

  string(field: number, value: unknown): this {
    if (typeof value !== 'string' || value === '') return this;
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  strings(field: number, values: unknown): this {
    if (Array.isArray(values)) for (const value of values) this.string(field, value);
    return this;
  }

  /** A bool; false is written only when `always` (a oneof member, whose presence counts). */
  bool(field: number, value: unknown, always = false): this {
    if (value !== true && !(always && value === false)) return this;
    this.#tag(field, 0);
    this.#varint(value === true ? 1 : 0);
    return this;
  }

  int(field: number, value: unknown): this {
    if (typeof value !== 'number') return this;
    this.#tag(field, 0);
    this.#varint(Math.trunc(value));
    return this;
  }

  double(field: number, value: unknown): this {
    if (typeof value !== 'number') return this;
    this.#tag(field, 1);
    const buffer = Buffer.alloc(8);
    buffer.writeDoubleLE(value);
    this.#parts.push(buffer);
    return this;
  }

  message(field: number, value: Message | undefined): this {
    return value ? this.bytes(field, value.encode()) : this;
  }

  bytes(field: number, value: Buffer): this {
    this.#tag(field, 2);
    this.#varint(value.length);
    this.#parts.push(value);
    return this;
  }

  encode(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Any { yaml = 2 } */
function any(value: unknown): Message {
  return new Message().string(2, JSON.stringify(value));
}

/** repeated NamedAny vendor_extension: every `x-` key. */
function extensions(message: Message, field: number, object: Json): Message {
  for (const [name, value] of Object.entries(object))
    if (name.startsWith('x-'))
      message.message(field, new Message().string(1, name).message(2, any(value)));
  return message;
}

function schema(node: Json): Message {
  const m = new Message()
    .string(1, node['$ref'])
    .string(2, node['format'])
    .string(3, node['title'])
    .string(4, node['description']);
  if (node['default'] !== undefined) m.message(5, any(node['default']));
  m.double(7, node['maximum'])
    .bool(8, node['exclusiveMaximum'])
    .double(9, node['minimum'])
    .bool(10, node['exclusiveMinimum'])
    .int(11, node['maxLength'])
    .int(12, node['minLength'])
    .string(13, node['pattern'])
    .int(14, node['maxItems'])
    .int(15, node['minItems'])
    .bool(16, node['uniqueItems'])
    .strings(19, node['required']);
  if (Array.isArray(node['enum'])) for (const value of node['enum']) m.message(20, any(value));
  const additional = node['additionalProperties'];
  if (isObject(additional)) m.message(21, new Message().message(1, schema(additional)));
  else if (typeof additional === 'boolean') m.message(21, new Message().bool(2, additional, true));
  if (node['type'] !== undefined) m.message(22, new Message().strings(1, [node['type']].flat()));
  if (isObject(node['items'])) m.message(23, new Message().message(1, schema(node['items'])));
  if (Array.isArray(node['allOf']))
    for (const part of node['allOf']) if (isObject(part)) m.message(24, schema(part));
  if (isObject(node['properties'])) {
    const properties = new Message();
    for (const [name, child] of Object.entries(node['properties']))
      if (isObject(child)) properties.message(1, named(name, schema(child)));
    m.message(25, properties);
  }
  return extensions(m, 31, node);
}

function named(name: string, value: Message): Message {
  return new Message().string(1, name).message(2, value);
}

/** ParametersItem { parameter = 1 { body_parameter = 1 | non_body_parameter = 2 } } */
function parameter(p: Json): Message {
  let inner: Message;
  if (p['in'] === 'body') {
    const body = new Message()
      .string(1, p['description'])
      .string(2, p['name'])
      .string(3, p['in'])
      .bool(4, p['required']);
    if (isObject(p['schema'])) body.message(5, schema(p['schema']));
    inner = new Message().message(1, body);
  } else {
    const query = p['in'] === 'query';
    // QueryParameterSubSchema (3) and PathParameterSubSchema (4) differ from `type` on.
    const sub = new Message()
      .bool(1, p['required'])
      .string(2, p['in'])
      .string(3, p['description'])
      .string(4, p['name'])
      .string(query ? 6 : 5, p['type'])
      .bool(query ? 20 : 19, p['uniqueItems']);
    inner = new Message().message(2, new Message().message(query ? 3 : 4, sub));
  }
  return new Message().message(1, inner);
}

function operation(op: Json): Message {
  const m = new Message()
    .strings(1, op['tags'])
    .string(3, op['description'])
    .string(5, op['operationId'])
    .strings(6, op['produces'])
    .strings(7, op['consumes']);
  if (Array.isArray(op['parameters']))
    for (const p of op['parameters']) if (isObject(p)) m.message(8, parameter(p));
  if (isObject(op['responses'])) {
    const responses = new Message();
    for (const [code, response] of Object.entries(op['responses'])) {
      if (!isObject(response)) continue;
      const r = new Message().string(1, response['description']);
      if (isObject(response['schema']))
        r.message(2, new Message().message(1, schema(response['schema'])));
      responses.message(1, named(code, new Message().message(1, r)));
    }
    m.message(9, responses);
  }
  m.strings(10, op['schemes']);
  return extensions(m, 13, op);
}

const METHODS: Record<string, number> = { get: 2, put: 3, post: 4, delete: 5, patch: 8 };

function pathItem(item: Json): Message {
  const m = new Message();
  for (const [method, field] of Object.entries(METHODS))
    if (isObject(item[method])) m.message(field, operation(item[method]));
  if (Array.isArray(item['parameters']))
    for (const p of item['parameters']) if (isObject(p)) m.message(9, parameter(p));
  return extensions(m, 10, item);
}

/** A Swagger 2.0 document (as openapi-documents.ts builds it) as gnostic protobuf. */
export function swaggerToProtobuf(document: Json): Buffer {
  const m = new Message().string(1, document['swagger']);
  const info = document['info'];
  if (isObject(info))
    m.message(
      2,
      new Message()
        .string(1, info['title'])
        .string(2, info['version'])
        .string(3, info['description']),
    );
  m.strings(5, document['schemes'])
    .strings(6, document['consumes'])
    .strings(7, document['produces']);
  if (isObject(document['paths'])) {
    const paths = new Message();
    for (const [path, item] of Object.entries(document['paths']))
      if (isObject(item)) paths.message(2, named(path, pathItem(item)));
    m.message(8, paths);
  }
  if (isObject(document['definitions'])) {
    const definitions = new Message();
    for (const [name, definition] of Object.entries(document['definitions']))
      if (isObject(definition)) definitions.message(1, named(name, schema(definition)));
    m.message(9, definitions);
  }
  if (Array.isArray(document['security']))
    for (const requirement of document['security']) {
      if (!isObject(requirement)) continue;
      const r = new Message();
      for (const [name, scopes] of Object.entries(requirement))
        r.message(1, named(name, new Message().strings(1, scopes)));
      m.message(12, r);
    }
  if (isObject(document['securityDefinitions'])) {
    const definitions = new Message();
    for (const [name, definition] of Object.entries(document['securityDefinitions'])) {
      if (!isObject(definition) || definition['type'] !== 'apiKey') continue;
      const apiKey = new Message()
        .string(1, definition['type'])
        .string(2, definition['name'])
        .string(3, definition['in'])
        .string(4, definition['description']);
      definitions.message(1, named(name, new Message().message(2, apiKey)));
    }
    m.message(13, definitions);
  }
  return extensions(m, 16, document).encode();
}
