import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isGantryError } from '../errors.js';
import { ATOMIC, objectSchema, type FieldType } from './apply-schema.js';
import { FieldSet, pathString } from './field-set.js';
import { kubeResource, type KubeResource } from './kube-resources.js';
import { kubeStatus } from './kube-status.js';
import { decodeManagedFields } from './managed-fields.js';
import { managedFieldsAfterUpdate, serverSideApply } from './server-side-apply.js';

const NOW = new Date('2026-12-06T16:00:00.123Z');
const LATER = new Date('2026-12-06T16:05:00Z');
type Obj = Record<string, unknown>;

const stages = kubeResource('kargo.akuity.io', 'v1alpha1', 'stages')!;
const projectConfigs = kubeResource('kargo.akuity.io', 'v1alpha1', 'projectconfigs')!;
const secrets = kubeResource('', 'v1', 'secrets')!;

/* ------------------------------------------------------------------------------------------
 * structured-merge-diff's merge tests (sigs.k8s.io/structured-merge-diff/merge/*_test.go),
 * translated: each case names its upstream file, test and case. The operations run through
 * serverSideApply (Apply, ForceApply) and managedFieldsAfterUpdate (Update) on an object whose
 * top-level fields are the upstream schema's; the expected object and managed fields are
 * upstream's. Upstream's per-manager API versions (v1, v2, v3 on one type) are all the
 * resource's one here: Gantry serves one version per kind.
 * ---------------------------------------------------------------------------------------- */

const TEST_RESOURCE: KubeResource = { ...secrets, kind: 'Test', status: false };

/** merge/leaf_test.go leafFieldsParser. */
const LEAF = objectSchema({ numeric: ATOMIC, string: ATOMIC, bool: ATOMIC });
/** merge/set_test.go setFieldsParser: `list` is a set of strings. */
const SETS = objectSchema({ list: { kind: 'set' } });
/** merge/key_test.go associativeListParser: `list` keyed by name. */
const ASSOCIATIVE = objectSchema({
  list: { kind: 'listMap', keys: ['name'], elements: { kind: 'struct', fields: {} } },
});

/** merge/nested_test.go nestedTypeParser (the parts used here). */
const NESTED = objectSchema({
  listOfMaps: {
    kind: 'listMap',
    keys: ['name'],
    elements: { kind: 'struct', fields: { value: { kind: 'map', elements: ATOMIC } } },
  },
  mapOfMaps: { kind: 'map', elements: { kind: 'map', elements: ATOMIC } },
  struct: { kind: 'struct', fields: { name: ATOMIC, value: ATOMIC } },
});

interface Operation {
  op: 'apply' | 'forceApply' | 'update';
  manager: string;
  object: string;
  /** Expected conflicts, as `manager path`. */
  conflicts?: string[];
}

interface UpstreamCase {
  upstream: string;
  schema: FieldType;
  ops: Operation[];
  object: string;
  /** Each manager's paths, as kube-apiserver prints them (upstream leaves some unchecked). */
  managed?: Record<string, string[]>;
}

const apply = (manager: string, object: string, conflicts?: string[]): Operation => ({
  op: 'apply',
  manager,
  object,
  conflicts,
});
const forceApply = (manager: string, object: string): Operation => ({
  op: 'forceApply',
  manager,
  object,
});
const update = (manager: string, object: string): Operation => ({ op: 'update', manager, object });

