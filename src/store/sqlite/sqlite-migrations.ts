import type { Migration } from '../migrations.js';
import { moveRecordsApart } from './freight-records.js';

/** The SQLite schema, one entry per released change (see migrations.ts). */
export const sqliteMigrations: Migration[] = [
  {
    version: 1,
    name: 'objects, change history and version counter',
    statements: [
      `CREATE TABLE resources (
        kind TEXT NOT NULL,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        uid TEXT NOT NULL,
        rv INTEGER NOT NULL,
        labels TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, namespace, name)
      ) WITHOUT ROWID`,
      `CREATE INDEX resources_by_namespace ON resources (namespace, kind, name)`,
      `CREATE TABLE events (
        rv INTEGER PRIMARY KEY,
        type TEXT NOT NULL,
        kind TEXT NOT NULL,
        namespace TEXT NOT NULL,
        body TEXT NOT NULL
      )`,
      `CREATE TABLE store_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        rv INTEGER NOT NULL,
        compacted_rv INTEGER NOT NULL
      )`,
      `INSERT INTO store_state (id, rv, compacted_rv) VALUES (1, 0, 0)`,
    ],
  },
  {
    version: 2,
    name: 'leases',
    statements: [
      `CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID`,
    ],
  },
  {
    version: 3,
    name: 'lease epochs (fencing tokens)',
    statements: [
      `ALTER TABLE leases ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0`,
      `ALTER TABLE store_state ADD COLUMN lease_epoch INTEGER NOT NULL DEFAULT 0`,
    ],
  },
  {
    version: 4,
    name: 'Freight by alias',
    // Finding a Freight by its alias (admission's uniqueness check, a new alias's candidate)
    // reads one index entry, not every Freight of the project. Queries must spell the
    // expression exactly so (sqlite-store.ts, labelExpression).
    statements: [
      `CREATE INDEX resources_by_alias ON resources
        (kind, namespace, json_extract(labels, '$."kargo.akuity.io/alias"'))`,
    ],
  },
  {
    version: 5,
    name: "Freight's per-Stage records apart from its text",
    // freight-records.ts: one row per member of a Freight's currentlyIn, verifiedIn and
    // approvedFor, with the versions it was current for; existing Freight move theirs here.
    statements: [
      `CREATE TABLE freight_records (
        namespace TEXT NOT NULL,
        freight TEXT NOT NULL,
        rv_to INTEGER NOT NULL,
        field INTEGER NOT NULL,
        stage TEXT NOT NULL,
        pos_rv INTEGER NOT NULL,
        pos_index INTEGER NOT NULL,
        value TEXT NOT NULL,
        rv_from INTEGER NOT NULL,
        PRIMARY KEY (namespace, freight, rv_to, field, stage)
      ) WITHOUT ROWID`,
      `CREATE INDEX freight_records_by_end ON freight_records (rv_to)`,
      `ALTER TABLE resources ADD COLUMN apart INTEGER NOT NULL DEFAULT 0`,
      `ALTER TABLE events ADD COLUMN apart INTEGER NOT NULL DEFAULT 0`,
      ...moveRecordsApart(),
    ],
  },
];
