import { describe, expect, it } from 'vitest';
import type { ObjectKey, Resource, StoredResource } from '../api/resource.js';
import { isGantryError } from '../errors.js';
import type { WriteOp } from './store.js';
import { planWrites, type StoreSnapshot } from './write-planner.js';

const MAX_OBJECT = 1.5 * 1024 * 1024;
const MAX_ANNOTATIONS = 256 * 1024;

const stored: StoredResource = {
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'Stage',
  metadata: {
    name: 'dev',
    namespace: 'demo',
    uid: 'u1',
    resourceVersion: '1',
    generation: 1,
    creationTimestamp: '2024-01-01T00:00:00Z',
  },
  spec: {},
};
const key: ObjectKey = { kind: 'Stage', namespace: 'demo', name: 'dev' };

const snapshot: StoreSnapshot = {
  get: (k) => (k.name === 'dev' && k.kind === 'Stage' ? stored : undefined),
  listNamespace: () => [],
  findByLabel: () => [],
};

function plan(ops: WriteOp[]) {
  return planWrites(ops, {
    snapshot,
    currentResourceVersion: 1,
    now: new Date('2024-01-02T00:00:00Z'),
    newUid: () => 'u2',
  });
}

function stage(name: string, padding: number, annotations?: Record<string, string>): Resource {
  return {
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: { name, namespace: 'demo', ...(annotations ? { annotations } : {}) },
    spec: { padding: 'x'.repeat(padding) },
  };
}

function refusal(ops: WriteOp[]): { code: string; message: string; issues: unknown[] } {
  try {
    plan(ops);
  } catch (err) {
    if (isGantryError(err)) return { code: err.code, message: err.message, issues: err.issues };
    throw err;
  }
  throw new Error('the write was planned');
}

/** How much padding makes a new Stage named `name` serialise to exactly `bytes`. */
function paddingFor(name: string, bytes: number): number {
  const created = plan([{ op: 'create', object: stage(name, 0) }]).changes[0]!.after!;
  return bytes - JSON.stringify(created).length;
}

describe('planWrites: object size', () => {
  it('stores an object of exactly the limit', () => {
    const padding = paddingFor('new', MAX_OBJECT);
    const { changes } = plan([{ op: 'create', object: stage('new', padding) }]);
    expect(JSON.stringify(changes[0]!.after).length).toBe(MAX_OBJECT);
  });

  it('refuses one byte more with TooLarge, naming the object and the limit', () => {
    const padding = paddingFor('new', MAX_OBJECT) + 1;
    const refused = refusal([
      { op: 'create', object: stage('new', padding), source: { document: 2 } },
    ]);
    expect(refused).toMatchObject({
      code: 'TooLarge',
      message: `Stage "new" in project "demo" would be ${MAX_OBJECT + 1} bytes stored; one object may be at most ${MAX_OBJECT} bytes (1.5 MiB, as in Kubernetes): keep large data in git or an artifact, not in the object`,
      issues: [expect.objectContaining({ document: 2 })],
    });
  });

  it('counts bytes, not characters', () => {
    const refused = refusal([
      {
        op: 'create',
        object: { ...stage('new', 0), spec: { s: 'é'.repeat(800_000) } },
      },
    ]);
    expect(refused.code).toBe('TooLarge');
  });

  it('holds status writes (controllers) to the same limit', () => {
    const refused = refusal([
      { op: 'updateStatus', key, status: { history: ['x'.repeat(MAX_OBJECT)] } },
    ]);
    expect(refused.code).toBe('TooLarge');
    expect(refused.message).toContain('Stage "dev" in project "demo" would be');
  });

  it("bounds every message a status write carries, keeping each one's head and tail", () => {
    const big = `why: ${'x'.repeat(MAX_OBJECT)} end`;
    const { results } = plan([
      {
        op: 'updateStatus',
        key,
        status: {
          message: big,
          conditions: [{ type: 'Healthy', status: 'False', message: big }],
          health: { message: big },
        },
      },
    ]);
    const status = results[0]!.object!.status as {
      message: string;
      conditions: Array<{ message: string }>;
      health: { message: string };
    };
    for (const message of [status.message, status.conditions[0]!.message, status.health.message]) {
      expect(Buffer.byteLength(message)).toBeLessThanOrEqual(4 * 1024);
      expect(message).toMatch(/^why: x+… \[[\d,]+ bytes cut\] …x+ end$/);
    }
  });

  it('bounds annotations together to 256 KiB, however they are written', () => {
    const half = 'x'.repeat(MAX_ANNOTATIONS / 2);
    const patched = refusal([
      {
        op: 'patchMetadata',
        key,
        annotations: { 'a.example.com/one': half, 'a.example.com/two': half },
      },
    ]);
    expect(patched).toMatchObject({
      code: 'TooLarge',
      message: expect.stringContaining(
        `the annotations of Stage "dev" in project "demo" would be ${MAX_ANNOTATIONS + 34} bytes (keys and values together); at most ${MAX_ANNOTATIONS} bytes (256 KiB, as in Kubernetes)`,
      ) as unknown,
    });
    const fits = plan([
      { op: 'patchMetadata', key, annotations: { a: 'x'.repeat(MAX_ANNOTATIONS - 1) } },
    ]);
    expect(fits.results[0]!.outcome).toBe('configured');
  });
});