const UPSTREAM: UpstreamCase[] = [
  {
    upstream: 'merge/leaf_test.go TestUpdateLeaf apply_twice',
    schema: LEAF,
    ops: [
      apply('default', 'numeric: 1\nstring: "string"'),
      apply('default', 'numeric: 2\nstring: "string"\nbool: false'),
    ],
    object: 'numeric: 2\nstring: "string"\nbool: false',
    managed: { default: ['.bool', '.numeric', '.string'] },
  },
  {
    upstream: 'merge/leaf_test.go TestUpdateLeaf apply_update_apply_no_conflict',
    schema: LEAF,
    ops: [
      apply('default', 'numeric: 1\nstring: "string"'),
      update('controller', 'numeric: 1\nstring: "string"\nbool: true'),
      apply('default', 'numeric: 2\nstring: "string"'),
    ],
    object: 'numeric: 2\nstring: "string"\nbool: true',
    managed: { default: ['.numeric', '.string'], controller: ['.bool'] },
  },
  {
    upstream: 'merge/leaf_test.go TestUpdateLeaf apply_update_apply_with_conflict',
    schema: LEAF,
    ops: [
      apply('default', 'numeric: 1\nstring: "string"'),
      update('controller', 'numeric: 1\nstring: "controller string"\nbool: true'),
      apply('default', 'numeric: 2\nstring: "user string"', ['controller .string']),
      forceApply('default', 'numeric: 2\nstring: "user string"'),
    ],
    object: 'numeric: 2\nstring: "user string"\nbool: true',
    managed: { default: ['.numeric', '.string'], controller: ['.bool'] },
  },
  {
    upstream: 'merge/leaf_test.go TestUpdateLeaf apply_twice_remove',
    schema: LEAF,
    ops: [
      apply('default', 'numeric: 1\nstring: "string"\nbool: false'),
      apply('default', 'string: "new string"'),
    ],
    object: 'string: "new string"',
    managed: { default: ['.string'] },
  },
  {
    upstream: 'merge/leaf_test.go TestUpdateLeaf update_apply_omits',
    schema: LEAF,
    ops: [apply('default', 'numeric: 2'), update('controller', 'numeric: 1'), apply('default', '')],
    object: 'numeric: 1',
    managed: { controller: ['.numeric'] },
  },
  {
    upstream: 'merge/set_test.go TestUpdateSet apply_twice',
    schema: SETS,
    ops: [apply('default', 'list: [a, c]'), apply('default', 'list: [a, b, c, d]')],
    object: 'list: [a, b, c, d]',
    managed: { default: ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] },
  },
  {
    upstream: 'merge/set_test.go TestUpdateSet apply_update_apply_no_overlap',
    schema: SETS,
    ops: [
      apply('default', 'list: [a, c]'),
      update('controller', 'list: [a, b, c, d]'),
      apply('default', 'list: [a, aprime, c, cprime]'),
    ],
    object: 'list: [a, b, aprime, c, d, cprime]',
    managed: {
      default: ['.list[="a"]', '.list[="aprime"]', '.list[="c"]', '.list[="cprime"]'],
      controller: ['.list[="b"]', '.list[="d"]'],
    },
  },
  {
    upstream: 'merge/set_test.go TestUpdateSet apply_update_apply_with_overlap',
    schema: SETS,
    ops: [
      apply('default', 'list: [a, c]'),
      update('controller', 'list: [a, b, c, d]'),
      apply('default', 'list: [a, b, c]'),
    ],
    object: 'list: [a, b, c, d]',
    managed: {
      default: ['.list[="a"]', '.list[="b"]', '.list[="c"]'],
      controller: ['.list[="b"]', '.list[="d"]'],
    },
  },
  {
    upstream: 'merge/set_test.go TestUpdateSet apply_twice_reorder',
    schema: SETS,
    ops: [apply('default', 'list: [a, b, c, d]'), apply('default', 'list: [a, d, c, b]')],
    object: 'list: [a, d, c, b]',
    managed: { default: ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] },
  },
  {
    upstream: 'merge/set_test.go TestUpdateSet apply_update_apply_reorder',
    schema: SETS,
    ops: [
      apply('default', 'list: [a, b, c, d]'),
      update('controller', 'list: [a, d, c, b]'),
      apply('default', 'list: [a, b, c, d]'),
    ],
    object: 'list: [a, b, c, d]',
    managed: { default: ['.list[="a"]', '.list[="b"]', '.list[="c"]', '.list[="d"]'] },
  },
  {
    upstream: 'merge/set_test.go TestUpdateSet apply_twice_remove',
    schema: SETS,
    ops: [apply('default', 'list: [a, b, c, d]'), apply('default', 'list: [a, c]')],
    object: 'list: [a, c]',
    managed: { default: ['.list[="a"]', '.list[="c"]'] },
  },
  {
    upstream: 'merge/key_test.go TestUpdateAssociativeLists removing_obsolete_applied_structs',
    schema: ASSOCIATIVE,
    ops: [
      apply('default', 'list: [{name: a, value: 1}]'),
      apply('default', 'list: [{name: b, value: 2}]'),
    ],
    object: 'list: [{name: b, value: 2}]',
    managed: {
      default: ['.list[name="b"]', '.list[name="b"].name', '.list[name="b"].value'],
    },
  },
  {
    upstream: 'merge/multiple_appliers_test.go TestMultipleAppliersSet remove_one',
    schema: ASSOCIATIVE,
    ops: [
      apply('apply-one', 'list: [{name: a}, {name: b}]'),
      apply('apply-two', 'list: [{name: c}]'),
      apply('apply-one', 'list: [{name: a}]'),
    ],
    object: 'list: [{name: a}, {name: c}]',
    managed: {
      'apply-one': ['.list[name="a"]', '.list[name="a"].name'],
      'apply-two': ['.list[name="c"]', '.list[name="c"].name'],
    },
  },
  {
    upstream: 'merge/multiple_appliers_test.go TestMultipleAppliersSet same_value_no_conflict',
    schema: ASSOCIATIVE,
    ops: [
      apply('apply-one', 'list: [{name: a, value: 0}]'),
      apply('apply-two', 'list: [{name: a, value: 0}]'),
    ],
    object: 'list: [{name: a, value: 0}]',
    managed: {
      'apply-one': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value'],
      'apply-two': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value'],
    },
  },
  {
    upstream: 'merge/multiple_appliers_test.go TestMultipleAppliersSet change_value_yes_conflict',
    schema: ASSOCIATIVE,
    ops: [
      apply('apply-one', 'list: [{name: a, value: 0}]'),
      apply('apply-two', 'list: [{name: a, value: 1}]', ['apply-one .list[name="a"].value']),
    ],
    object: 'list: [{name: a, value: 0}]',
    managed: {
      'apply-one': ['.list[name="a"]', '.list[name="a"].name', '.list[name="a"].value'],
    },
  },
  {
    upstream: 'merge/multiple_appliers_test.go TestMultipleAppliersSet remove_one_keep_one',
    schema: ASSOCIATIVE,
    ops: [
      apply('apply-one', 'list: [{name: a}, {name: b}, {name: c}]'),
      apply('apply-two', 'list: [{name: c}, {name: d}]'),
      apply('apply-one', 'list: [{name: a}]'),
    ],
    object: 'list: [{name: a}, {name: c}, {name: d}]',
    managed: {
      'apply-one': ['.list[name="a"]', '.list[name="a"].name'],
      'apply-two': [
        '.list[name="c"]',
        '.list[name="c"].name',
        '.list[name="d"]',
        '.list[name="d"].name',
      ],
    },
  },
  {
    upstream: 'merge/nested_test.go TestUpdateNestedType listOfMaps_change_value',
    schema: NESTED,
    ops: [
      apply('default', 'listOfMaps: [{name: a, value: {b: x, c: y}}]'),
      apply('default', 'listOfMaps: [{name: a, value: {a: x, c: z}}]'),
    ],
    object: 'listOfMaps: [{name: a, value: {a: x, c: z}}]',
    managed: {
      default: [
        '.listOfMaps[name="a"]',
        '.listOfMaps[name="a"].name',
        '.listOfMaps[name="a"].value.a',
        '.listOfMaps[name="a"].value.c',
      ],
    },
  },
  {
    upstream: 'merge/nested_test.go TestUpdateNestedType mapOfMaps_change_value',
    schema: NESTED,
    ops: [
      apply('default', 'mapOfMaps: {a: {b: x, c: y}}'),
      apply('default', 'mapOfMaps: {a: {a: x, c: z}}'),
    ],
    object: 'mapOfMaps: {a: {a: x, c: z}}',
    managed: { default: ['.mapOfMaps.a', '.mapOfMaps.a.a', '.mapOfMaps.a.c'] },
  },
  {
    upstream: 'merge/nested_test.go TestUpdateNestedType mapOfMaps_change_key_and_value',
    schema: NESTED,
    ops: [
      apply('default', 'mapOfMaps: {a: {b: x, c: y}}'),
      apply('default', 'mapOfMaps: {b: {a: x, c: z}}'),
    ],
    object: 'mapOfMaps: {b: {a: x, c: z}}',
    managed: { default: ['.mapOfMaps.b', '.mapOfMaps.b.a', '.mapOfMaps.b.c'] },
  },
  {
    upstream: 'merge/nested_test.go TestUpdateNestedType struct_apply_remove_all',
    schema: NESTED,
    ops: [apply('default', 'struct: {name: a, value: 1}'), apply('default', '')],
    object: '',
    managed: {},
  },
  {
    upstream: 'merge/nested_test.go TestUpdateNestedType struct_apply_update_remove_all',
    schema: NESTED,
    ops: [
      apply('default', 'struct: {name: a}'),
      update('controller', 'struct: {name: a, value: 1}'),
      apply('default', ''),
    ],
    object: 'struct: {value: 1}',
  },
  {
    upstream: 'merge/nested_test.go TestUpdateNestedType struct_apply_update_dict_dangling',
    schema: NESTED,
    ops: [
      apply('default', 'struct: {name: a}'),
      update('controller', 'struct: {name: a, value: 1}'),
      apply('default', 'struct: {}'),
    ],
    object: 'struct: {value: 1}',
  },
  {
    upstream: 'merge/nested_test.go TestUpdateNestedType struct_apply_update_dict_null',
    schema: NESTED,
    ops: [
      apply('default', 'struct: {name: a}'),
      update('controller', 'struct: {name: a, value: 1}'),
      apply('default', 'struct:'),
    ],
    object: 'struct: {value: 1}',
  },
  {
    upstream: 'merge/nested_test.go TestUpdateNestedType struct_apply_update_took_over',
    schema: NESTED,
    ops: [
      apply('default', 'struct: {name: a}'),
      update('controller', 'struct: {name: b, value: 1}'),
      apply('default', 'struct:'),
    ],
    object: 'struct: {name: b, value: 1}',
  },
];

