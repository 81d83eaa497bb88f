/**
 * The values expressions work with: JSON data (null, booleans, numbers, strings, arrays, plain
 * objects) and `MethodHost`s, objects that expose named methods and fields on purpose (such as
 * the result of `semverParse`). Nothing else of JavaScript is reachable: member access reads
 * only own properties of plain data, so prototypes, constructors and globals stay out of reach.
 */
export abstract class MethodHost {
  /** Methods callable as `value.Name(args)`. */
  abstract readonly methods: Readonly<Record<string, (args: unknown[]) => unknown>>;
  /** Fields readable as `value.Name`. */
  readonly fields: Readonly<Record<string, unknown>> = {};
  /** How the value prints, e.g. in string concatenation or toJSON. */
  abstract toString(): string;
}

/**
 * A map whose missing keys are errors rather than nil: how `vars` and `outputs` behave, so a
 * misspelt variable is reported (`unknown name "vars.imageRepo"`) instead of silently empty.
 * `??` still supplies a default (`vars.x ?? "y"`).
 */
export class StrictRecord extends MethodHost {
  readonly methods = {};
  constructor(
    readonly label: string,
    override readonly fields: Readonly<Record<string, unknown>>,
  ) {
    super();
  }
  override toString(): string {
    return JSON.stringify(toJsonValue(this.fields));
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (Array.isArray(value)) return 'array';
  if (value instanceof MethodHost) return value.constructor.name;
  if (isPlainObject(value)) return 'map';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'function') return 'func';
  return typeof value;
}

/** expr-lang's `==`: deep equality of data, numbers by value. */
export function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined)
    return (a ?? null) === (b ?? null);
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((item, i) => equal(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((key) => Object.hasOwn(b, key) && equal(a[key], b[key]))
    );
  }
  if (a instanceof MethodHost && b instanceof MethodHost) return a.toString() === b.toString();
  return false;
}

/** The text of a value where a string is needed: strings as they are, the rest as JSON. */
export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (value instanceof MethodHost) return value.toString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(toJsonValue(value));
}

/** Data ready for JSON: MethodHosts become their text. */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof StrictRecord) return toJsonValue({ ...value.fields });
  if (value instanceof MethodHost) return value.toString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value ?? null;
}