describe('planWrites: ops that depend on an earlier one (`when`)', () => {
  const record = (name: string): Resource => ({
    apiVersion: 'gantry.io/v1',
    kind: 'AuditEvent',
    metadata: { name, namespace: 'demo' },
    spec: {},
  });

  it.each([
    { write: stage('dev', 1), outcome: 'configured', kept: 'updated' },
    { write: stage('qa', 1), outcome: 'created', kept: 'created' },
  ] as const)('keeps only the record whose outcome the write had ($outcome)', (c) => {
    const planned = plan([
      { op: 'apply', object: c.write },
      { op: 'create', object: record('created'), when: { op: 0, outcome: 'created' } },
      { op: 'create', object: record('updated'), when: { op: 0, outcome: 'configured' } },
    ]);
    expect(planned.results.map((r) => r.outcome)).toEqual(
      c.outcome === 'created'
        ? ['created', 'created', 'unchanged']
        : ['configured', 'unchanged', 'created'],
    );
    expect(planned.changes.map((change) => change.key.name)).toEqual([
      c.write.metadata.name,
      c.kept,
    ]);
    // One version after the other, in one batch.
    expect(planned.changes.map((change) => change.event.resourceVersion)).toEqual(['2', '3']);
  });

  it('writes nothing at all when the write it depends on changed nothing', () => {
    const unchanged = plan([
      { op: 'apply', object: { ...stored, spec: {} } },
      { op: 'create', object: record('updated'), when: { op: 0, outcome: 'configured' } },
    ]);
    expect(unchanged.results.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    expect(unchanged.changes).toEqual([]);
    expect(unchanged.lastResourceVersion).toBe(1);
  });

  it('refuses to depend on an op that is not before it', () => {
    expect(() =>
      plan([
        { op: 'create', object: record('early'), when: { op: 1, outcome: 'created' } },
        { op: 'apply', object: stage('qa', 1) },
      ]),
    ).toThrow('a write op depends on op 1, which is not before it');
  });
});

describe('planWrites: what it hands the backend', () => {
  it('hands each stored object over with the length of its text', () => {
    const { changes } = plan([
      { op: 'apply', object: stage('qa', 10) },
      { op: 'updateStatus', key, status: { phase: 'Steady', skipped: undefined } },
    ]);
    expect(changes).toHaveLength(2);
    for (const change of changes) {
      const text = JSON.stringify(change.after);
      expect(change.length).toBe(text.length);
      // The object as plain JSON data: what parsing the text gives back.
      expect(change.after).toStrictEqual(JSON.parse(text));
    }
  });

  it('keeps the unchanged parts of a status and finds an equal one unchanged', () => {
    const entries = Object.fromEntries(
      Array.from({ length: 3 }, (_, i) => [`s${i}`, { since: `t${i}` }]),
    );
    const withStatus: StoredResource = { ...stored, status: { phase: 'A', entries } };
    const snapshotWithStatus: StoreSnapshot = { ...snapshot, get: () => withStatus };
    const planned = (status: unknown) =>
      planWrites([{ op: 'updateStatus', key, status }], {
        snapshot: snapshotWithStatus,
        currentResourceVersion: 1,
        now: new Date('2024-01-02T00:00:00Z'),
        newUid: () => 'u2',
      });
    // Equal as JSON (members in another order): nothing to write.
    expect(planned({ entries: { ...entries }, phase: 'A' }).changes).toEqual([]);
    const { changes } = planned({ phase: 'B', entries: { ...entries, s3: { since: 't3' } } });
    const status = changes[0]!.after!.status as { entries: Record<string, unknown> };
    expect(status.entries.s0).toBe(entries.s0);
    expect(status.entries.s3).toEqual({ since: 't3' });
  });
});

describe('planWrites: metadata.managedFields (the Kubernetes API’s field ownership)', () => {
  const owned = [{ manager: 'kubectl-edit', operation: 'Update', fieldsType: 'FieldsV1' }];
  const withFields = (managedFields: unknown[] | undefined): Resource => ({
    ...stage('dev', 0),
    spec: {},
    metadata: {
      name: 'dev',
      namespace: 'demo',
      ...(managedFields ? { managedFields } : {}),
    },
  });

  it('keeps them on create, replaces them by a write that carries them, keeps them otherwise', () => {
    const created = plan([
      {
        op: 'create',
        object: { ...withFields(owned), metadata: { ...withFields(owned).metadata, name: 'new' } },
      },
    ]);
    expect(created.changes[0]!.after!.metadata.managedFields).toEqual(owned);
    const given = plan([{ op: 'update', object: withFields(owned) }]);
    expect(given.results[0]!.outcome).toBe('configured');
    expect(given.changes[0]!.after!.metadata.managedFields).toEqual(owned);
    // A write without them (Gantry's own API) changes nothing: nothing to write.
    const without = plan([{ op: 'update', object: withFields(undefined) }]);
    expect(without.results[0]!.outcome).toBe('unchanged');
    const owning: StoredResource = {
      ...stored,
      metadata: { ...stored.metadata, managedFields: owned },
    };
    const relabelled = planWrites(
      [
        {
          op: 'update',
          object: {
            ...withFields(undefined),
            metadata: { name: 'dev', namespace: 'demo', labels: { a: 'b' } },
          },
        },
      ],
      {
        snapshot: { ...snapshot, get: (k) => (k.name === 'dev' ? owning : undefined) },
        currentResourceVersion: 1,
        now: new Date('2024-01-02T00:00:00Z'),
        newUid: () => 'u2',
      },
    );
    expect(relabelled.changes[0]!.after!.metadata).toMatchObject({
      labels: { a: 'b' },
      managedFields: owned,
    });
  });
});
