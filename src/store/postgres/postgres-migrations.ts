import type { Migration } from '../migrations.js';

/** The PostgreSQL schema, one entry per released change (see migrations.ts). */
export const postgresMigrations: Migration[] = [
  {
    version: 1,
    name: 'objects, change history and version counter',
    statements: [
      `CREATE TABLE resources (
        kind TEXT NOT NULL,
        namespace TEXT NOT NULL,
        name TEXT NOT NULL,
        uid TEXT NOT NULL,
        rv BIGINT NOT NULL,
        labels JSONB NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (kind, namespace, name)
      )`,
      `CREATE INDEX resources_by_namespace ON resources (namespace, kind, name)`,
      `CREATE TABLE events (
        rv BIGINT PRIMARY KEY,
        type TEXT NOT NULL,
        kind TEXT NOT NULL,
        namespace TEXT NOT NULL,
        body TEXT NOT NULL
      )`,
      `CREATE TABLE store_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        rv BIGINT NOT NULL,
        compacted_rv BIGINT NOT NULL
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
        expires_at TIMESTAMPTZ NOT NULL
      )`,
    ],
  },
  {
    version: 3,
    name: 'lease epochs (fencing tokens)',
    statements: [
      `ALTER TABLE leases ADD COLUMN epoch BIGINT NOT NULL DEFAULT 0`,
      `CREATE SEQUENCE lease_epochs`,
    ],
  },
  {
    version: 4,
    name: 'provisional versions (a write takes its final versions in its last statement)',
    statements: [
      // A write stores its rows and events under versions from its own slot (see
      // PostgresStore.write) and renumbers them by version when it takes the real ones.
      `CREATE INDEX resources_by_rv ON resources (rv)`,
      `CREATE SEQUENCE provisional_version_slots MAXVALUE 268435455 CYCLE`,
    ],
  },
  {
    version: 5,
    name: 'Freight by alias',
    statements: [
      // Admission's uniqueness check and a new alias's candidate find one Freight by alias
      // (PostgresStore's ALIAS_EXPRESSION); without it each read every Freight of the project.
      `CREATE INDEX resources_by_alias ON resources (kind, namespace, (labels ->> 'kargo.akuity.io/alias'))`,
    ],
  },
  {
    version: 6,
    name: "a lease's previous take",
    statements: [
      // A take records the epoch it replaced (Lease.previousEpoch): a holder learns whether
      // anybody else held the lease since its own last take.
      `ALTER TABLE leases ADD COLUMN previous_epoch BIGINT`,
    ],
  },
];