function testObject(yamlText: string): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Test',
    metadata: { name: 'x' },
    ...((parse(yamlText) as Obj | null) ?? {}),
  };
}

/** Each manager's paths in an object's managedFields. */
function managedPaths(object: Obj | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const managers = decodeManagedFields((object?.['metadata'] as Obj)['managedFields']);
  for (const entry of managers.values())
    out[entry.manager] = entry.fields.paths().map(pathString).sort();
  return out;
}

function content(object: Obj | undefined): Obj {
  const { apiVersion, kind, metadata, ...rest } = object ?? {};
  void apiVersion;
  void kind;
  void metadata;
  return rest;
}

describe('server-side apply: structured-merge-diff merge tests, translated', () => {
  it.each(UPSTREAM.map((c) => [c.upstream, c] as const))('%s', (_name, test) => {
    let live: Obj | undefined;
    for (const [i, op] of test.ops.entries()) {
      const object = testObject(op.object);
      const now = new Date(NOW.getTime() + i * 1000);
      if (op.op === 'update') {
        const managedFields = managedFieldsAfterUpdate(
          live,
          object,
          op.manager,
          now,
          undefined,
          test.schema,
        );
        live = { ...object, metadata: { ...(object['metadata'] as Obj), managedFields } };
        continue;
      }
      const run = () =>
        serverSideApply(live, object, {
          resource: TEST_RESOURCE,
          manager: op.manager,
          force: op.op === 'forceApply',
          now,
          schema: test.schema,
        });
      if (op.conflicts) {
        const err = catchError(run);
        expect(isGantryError(err, 'Conflict')).toBe(true);
        expect(
          (err as { issues: Array<{ path: string; message: string }> }).issues.map(
            (issue) => `${/"([^"]+)"/.exec(issue.message)?.[1]} ${issue.path}`,
          ),
        ).toEqual(op.conflicts);
        continue;
      }
      live = run();
    }
    expect(content(live)).toEqual(parse(test.object) ?? {});
    if (test.managed) expect(managedPaths(live)).toEqual(test.managed);
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

/* ------------------------------------------------------------------------------------------
 * FieldsV1, as kube-apiserver writes it (fieldpath/serialize.go).
 * ---------------------------------------------------------------------------------------- */

describe('FieldsV1 sets', () => {
  it('reads and writes the trie form: "." marks a node that is also a member', () => {
    const fields = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:promotionWindows': {
          'k:{"name":"nights"}': { '.': {}, 'f:name': {}, 'f:start': {} },
        },
        'f:shard': {},
      },
      'f:status': { 'f:list': { 'v:"a"': {} } },
    };
    const set = FieldSet.fromFieldsV1(fields);
    expect(set.paths().map(pathString)).toEqual([
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec.shard',
      '.spec.promotionWindows[name="nights"]',
      '.spec.promotionWindows[name="nights"].name',
      '.spec.promotionWindows[name="nights"].start',
      '.status.list[="a"]',
    ]);
    expect(set.toFieldsV1()).toEqual(fields);
    expect(JSON.stringify(set.toFieldsV1())).toBe(JSON.stringify(fields));
  });

  it.each([
    [{ 'x:spec': {} }, /"x:spec", not a path element/],
    [{ 'f:spec': [] }, /fieldsV1\["f:spec"\] must be an object/],
  ])('refuses a malformed FieldsV1 %j', (fields, message) => {
    expect(() => FieldSet.fromFieldsV1(fields)).toThrow(message);
  });
});

/* ------------------------------------------------------------------------------------------
 * Gantry's kinds, with Kargo's CRD merge rules.
 * ---------------------------------------------------------------------------------------- */

const stage = (spec: Obj, labels?: Record<string, string>): Obj => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind: 'Stage',
  metadata: { name: 'qa', namespace: 'demo', ...(labels ? { labels } : {}) },
  spec,
});

