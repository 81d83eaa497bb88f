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
  /**
   * Whether the value stands for a Go map (`map[string]any`): reading a name it lacks is nil,
   * as in Kargo, where `vars`, `outputs` and an http step's `response` are maps.
   */
  get mapLike(): boolean {
    return false;
  }
  /** The Go type the value stands for (`%T`), e.g. `time.Time`. */
  get goType(): string {
    return this.constructor.name;
  }
}

/**
 * A named map of the environment (`vars`, `outputs`, `task.outputs`): read as Kargo reads its
 * `map[string]any`, a name it lacks being nil (`vars.x ?? "y"` supplies a default).
 */
export class StrictRecord extends MethodHost {
  readonly methods = {};
  override get mapLike(): boolean {
    return true;
  }
  override get goType(): string {
    return 'map[string]interface {}';
  }
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

/**
 * A Go float64 whose value is whole (`1.0`, `3 / 1`). expr-lang keeps ints and floats apart
 * (`type(1.0)` is `float`, `1.0 % 2` is an error), while JavaScript has one number type: plain
 * numbers that are whole are ints, plain numbers that are not are floats, and a whole float is
 * boxed in a GoFloat. Arithmetic makes floats through `floatValue`.
 */
export class GoFloat {
  constructor(readonly value: number) {}
  toString(): string {
    return formatGoFloat(this.value);
  }
}

/** A float64 result: boxed when whole, so it stays a float. */
export function floatValue(n: number): number | GoFloat {
  return Number.isInteger(n) ? new GoFloat(n) : n;
}

/** Whether a value is a number of either kind. */
export function isNumeric(value: unknown): value is number | GoFloat {
  return typeof value === 'number' || value instanceof GoFloat;
}

/** An int: a plain whole number. */
export function isInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** A float: a boxed whole float, or a plain number that is not whole (NaN and ±Inf included). */
export function isFloat(value: unknown): value is number | GoFloat {
  return value instanceof GoFloat || (typeof value === 'number' && !Number.isInteger(value));
}

/** The number inside a numeric value. */
export function numberOf(value: number | GoFloat): number {
  return typeof value === 'number' ? value : value.value;
}

/** How Go's %v prints a float64: shortest form, exponent from 1e6 up and below 1e-4 (`1e+06`). */
export function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const abs = Math.abs(n);
  if (abs < 1e-4 || abs >= 1e6) {
    const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
    const sign = exponent.startsWith('-') ? '-' : '+';
    const digits = exponent.replace(/^[+-]/, '').padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(n);
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
  if (value instanceof GoFloat) return value.value;
  if (value instanceof StrictRecord) return toJsonValue({ ...value.fields });
  const toJSON = (value as { toJSON?: () => unknown } | null)?.toJSON;
  if (value instanceof MethodHost && typeof toJSON === 'function')
    return toJsonValue(toJSON.call(value));
  if (value instanceof MethodHost) return value.toString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  return value ?? null;
}

/**
 * A value as the rest of Gantry takes it: whole floats as plain numbers (the int/float
 * distinction only matters inside an expression). Containers are copied only where they hold one.
 */
export function toPlainValue(value: unknown): unknown {
  if (value instanceof GoFloat) return value.value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const plain = toPlainValue(item);
      if (plain !== item) (out ??= value.slice())[i] = plain;
    }
    return out ?? value;
  }
  if (isPlainObject(value)) {
    let out: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const item = value[key];
      const plain = toPlainValue(item);
      if (plain !== item) (out ??= { ...value })[key] = plain;
    }
    return out ?? value;
  }
  return value;
}

/**
 * Data as Go's `json.Unmarshal` into `any` makes it: every number a float64 (whole ones boxed),
 * as Kargo's json-parse and http steps see a document.
 */
export function jsonNumbersAsFloats(value: unknown): unknown {
  if (typeof value === 'number') return floatValue(value);
  if (Array.isArray(value)) return value.map(jsonNumbersAsFloats);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonNumbersAsFloats(v)]));
  return value;
}
