import type { StoredResource } from '../../api/resource.js';
import { changedMember } from '../plain-copy.js';

/** The subset of a prepared statement this module uses. */
interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
export type Prepare = (sql: string) => Statement;

/**
 * A Freight's per-Stage records (`status.currentlyIn`, `status.verifiedIn`,
 * `status.approvedFor`), each kept as a row of its own in `freight_records` instead of in the
 * Freight's text. A Freight in a pipeline of 1,000 Stages names every Stage it has been in
 * (100 KB); a hop changes one member, and writing the whole text again (the row and its change
 * event) on every hop was the part of a hop's cost that grew with the pipeline (issue 17). A
 * hop now writes one member's row and closes the one it replaces.
 *
 * The Freight's text keeps `{}` where each record was (its place among the status's fields)
 * and its row's `apart` column says which records are apart (a bit each). Every member row has
 * the versions it was current for (`rv_from` up to, not including, `rv_to`; OPEN while it is),
 * so a change event's Freight is assembled as of its version; compaction drops the rows no
 * remaining event needs. A member keeps its place in the record while its value changes (as a
 * JavaScript object keeps a key's place); a new member comes after the others.
 */
export const APART_FIELDS = ['currentlyIn', 'verifiedIn', 'approvedFor'] as const;

/** `rv_to` of a member that is current. */
export const OPEN = Number.MAX_SAFE_INTEGER;

const FREIGHT = 'Freight';

/** The text stored for `object`, and which of its records are apart from it. */
export function storedForm(object: StoredResource): { text: string; apart: number } {
  const status = object.kind === FREIGHT ? recordOf(object.status) : undefined;
  if (!status) return { text: JSON.stringify(object), apart: 0 };
  let apart = 0;
  let outer: Record<string, unknown> | undefined;
  APART_FIELDS.forEach((field, index) => {
    if (!recordOf(status[field])) return;
    apart |= 1 << index;
    (outer ??= { ...status })[field] = {};
  });
  if (!outer) return { text: JSON.stringify(object), apart: 0 };
  return { text: JSON.stringify({ ...object, status: outer }), apart };
}

/**
 * Keeps the member rows of the Freight `name` in step with its change at version `rv`, from
 * `before` (its state just before, undefined if new) to `after` (null when deleted). Runs in
 * the write's transaction.
 */
export function recordChange(
  prepare: Prepare,
  namespace: string,
  name: string,
  before: StoredResource | undefined,
  after: StoredResource | null,
  rv: number,
): void {
  if (!after) {
    // Whatever rows it has (none, when no record was apart) end with it.
    if (before)
      prepare(
        'UPDATE freight_records SET rv_to = ? WHERE namespace = ? AND freight = ? AND rv_to = ?',
      ).run(rv, namespace, name, OPEN);
    return;
  }
  const beforeStatus = recordOf(before?.status);
  const afterStatus = recordOf(after.status);
  APART_FIELDS.forEach((field, index) => {
    const old = recordOf(beforeStatus?.[field]);
    const next = recordOf(afterStatus?.[field]);
    if (old === next) return;
    const rows = new MemberRows(prepare, namespace, name, index, rv);
    const key = changedMember(old, next);
    if (old && next && key !== undefined) {
      rows.changed(key, next, has(old, key));
      return;
    }
    if (old && next && keepsPlaces(old, next)) {
      for (const key of Object.keys(old)) {
        if (!has(next, key)) rows.close(key);
        else if (next[key] !== old[key] && JSON.stringify(next[key]) !== JSON.stringify(old[key]))
          rows.changed(key, next, true);
      }
      for (const key of Object.keys(next)) if (!has(old, key)) rows.changed(key, next, false);
      return;
    }
    if (old) rows.closeAll();
    if (next) for (const key of Object.keys(next)) rows.changed(key, next, false);
  });
}

/** The member rows of one record of one Freight, changed at one version. */
class MemberRows {
  #added = 0;

  constructor(
    private readonly prepare: Prepare,
    private readonly namespace: string,
    private readonly freight: string,
    private readonly field: number,
    private readonly rv: number,
  ) {}

  /** Closes the member's current row. */
  close(stage: string): void {
    // Not `UPDATE … RETURNING`: SQLite builds a table for what it returns (three times the
    // cost of a lookup and a plain update).
    this.prepare(
      `UPDATE freight_records SET rv_to = ?
         WHERE namespace = ? AND freight = ? AND rv_to = ? AND field = ? AND stage = ?`,
    ).run(this.rv, this.namespace, this.freight, OPEN, this.field, stage);
  }