const applyStage = (live: Obj | undefined, applied: Obj, manager: string, force = false) =>
  serverSideApply(live, applied, { resource: stages, manager, force, now: NOW });

describe('server-side apply of Gantry objects', () => {
  it('creates by apply, owning what the configuration sets, in kube-apiserver FieldsV1', () => {
    const created = applyStage(undefined, stage({ shard: 'east' }, { app: 'web' }), 'kubectl');
    expect(created['spec']).toEqual({ shard: 'east' });
    expect((created['metadata'] as Obj)['managedFields']).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'kargo.akuity.io/v1alpha1',
        time: '2026-12-06T16:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': { 'f:shard': {} },
        },
      },
    ]);
  });

  it('applying the same configuration again changes nothing, not even the time', () => {
    const first = applyStage(undefined, stage({ shard: 'east' }), 'kubectl');
    const again = serverSideApply(first, stage({ shard: 'east' }), {
      resource: stages,
      manager: 'kubectl',
      force: false,
      now: LATER,
    });
    expect(again).toEqual(first);
  });

  it("conflicts on a field another manager set to another value, with kube-apiserver's Status", () => {
    const live = edited(applyStage(undefined, stage({ shard: 'east' }), 'kubectl'), {
      shard: 'west',
    });
    const err = catchError(() => applyStage(live, stage({ shard: 'north' }), 'kubectl'));
    const { status, body } = kubeStatus(err);
    expect(status).toBe(409);
    expect(body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Apply failed with 1 conflict: conflict with "kubectl-edit" using kargo.akuity.io/v1alpha1: .spec.shard',
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl-edit" using kargo.akuity.io/v1alpha1',
            field: '.spec.shard',
          },
        ],
      },
      code: 409,
    });
  });

  it('lists every conflict, grouped by manager, when there are several', () => {
    const live = serverSideApply(
      applyStage(undefined, stage({ shard: 'east', description: 'a' }), 'argocd'),
      stage({ shard: 'east', description: 'a' }),
      { resource: stages, manager: 'other', force: false, now: NOW },
    );
    const err = catchError(() =>
      applyStage(live, stage({ shard: 'west', description: 'b' }), 'third'),
    );
    expect((err as Error).message).toBe(
      'Apply failed with 4 conflicts: conflicts with "argocd":\n- .spec.description\n- .spec.shard\n' +
        'conflicts with "other":\n- .spec.description\n- .spec.shard',
    );
  });

  it('force takes the fields: the other manager loses them, and its emptied entry goes', () => {
    const live = edited(applyStage(undefined, stage({ shard: 'east' }), 'kubectl'), {
      shard: 'west',
    });
    const forced = applyStage(live, stage({ shard: 'north' }), 'kubectl', true);
    expect(forced['spec']).toEqual({ shard: 'north' });
    expect(managedPaths(forced)).toEqual({ kubectl: ['.spec.shard'] });
  });

  it('the same value is shared ownership, no conflict; the field stays while either applies it', () => {
    const one = applyStage(undefined, stage({ shard: 'east', description: 'd' }), 'one');
    const both = applyStage(one, stage({ shard: 'east' }), 'two');
    expect(managedPaths(both)).toEqual({
      one: ['.spec.description', '.spec.shard'],
      two: ['.spec.shard'],
    });
    const oneLeaves = applyStage(both, stage({ description: 'd' }), 'one');
    expect(oneLeaves['spec']).toEqual({ shard: 'east', description: 'd' });
    const twoLeaves = applyStage(oneLeaves, stage({}), 'two');
    expect(twoLeaves['spec']).toEqual({ description: 'd' });
  });

  it('labels and annotations are granular maps: each applier keeps and removes its own keys', () => {
    const a = applyStage(undefined, stage({ shard: 'east' }, { team: 'web' }), 'a');
    const { spec: _none, ...labelsOnly } = stage({}, { tier: 'gold' });
    void _none;
    const ab = applyStage(a, labelsOnly, 'b');
    expect((ab['metadata'] as Obj)['labels']).toEqual({ team: 'web', tier: 'gold' });
    const aDropsTeam = applyStage(ab, stage({ shard: 'east' }), 'a');
    expect((aDropsTeam['metadata'] as Obj)['labels']).toEqual({ tier: 'gold' });
    expect(managedPaths(aDropsTeam)).toEqual({
      a: ['.spec.shard'],
      b: ['.metadata.labels.tier'],
    });
  });

  it('lists are atomic unless the CRD says otherwise: the whole list is one field', () => {
    const requested = (origins: string[]) => ({
      requestedFreight: origins.map((name) => ({ origin: { kind: 'Warehouse', name } })),
    });
    const one = applyStage(undefined, stage(requested(['a'])), 'one');
    expect(managedPaths(one)).toEqual({ one: ['.spec.requestedFreight'] });
    const err = catchError(() => applyStage(one, stage(requested(['a', 'b'])), 'two'));
    expect((err as Error).message).toContain('conflict with "one": .spec.requestedFreight');
  });

  it("a ProjectConfig's promotionWindows are a map list keyed by name (Kargo's CRD)", () => {
    const config = (windows: Obj[]): Obj => ({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'ProjectConfig',
      metadata: { name: 'demo', namespace: 'demo' },
      spec: { promotionWindows: windows },
    });
    const apply = (live: Obj | undefined, windows: Obj[], manager: string) =>
      serverSideApply(live, config(windows), {
        resource: projectConfigs,
        manager,
        force: false,
        now: NOW,
      });
    const nights = { name: 'nights', schedule: '0 22 * * *', duration: '8h' };
    const weekend = { name: 'weekend', schedule: '0 0 * * 6', duration: '48h' };
    const one = apply(undefined, [nights], 'platform');
    const two = apply(one, [weekend], 'team');
    expect((two['spec'] as Obj)['promotionWindows']).toEqual([nights, weekend]);
    expect(managedPaths(two)['team']).toEqual([
      '.spec.promotionWindows[name="weekend"]',
      '.spec.promotionWindows[name="weekend"].duration',
      '.spec.promotionWindows[name="weekend"].name',
      '.spec.promotionWindows[name="weekend"].schedule',
    ]);
    const err = catchError(() => apply(two, [{ ...nights, duration: '9h' }], 'team'));
    expect((err as Error).message).toBe(
      'Apply failed with 1 conflict: conflict with "platform": .spec.promotionWindows[name="nights"].duration',
    );
    const withoutWeekend = apply(two, [], 'team');
    expect((withoutWeekend['spec'] as Obj)['promotionWindows']).toEqual([nights]);
  });

  it("a Secret's data is a map: keys the applier stops applying are removed", () => {
    const secret = (data: Record<string, string>): Obj => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'demo' },
      data,
    });
    const options = { resource: secrets, manager: 'argocd-controller', force: true, now: NOW };
    const first = serverSideApply(undefined, secret({ a: 'YQ==', b: 'Yg==' }), options);
    const second = serverSideApply(first, secret({ a: 'YQ==' }), options);
    expect(second['data']).toEqual({ a: 'YQ==' });
    expect((second['metadata'] as Obj)['managedFields']).toMatchObject([
      { fieldsV1: { 'f:data': { 'f:a': {} } } },
    ]);
  });

  it('status and server-set metadata are never taken from the configuration nor owned', () => {
    const live: Obj = {
      ...applyStage(undefined, stage({ shard: 'east' }), 'kubectl'),
      status: { phase: 'Steady' },
    };
    (live['metadata'] as Obj)['uid'] = 'u-1';
    const applied: Obj = {
      ...stage({ shard: 'east' }),
      status: { phase: 'Hacked' },
    };
    (applied['metadata'] as Obj)['uid'] = 'u-2';
    (applied['metadata'] as Obj)['generation'] = 7;
    const after = applyStage(live, applied, 'kubectl');
    expect(after['status']).toEqual({ phase: 'Steady' });
    expect((after['metadata'] as Obj)['uid']).toBe('u-1');
    expect((after['metadata'] as Obj)['generation']).toBeUndefined();
    expect(managedPaths(after)).toEqual({ kubectl: ['.spec.shard'] });
  });

  it('compares with the stored object after Kargo defaults: the same manifest again is no change', () => {
    const manifest = stage({
      requestedFreight: [{ origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } }],
    });
    const created = applyStage(undefined, manifest, 'one');
    // The store keeps the object as validated, with its defaults.
    const stored = { ...created, spec: stagesSchemaDefaults(created['spec'] as Obj) };
    expect(stored['spec']).not.toEqual(manifest['spec']);
    expect(applyStage(stored, manifest, 'one')).toEqual(stored);
    const shared = applyStage(stored, manifest, 'two');
    expect(managedPaths(shared)).toEqual({
      one: ['.spec.requestedFreight'],
      two: ['.spec.requestedFreight'],
    });
  });

  it('an object no one manages yet is first owned by "before-first-apply"', () => {
    const live = stage({ shard: 'east' });
    const err = catchError(() => applyStage(live, stage({ shard: 'west' }), 'kubectl'));
    expect((err as Error).message).toBe(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using kargo.akuity.io/v1alpha1: .spec.shard',
    );
    const forced = applyStage(live, stage({ shard: 'west' }), 'kubectl', true);
    // It keeps `.spec` itself (the map it "created"), as in kube-apiserver.
    expect(managedPaths(forced)).toEqual({
      'before-first-apply': ['.spec'],
      kubectl: ['.spec.shard'],
    });
  });

  it.each([
    [{ manager: '' }, stage({}), /fieldManager: Required value/],
    [{ manager: 'x'.repeat(129) }, stage({}), /may not be more than 128 bytes/],
    [
      {},
      { ...stage({}), apiVersion: 'kargo.akuity.io/v1' },
      /Specified patch version: kargo.akuity.io\/v1, expected: kargo.akuity.io\/v1alpha1/,
    ],
    [
      {},
      { ...stage({}), kind: 'Warehouse' },
      /applied object \(Warehouse\) does not match the resource \(Stage\)/,
    ],
    [
      {},
      { ...stage({}), metadata: { name: 'qa', managedFields: [] } },
      /metadata.managedFields must be nil/,
    ],
  ])('refuses a bad apply %#', (override, applied, message) => {
    const err = catchError(() =>
      serverSideApply(undefined, applied, {
        resource: stages,
        manager: 'kubectl',
        force: false,
        now: NOW,
        ...override,
      }),
    );
    expect(isGantryError(err, 'Invalid')).toBe(true);
    expect((err as Error).message).toMatch(message);
  });

  it('refuses map-list items without their key, and duplicate keys', () => {
    const config = (windows: Obj[]): Obj => ({
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'ProjectConfig',
      metadata: { name: 'demo', namespace: 'demo' },
      spec: { promotionWindows: windows },
    });
    const run = (windows: Obj[]) => () =>
      serverSideApply(undefined, config(windows), {
        resource: projectConfigs,
        manager: 'm',
        force: false,
        now: NOW,
      });
    expect(run([{ schedule: 'x' }])).toThrow(
      /\.spec\.promotionWindows\[0\]: associative list with keys has an element that omits key field "name"/,
    );
    expect(run([{ name: 'a' }, { name: 'a' }])).toThrow(/duplicate entries for key \[name="a"\]/);
  });
});

