import { GoFloat, isPlainObject, MethodHost, toJsonValue } from '../values.js';

/**
 * A Go struct as Kargo's functions return them (`warehouse()` a `v1alpha1.FreightOrigin`,
 * `imageFrom()` a `*v1alpha1.Image`, …): expressions read its fields by their Go names
 * (`.Name`, `.Tag`), while JSON shows them by their `json` tags (`{"kind":…,"name":…}`), which is
 * what Kargo renders when a template's value is the struct itself.
 */
export class GoStruct extends MethodHost {
  readonly methods = {};

  /**
   * @param type the Go type, as `%T` prints it (`v1alpha1.FreightOrigin`)
   * @param fields the fields by their Go names
   * @param json the struct as `json.Marshal` writes it (json tags, omitempty applied)
   */
  constructor(
    readonly type: string,
    override readonly fields: Readonly<Record<string, unknown>>,
    readonly json: Readonly<Record<string, unknown>>,
  ) {
    super();
  }

  override get goType(): string {
    return this.type;
  }

  toJSON(): unknown {
    return toJsonValue(this.json);
  }

  /** The JSON text: what Kargo writes when a template inserts the struct. */
  override toString(): string {
    return JSON.stringify(this.toJSON());
  }
}

/** Kargo's `FreightOriginKindWarehouse`. */
export const FREIGHT_ORIGIN_WAREHOUSE = 'Warehouse';

/** A `v1alpha1.FreightOrigin` (json: `kind`, `name`). */
export function freightOrigin(kind: string, name: string): GoStruct {
  return new GoStruct('v1alpha1.FreightOrigin', { Kind: kind, Name: name }, { kind, name });
}

export function isFreightOrigin(value: unknown): value is GoStruct {
  return value instanceof GoStruct && value.type === 'v1alpha1.FreightOrigin';
}

/**
 * A value's Go type as `%T` prints it, for Kargo's argument errors (`got int`): what a value
 * of each kind is in Kargo's expression environment.
 */
export function goTypeOf(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (value instanceof MethodHost) return value.goType;
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float64';
  if (value instanceof GoFloat) return 'float64';
  if (Array.isArray(value)) return '[]interface {}';
  if (isPlainObject(value)) return 'map[string]interface {}';
  return typeof value;
}