  /** The member's place in its record, while it has a current row. */
  #placeOf(stage: string): { pos_rv: number; pos_index: number } | undefined {
    return this.prepare(
      `SELECT pos_rv, pos_index FROM freight_records
         WHERE namespace = ? AND freight = ? AND rv_to = ? AND field = ? AND stage = ?`,
    ).get(this.namespace, this.freight, OPEN, this.field, stage) as
      { pos_rv: number; pos_index: number } | undefined;
  }

  closeAll(): void {
    this.prepare(
      `UPDATE freight_records SET rv_to = ?
         WHERE namespace = ? AND freight = ? AND rv_to = ? AND field = ?`,
    ).run(this.rv, this.namespace, this.freight, OPEN, this.field);
  }

  /**
   * The member `stage` as `record` has it now (absent: removed), in its old place if it had one
   * (`had`: whether it has a current row).
   */
  changed(stage: string, record: Record<string, unknown>, had: boolean): void {
    if (!has(record, stage)) {
      if (had) this.close(stage);
      return;
    }
    const place = had ? this.#placeOf(stage) : undefined;
    if (had) this.close(stage);
    this.prepare(
      `INSERT INTO freight_records (namespace, freight, rv_to, field, stage, pos_rv, pos_index, value, rv_from)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      this.namespace,
      this.freight,
      OPEN,
      this.field,
      stage,
      place?.pos_rv ?? this.rv,
      place?.pos_index ?? this.#added++,
      JSON.stringify(record[stage]),
      this.rv,
    );
  }
}

/**
 * Whether `next` keeps every member `old` has in `old`'s order, with its new members after
 * them: then only changed members are written. Otherwise (a status written whole, in another
 * order) every member is written again, so that the record reads back in `next`'s order.
 */
function keepsPlaces(old: Record<string, unknown>, next: Record<string, unknown>): boolean {
  const oldKeys = Object.keys(old);
  let at = 0;
  let added = false;
  for (const key of Object.keys(next)) {
    if (!has(old, key)) {
      added = true;
      continue;
    }
    if (added) return false;
    while (at < oldKeys.length && oldKeys[at] !== key) at += 1;
    if (at === oldKeys.length) return false;
    at += 1;
  }
  return true;
}

/**
 * The object whose stored text is `text`, with the records its row keeps apart (`apart`) put
 * back: as they are now, or as they were at version `asOf` (a change event's).
 */
export function assembled(
  prepare: Prepare,
  text: string,
  apart: number,
  asOf?: number,
): StoredResource {
  const object = JSON.parse(text) as StoredResource;
  if (apart === 0) return object;
  const status = object.status as Record<string, unknown>;
  const records = APART_FIELDS.map((field, index) =>
    apart & (1 << index) ? (status[field] = {} as Record<string, unknown>) : undefined,
  );
  const namespace = object.metadata.namespace ?? '';
  const rows = (
    asOf === undefined
      ? prepare(
          `SELECT field, stage, value FROM freight_records
             WHERE namespace = ? AND freight = ? AND rv_to = ? ORDER BY pos_rv, pos_index`,
        ).all(namespace, object.metadata.name, OPEN)
      : prepare(
          `SELECT field, stage, value FROM freight_records
             WHERE namespace = ? AND freight = ? AND rv_from <= ? AND rv_to > ?
             ORDER BY pos_rv, pos_index`,
        ).all(namespace, object.metadata.name, asOf, asOf)
  ) as Array<{ field: number; stage: string; value: string }>;
  for (const row of rows) {
    const record = records[row.field];
    if (record) record[row.stage] = JSON.parse(row.value);
  }
  return object;
}

/** The stored text of `text` with its records put back (see `assembled`). */
export function assembledText(prepare: Prepare, text: string, apart: number): string {
  return apart === 0 ? text : JSON.stringify(assembled(prepare, text, apart));
}

/** The statements moving the records of Freight stored whole into `freight_records` (migration). */
export function moveRecordsApart(): string[] {
  return APART_FIELDS.flatMap((field, index) => {
    const path = `'$.status.${field}'`;
    const bit = 1 << index;
    return [
      `INSERT INTO freight_records (namespace, freight, rv_to, field, stage, pos_rv, pos_index, value, rv_from)
         SELECT r.namespace, r.name, ${OPEN}, ${index}, e.key, 0, e.id,
           CASE e.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN 'null'
             WHEN 'text' THEN json_quote(e.value) ELSE CAST(e.value AS TEXT) END,
           r.rv
         FROM resources r, json_each(r.body, ${path}) e
         WHERE r.kind = '${FREIGHT}' AND json_type(r.body, ${path}) = 'object'`,
      `UPDATE resources SET apart = apart | ${bit}, body = json_set(body, ${path}, json('{}'))
         WHERE kind = '${FREIGHT}' AND json_type(body, ${path}) = 'object'`,
    ];
  });
}

function recordOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function has(record: Record<string, unknown>, key: string): boolean {
  return Object.hasOwn(record, key) && record[key] !== undefined;
}