/** A Stage's spec as Gantry stores it: validated, with Kargo's defaults. */
function stagesSchemaDefaults(spec: Obj): Obj {
  const parsed = stages.gantry.schema.parse(stage(spec)) as Obj;
  return parsed['spec'] as Obj;
}

/** A kubectl edit (an Update by `kubectl-edit`) of a Stage's spec. */
function edited(live: Obj, spec: Obj): Obj {
  const after = { ...live, spec };
  const managedFields = managedFieldsAfterUpdate(live, after, 'kubectl-edit', LATER);
  return { ...after, metadata: { ...(live['metadata'] as Obj), managedFields } };
}

describe('managed fields after writes that are not applies', () => {
  it('a create owns everything it set, with "." on the maps it created', () => {
    const managedFields = managedFieldsAfterUpdate(
      undefined,
      stage({ shard: 'east' }, { app: 'web' }),
      'kubectl-create',
      NOW,
    );
    expect(managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'kargo.akuity.io/v1alpha1',
        time: '2026-12-06T16:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': { '.': {}, 'f:shard': {} },
        },
      },
    ]);
  });

  it('an update takes the fields it changed; unchanged fields keep their owners; empty entries go', () => {
    const created = stage({ shard: 'east', description: 'd' });
    const live = {
      ...created,
      metadata: {
        ...(created['metadata'] as Obj),
        managedFields: managedFieldsAfterUpdate(undefined, created, 'creator', NOW),
      },
    };
    const changed = stage({ shard: 'west', description: 'd' });
    const after = managedFieldsAfterUpdate(live, changed, 'kubectl-edit', LATER);
    const managers = decodeManagedFields(after);
    expect(
      [...managers.values()].map((e) => [e.manager, e.fields.paths().map(pathString)]),
    ).toEqual([
      ['creator', ['.spec', '.spec.description']],
      ['kubectl-edit', ['.spec.shard']],
    ]);
    // Taking the last field of an entry drops the entry.
    const live2 = {
      ...changed,
      metadata: { ...(changed['metadata'] as Obj), managedFields: after },
    };
    const all = managedFieldsAfterUpdate(live2, stage({ description: 'e' }), 'other', LATER);
    expect(decodeManagedFields(all).size).toBe(2);
    expect(all.map((e) => e['manager'])).toEqual(['creator', 'other']);
  });

  it('a write that changes nothing changes no entry', () => {
    const created = stage({ shard: 'east' });
    const managedFields = managedFieldsAfterUpdate(undefined, created, 'creator', NOW);
    const live = { ...created, metadata: { ...(created['metadata'] as Obj), managedFields } };
    expect(managedFieldsAfterUpdate(live, created, 'someone', LATER)).toEqual(managedFields);
  });

  it('a status write is its own entry (subresource status); the main resource never owns status', () => {
    const created = stage({ shard: 'east' });
    const live = {
      ...created,
      metadata: {
        ...(created['metadata'] as Obj),
        managedFields: managedFieldsAfterUpdate(undefined, created, 'creator', NOW),
      },
    };
    const withStatus = { ...live, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    const afterStatus = managedFieldsAfterUpdate(live, withStatus, 'gantry', LATER, 'status');
    expect(afterStatus[1]).toMatchObject({
      manager: 'gantry',
      operation: 'Update',
      subresource: 'status',
      fieldsV1: {
        'f:status': {
          '.': {},
          'f:conditions': {
            '.': {},
            'k:{"type":"Ready"}': { '.': {}, 'f:status': {}, 'f:type': {} },
          },
        },
      },
    });
    const mainWrite = managedFieldsAfterUpdate(
      live,
      { ...withStatus, spec: { shard: 'west' } },
      'kubectl-edit',
      LATER,
    );
    expect(JSON.stringify(mainWrite)).not.toContain('f:status');
  });

  it('a write may reset managedFields with an empty list, and bad ones it sends are ignored', () => {
    const created = stage({ shard: 'east' });
    const managedFields = managedFieldsAfterUpdate(undefined, created, 'creator', NOW);
    const live = { ...created, metadata: { ...(created['metadata'] as Obj), managedFields } };
    const reset = { ...created, metadata: { ...(created['metadata'] as Obj), managedFields: [] } };
    expect(managedFieldsAfterUpdate(live, reset, 'x', LATER)).toEqual([]);
    const bad = {
      ...created,
      metadata: { ...(created['metadata'] as Obj), managedFields: [{ operation: 'Nope' }] },
    };
    expect(managedFieldsAfterUpdate(live, bad, 'x', LATER)).toEqual(managedFields);
  });

  it('keeps at most ten Update entries, merging the oldest into "ancient-changes"', () => {
    let live: Obj = stage({});
    for (let i = 0; i < 12; i++) {
      const next = stage({ [`f${i}`]: i });
      next['spec'] = { ...(live['spec'] as Obj), [`f${i}`]: i };
      const managedFields = managedFieldsAfterUpdate(
        live,
        next,
        `writer-${i}`,
        new Date(NOW.getTime() + i * 1000),
      );
      live = { ...next, metadata: { ...(next['metadata'] as Obj), managedFields } };
    }
    const managers = (live['metadata'] as Obj)['managedFields'] as Obj[];
    expect(managers).toHaveLength(10);
    expect(managers.map((m) => m['manager'])).toContain('ancient-changes');
  });
});

describe('managed fields after a write that leaves out what the server defaults', () => {
  it('takes nothing and keeps every entry (and its time) as it was', () => {
    // kubectl's client-side apply sends lists whole, without the defaults the server filled in.
    const raw = stage({
      requestedFreight: [{ origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } }],
    });
    const defaulted: Obj = { ...raw, spec: stagesSchemaDefaults(raw['spec'] as Obj) };
    expect(defaulted).not.toEqual(raw);
    const live = {
      ...defaulted,
      metadata: {
        ...(defaulted['metadata'] as Obj),
        managedFields: managedFieldsAfterUpdate(undefined, defaulted, 'creator', NOW),
      },
    };
    const liveMetadata = live['metadata'] as Obj;
    expect(managedFieldsAfterUpdate(live, raw, 'kubectl-client-side-apply', LATER)).toEqual(
      liveMetadata['managedFields'],
    );
  });
});
