import { GantryError } from '../errors.js';

/**
 * A numbered, forward-only schema change. Versions start at 1 and never change once
 * released; a new change is a new number. There is no "down": Gantry refuses to open a
 * store written by a newer version instead of guessing.
 */
export interface Migration {
  version: number;
  name: string;
  /** SQL statements, run in order inside one transaction with the version bookkeeping. */
  statements: string[];
}

/** The migrations still to run, given the versions already applied. */
export function pendingMigrations(known: Migration[], applied: number[]): Migration[] {
  known.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migration list is not numbered 1..n at "${migration.name}"`);
    }
  });
  const newest = Math.max(0, ...applied);
  if (newest > known.length) {
    throw new GantryError(
      'Unavailable',
      `the store was written by a newer Gantry (schema version ${newest}; this version knows up to ${known.length}); upgrade Gantry or use another data directory`,
    );
  }
  const done = new Set(applied);
  return known.filter((migration) => !done.has(migration.version));
}
