import { describe, expect, it } from 'vitest';
import { JsonPathError, parseJsonPath } from './jsonpath.js';

/**
 * kubectl's own JSONPath test cases (k8s.io/client-go, util/jsonpath/jsonpath_test.go),
 * translated to data: each case names its upstream test function and case name. Go structs
 * become the JSON objects they marshal to. Where Gantry deliberately differs (error wording,
 * see jsonpath.ts) the case says so.
 */
const UPSTREAM = 'client-go util/jsonpath/jsonpath_test.go';

interface Case {
  fn: string;
  name: string;
  template: string;
  input: unknown;
  expect?: string;
  /** Part of the expected error message. */
  error?: string;
  allowMissingKeys?: boolean;
  /** Compare the space-separated words sorted (upstream: testJSONPathSortOutput, map order). */
  sorted?: boolean;
}

const types = {
  bools: [true, false, true, false],
  integers: [1, 2, 3, 4],
  floats: [1.0, 2.2, 3.3, 4.0],
  strings: ['one', 'two', 'three', 'four'],
  interfaces: [true, 'one', 1, 1.1],
  maps: [
    { name: 'one', value: 1 },
    { name: 'two', value: 2.02 },
    { name: 'three', value: 3.03 },
    { name: 'four', value: 4.04 },
  ],
  structs: [
    { name: 'one', value: 1, type: 'integer' },
    { name: 'two', value: 2.002, type: 'float' },
    { name: 'three', value: 3, type: 'integer' },
    { name: 'four', value: 4.004, type: 'float' },
  ],
};

const storeData = {
  Book: [
    { Category: 'reference', Author: 'Nigel Rees', Title: 'Sayings of the Centurey', Price: 8.95 },
    { Category: 'fiction', Author: 'Evelyn Waugh', Title: 'Sword of Honour', Price: 12.99 },
    { Category: 'fiction', Author: 'Herman Melville', Title: 'Moby Dick', Price: 8.99 },
  ],
  Bicycle: [
    { Color: 'red', Price: 19.95, IsNew: true },
    { Color: 'green', Price: 20.01, IsNew: false },
  ],
  Name: 'jsonpath',
  Labels: { engieer: 10, 'web/html': 15, 'k8s-app': 20 },
  Employees: { jason: 'manager', dan: 'clerk' },
};

const pointsData = [
  { id: 'i1', x: 4, y: -5 },
  { id: 'i2', x: -2, y: -5, z: 1 },
  { id: 'i3', x: 8, y: 3 },
  { id: 'i4', x: -6, y: -1 },
  { id: 'i5', x: 0, y: 2, z: 1 },
  { id: 'i6', x: 1, y: 4 },
  { id: 'i7', x: null, y: 4 },
];

const nodesData = {
  kind: 'List',
  items: [
    {
      kind: 'None',
      metadata: { name: '127.0.0.1', labels: { 'kubernetes.io/hostname': '127.0.0.1' } },
      status: {
        capacity: { cpu: '4' },
        ready: true,
        addresses: [{ type: 'LegacyHostIP', address: '127.0.0.1' }],
      },
    },
    {
      kind: 'None',
      metadata: { name: '127.0.0.2', labels: { 'kubernetes.io/hostname': '127.0.0.2' } },
      status: {
        capacity: { cpu: '8' },
        ready: false,
        addresses: [
          { type: 'LegacyHostIP', address: '127.0.0.2' },
          { type: 'another', address: '127.0.0.3' },
        ],
      },
    },
  ],
  users: [
    { name: 'myself', user: {} },
    { name: 'e2e', user: { username: 'admin', password: 'secret' } },
  ],
};

const another = [{ name: 'value1' }, { name: 'value2' }];
const podsData = {
  items: [
    {
      metadata: { name: 'pod1' },
      spec: {
        containers: [
          { name: 'foo', another },
          { name: 'bar', another },
        ],
      },
    },
    { metadata: { name: 'pod2' }, spec: { containers: [{ name: 'baz', another }] } },
  ],
};

const annotated = {
  kind: 'List',
  items: [
    { kind: 'Pod', metadata: { name: 'pod1', annotations: { color: 'blue' } } },
    { kind: 'Pod', metadata: { name: 'pod2' } },
    { kind: 'Pod', metadata: { name: 'pod3', annotations: { color: 'green' } } },
    { kind: 'Pod', metadata: { name: 'pod4', annotations: { color: 'blue' } } },
  ],
};

const containers = (n: number) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  spec: {
    containers: Array.from({ length: n }, (_, i) => ({
      image: 'radial/busyboxplus:curl',
      name: `fake${i}`,
    })),
  },
});
const fourContainers = containers(4);
const sixContainers = containers(6);

const running = {
  kind: 'List',
  items: [
    { kind: 'Pod', metadata: { name: 'pod1' }, status: { phase: 'Running' } },
    { kind: 'Pod', metadata: { name: 'pod2' }, status: { phase: 'Running' } },
    { kind: 'Pod', metadata: { name: 'pod3' }, status: { phase: 'Running' } },
    { resourceVersion: '' },
  ],
};

const t = (
  fn: string,
  name: string,
  template: string,
  input: unknown,
  expect: string,
  extra: Partial<Case> = {},
): Case => ({ fn, name, template, input, expect, ...extra });
const fails = (
  fn: string,
  name: string,
  template: string,
  input: unknown,
  error: string,
  extra: Partial<Case> = {},
): Case => ({ fn, name, template, input, error, ...extra });

const CASES: Case[] = [
  // TestTypesInput
  t('TestTypesInput', 'boolSlice', '{ .bools }', types, '[true,false,true,false]'),
  t('TestTypesInput', 'boolSliceIndex', '{ .bools[0] }', types, 'true'),
  t('TestTypesInput', 'boolSliceIndex', '{ .bools[-1] }', types, 'false'),
  t('TestTypesInput', 'boolSubSlice', '{ .bools[0:2] }', types, 'true false'),
  t('TestTypesInput', 'boolSubSliceFirst2', '{ .bools[:2] }', types, 'true false'),
  t('TestTypesInput', 'boolSubSliceStep2', '{ .bools[:4:2] }', types, 'true true'),
  t('TestTypesInput', 'integerSlice', '{ .integers }', types, '[1,2,3,4]'),
  t('TestTypesInput', 'integerSliceIndex', '{ .integers[0] }', types, '1'),
  t('TestTypesInput', 'integerSliceIndexReverse', '{ .integers[-2] }', types, '3'),
  t('TestTypesInput', 'integerSubSliceFirst2', '{ .integers[0:2] }', types, '1 2'),
  t('TestTypesInput', 'integerSubSliceFirst2Alt', '{ .integers[:2] }', types, '1 2'),
  t('TestTypesInput', 'integerSubSliceStep2', '{ .integers[:4:2] }', types, '1 3'),
  t('TestTypesInput', 'floatSlice', '{ .floats }', types, '[1,2.2,3.3,4]'),
  t('TestTypesInput', 'floatSliceIndex', '{ .floats[0] }', types, '1'),
  t('TestTypesInput', 'floatSliceIndexReverse', '{ .floats[-2] }', types, '3.3'),
  t('TestTypesInput', 'floatSubSliceFirst2', '{ .floats[0:2] }', types, '1 2.2'),
  t('TestTypesInput', 'floatSubSliceFirst2Alt', '{ .floats[:2] }', types, '1 2.2'),
  t('TestTypesInput', 'floatSubSliceStep2', '{ .floats[:4:2] }', types, '1 3.3'),
  t('TestTypesInput', 'stringSlice', '{ .strings }', types, '["one","two","three","four"]'),
  t('TestTypesInput', 'stringSliceIndex', '{ .strings[0] }', types, 'one'),
  t('TestTypesInput', 'stringSliceIndexReverse', '{ .strings[-2] }', types, 'three'),
  t('TestTypesInput', 'stringSubSliceFirst2', '{ .strings[0:2] }', types, 'one two'),
  t('TestTypesInput', 'stringSubSliceFirst2Alt', '{ .strings[:2] }', types, 'one two'),
  t('TestTypesInput', 'stringSubSliceStep2', '{ .strings[:4:2] }', types, 'one three'),
  t('TestTypesInput', 'interfaceSlice', '{ .interfaces }', types, '[true,"one",1,1.1]'),
  t('TestTypesInput', 'interfaceSliceIndex', '{ .interfaces[0] }', types, 'true'),
  t('TestTypesInput', 'interfaceSliceIndexReverse', '{ .interfaces[-2] }', types, '1'),
  t('TestTypesInput', 'interfaceSubSliceFirst2', '{ .interfaces[0:2] }', types, 'true one'),
  t('TestTypesInput', 'interfaceSubSliceFirst2Alt', '{ .interfaces[:2] }', types, 'true one'),
  t('TestTypesInput', 'interfaceSubSliceStep2', '{ .interfaces[:4:2] }', types, 'true 1'),
  t(
    'TestTypesInput',
    'mapSlice',
    '{ .maps }',
    types,
    '[{"name":"one","value":1},{"name":"two","value":2.02},{"name":"three","value":3.03},{"name":"four","value":4.04}]',
  ),
  t('TestTypesInput', 'mapSliceIndex', '{ .maps[0] }', types, '{"name":"one","value":1}'),
  t(
    'TestTypesInput',
    'mapSliceIndexReverse',
    '{ .maps[-2] }',
    types,
    '{"name":"three","value":3.03}',
  ),
  t(
    'TestTypesInput',
    'mapSubSliceFirst2',
    '{ .maps[0:2] }',
    types,
    '{"name":"one","value":1} {"name":"two","value":2.02}',
  ),
  t(
    'TestTypesInput',
    'mapSubSliceFirst2Alt',
    '{ .maps[:2] }',
    types,
    '{"name":"one","value":1} {"name":"two","value":2.02}',
  ),
  t(
    'TestTypesInput',
    'mapSubSliceStepOdd',
    '{ .maps[::2] }',
    types,
    '{"name":"one","value":1} {"name":"three","value":3.03}',
  ),
  t(
    'TestTypesInput',
    'mapSubSliceStepEven',
    '{ .maps[1::2] }',
    types,
    '{"name":"two","value":2.02} {"name":"four","value":4.04}',
  ),
  t(
    'TestTypesInput',
    'structSlice',
    '{ .structs }',
    types,
    '[{"name":"one","value":1,"type":"integer"},{"name":"two","value":2.002,"type":"float"},{"name":"three","value":3,"type":"integer"},{"name":"four","value":4.004,"type":"float"}]',
  ),
  t(
    'TestTypesInput',
    'structSliceIndex',
    '{ .structs[0] }',
    types,
    '{"name":"one","value":1,"type":"integer"}',
  ),
  t(
    'TestTypesInput',
    'structSliceIndexReverse',
    '{ .structs[-2] }',
    types,
    '{"name":"three","value":3,"type":"integer"}',
  ),
  t(
    'TestTypesInput',
    'structSubSliceFirst2',
    '{ .structs[0:2] }',
    types,
    '{"name":"one","value":1,"type":"integer"} {"name":"two","value":2.002,"type":"float"}',
  ),
  t(
    'TestTypesInput',
    'structSubSliceStepOdd',
    '{ .structs[::2] }',
    types,
    '{"name":"one","value":1,"type":"integer"} {"name":"three","value":3,"type":"integer"}',
  ),
  t(
    'TestTypesInput',
    'structSubSliceStepEven',
    '{ .structs[1::2] }',
    types,
    '{"name":"two","value":2.002,"type":"float"} {"name":"four","value":4.004,"type":"float"}',
  ),
  // TestStructInput
  t('TestStructInput', 'plain', 'hello jsonpath', null, 'hello jsonpath'),
  t('TestStructInput', 'recursive', '{..}', [1, 2, 3], '[1,2,3]'),
  t('TestStructInput', 'filter', '{[?(@<5)]}', [2, 6, 3, 7], '2 3'),
  t('TestStructInput', 'quote', '{"{"}', null, '{'),
  t('TestStructInput', 'union', '{[1,3,4]}', [0, 1, 2, 3, 4], '1 3 4'),
  t('TestStructInput', 'array', '{[0:2]}', ['Monday', 'Tudesday'], 'Monday Tudesday'),
  t('TestStructInput', 'variable', 'hello {.Name}', storeData, 'hello jsonpath'),
  t('TestStructInput', 'dict/', '{$.Labels.web/html}', storeData, '15'),
  t('TestStructInput', 'dict/', '{$.Employees.jason}', storeData, 'manager'),
  t('TestStructInput', 'dict/', '{$.Employees.dan}', storeData, 'clerk'),
  t('TestStructInput', 'dict-', '{.Labels.k8s-app}', storeData, '20'),
  t('TestStructInput', 'nest', '{.Bicycle[*].Color}', storeData, 'red green'),
  t(
    'TestStructInput',
    'allarray',
    '{.Book[*].Author}',
    storeData,
    'Nigel Rees Evelyn Waugh Herman Melville',
  ),
  t(
    'TestStructInput',
    'allfields',
    '{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}',
    storeData,
    '{red 19.95 true} {green 20.01 false} ',
  ),
  t('TestStructInput', 'recurfields', '{..Price}', storeData, '8.95 12.99 8.99 19.95 20.01'),
  t('TestStructInput', 'recurdotfields', '{...Price}', storeData, '8.95 12.99 8.99 19.95 20.01'),
  fails(
    'TestStructInput',
    'superrecurfields',
    `{${'.'.repeat(60)}Price}`,
    storeData,
    'invalid multiple recursive descent',
  ),
  t(
    'TestStructInput',
    'allstructsSlice',
    '{.Bicycle}',
    storeData,
    '[{"Color":"red","Price":19.95,"IsNew":true},{"Color":"green","Price":20.01,"IsNew":false}]',
  ),
  t(
    'TestStructInput',
    'allstructs',
    '{range .Bicycle[*]}{ @ }{ " " }{end}',
    storeData,
    '{"Color":"red","Price":19.95,"IsNew":true} {"Color":"green","Price":20.01,"IsNew":false} ',
  ),
  t(
    'TestStructInput',
    'lastarray',
    '{.Book[-1:]}',
    storeData,
    '{"Category":"fiction","Author":"Herman Melville","Title":"Moby Dick","Price":8.99}',
  ),
  t(
    'TestStructInput',
    'recurarray',
    '{..Book[2]}',
    storeData,
    '{"Category":"fiction","Author":"Herman Melville","Title":"Moby Dick","Price":8.99}',
  ),
  t(
    'TestStructInput',
    'bool',
    '{.Bicycle[?(@.IsNew==true)]}',
    storeData,
    '{"Color":"red","Price":19.95,"IsNew":true}',
  ),
  t('TestStructInput', 'nonexistent field', '{.hello}', storeData, '', { allowMissingKeys: true }),
  t('TestStructInput', 'nonexistent field 2', 'before-{.hello}after', storeData, 'before-after', {
    allowMissingKeys: true,
  }),
  // failStoreTests (upstream compares whole messages; ours add where, and word some differently)
  fails(
    'TestStructInput',
    'invalid identifier',
    '{hello}',
    storeData,
    'unrecognized identifier hello',
  ),
  fails('TestStructInput', 'nonexistent field', '{.hello}', storeData, 'hello is not found'),
  fails('TestStructInput', 'invalid array', '{.Labels[0]}', storeData, 'an object is not an array'),
  fails(
    'TestStructInput',
    'invalid filter operator',
    '{.Book[?(@.Price<>10)]}',
    storeData,
    'unrecognized filter operator <>',
  ),
  fails(
    'TestStructInput',
    'redundant end',
    '{range .Labels.*}{@}{end}{end}',
    storeData,
    'not in a range, nothing to end',
  ),
  // TestJSONInput
  t('TestJSONInput', 'exists filter', '{[?(@.z)].id}', pointsData, 'i2 i5'),
  t('TestJSONInput', 'bracket key', "{[0]['id']}", pointsData, 'i1'),
  t('TestJSONInput', 'nil value', "{[-1]['x']}", pointsData, 'null'),
  // TestKubernetes
  t(
    'TestKubernetes',
    'range item',
    '{range .items[*]}{.metadata.name}, {end}{.kind}',
    nodesData,
    '127.0.0.1, 127.0.0.2, List',
  ),
  t(
    'TestKubernetes',
    'range item with quote',
    '{range .items[*]}{.metadata.name}{"\\t"}{end}',
    nodesData,
    '127.0.0.1\t127.0.0.2\t',
  ),
  t(
    'TestKubernetes',
    'range addresss',
    '{.items[*].status.addresses[*].address}',
    nodesData,
    '127.0.0.1 127.0.0.2 127.0.0.3',
  ),
  t(
    'TestKubernetes',
    'double range',
    '{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}',
    nodesData,
    '127.0.0.1, 127.0.0.2, 127.0.0.3, ',
  ),
  t('TestKubernetes', 'item name', '{.items[*].metadata.name}', nodesData, '127.0.0.1 127.0.0.2'),
  t(
    'TestKubernetes',
    'union nodes capacity',
    "{.items[*]['metadata.name', 'status.capacity']}",
    nodesData,
    '127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}',
  ),
  t(
    'TestKubernetes',
    'range nodes capacity',
    '{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}',
    nodesData,
    '[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] ',
  ),
  t(
    'TestKubernetes',
    'user password',
    '{.users[?(@.name=="e2e")].user.password}',
    nodesData,
    'secret',
  ),
  t(
    'TestKubernetes',
    'hostname',
    '{.items[0].metadata.labels.kubernetes\\.io/hostname}',
    nodesData,
    '127.0.0.1',
  ),
  t(
    'TestKubernetes',
    'hostname filter',
    '{.items[?(@.metadata.labels.kubernetes\\.io/hostname=="127.0.0.1")].kind}',
    nodesData,
    'None',
  ),
  t(
    'TestKubernetes',
    'bool item',
    '{.items[?(@..ready==true)].metadata.name}',
    nodesData,
    '127.0.0.1',
  ),
  t('TestKubernetes', 'recursive name', '{..name}', nodesData, '127.0.0.1 127.0.0.2 myself e2e', {
    sorted: true,
  }),
  // TestEmptyRange
  t('TestEmptyRange', 'empty range', '{range .items[*]}{.metadata.name}{end}', { items: [] }, '', {
    allowMissingKeys: true,
  }),
  t(
    'TestEmptyRange',
    'empty nested range',
    '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
    { items: [] },
    '',
    { allowMissingKeys: true },
  ),
  // TestNestedRanges
  t(
    'TestNestedRanges',
    'nested range with a trailing newline',
    '{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}',
    podsData,
    'pod1:foo,bar,+pod2:baz,+',
  ),
  t(
    'TestNestedRanges',
    'nested range with a trailing character within another nested range with a trailing newline',
    '{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}',
    podsData,
    'pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#',
  ),
  t(
    'TestNestedRanges',
    'two nested ranges at the same level with a trailing newline',
    '{range .items[*]}{.metadata.name}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\\n"}{end}',
    podsData,
    'pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n',
  ),
  // TestFilterPartialMatchesSometimesMissingAnnotations
  t(
    'TestFilterPartialMatchesSometimesMissingAnnotations',
    "filter, should only match a subset, some items don't have annotations, tolerate missing items",
    '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}',
    annotated,
    'pod1 pod4',
    { allowMissingKeys: true },
  ),
  fails(
    'TestFilterPartialMatchesSometimesMissingAnnotations',
    "filter, should only match a subset, some items don't have annotations, error on missing items",
    '{.items[?(@.metadata.annotations.color=="blue")].metadata.name}',
    annotated,
    'annotations is not found',
  ),
  // TestNegativeIndex
  t(
    'TestNegativeIndex',
    'test containers[0], it equals containers[0]',
    '{.spec.containers[0].name}',
    fourContainers,
    'fake0',
  ),
  t(
    'TestNegativeIndex',
    'test containers[0:0], it equals the empty set',
    '{.spec.containers[0:0].name}',
    fourContainers,
    '',
  ),
  t(
    'TestNegativeIndex',
    'test containers[0:-1], it equals containers[0:3]',
    '{.spec.containers[0:-1].name}',
    fourContainers,
    'fake0 fake1 fake2',
  ),
  fails(
    'TestNegativeIndex',
    'test containers[-1:0], expect error',
    '{.spec.containers[-1:0].name}',
    fourContainers,
    'starting index 3 is greater than ending index 0',
  ),
  t(
    'TestNegativeIndex',
    'test containers[-1], it equals containers[3]',
    '{.spec.containers[-1].name}',
    fourContainers,
    'fake3',
  ),
  t(
    'TestNegativeIndex',
    'test containers[-1:], it equals containers[3:]',
    '{.spec.containers[-1:].name}',
    fourContainers,
    'fake3',
  ),
  t(
    'TestNegativeIndex',
    'test containers[-2], it equals containers[2]',
    '{.spec.containers[-2].name}',
    fourContainers,
    'fake2',
  ),
  t(
    'TestNegativeIndex',
    'test containers[-2:], it equals containers[2:]',
    '{.spec.containers[-2:].name}',
    fourContainers,
    'fake2 fake3',
  ),
  t(
    'TestNegativeIndex',
    'test containers[-3], it equals containers[1]',
    '{.spec.containers[-3].name}',
    fourContainers,
    'fake1',
  ),
  t(
    'TestNegativeIndex',
    'test containers[-4], it equals containers[0]',
    '{.spec.containers[-4].name}',
    fourContainers,
    'fake0',
  ),
  t(
    'TestNegativeIndex',
    'test containers[-4:], it equals containers[0:]',
    '{.spec.containers[-4:].name}',
    fourContainers,
    'fake0 fake1 fake2 fake3',
  ),
  fails(
    'TestNegativeIndex',
    'test containers[-5], expect a error cause it out of bounds',
    '{.spec.containers[-5].name}',
    fourContainers,
    'array index out of bounds: index -1, length 4',
  ),
  t(
    'TestNegativeIndex',
    'test containers[5:5], expect empty set',
    '{.spec.containers[5:5].name}',
    fourContainers,
    '',
  ),
  t(
    'TestNegativeIndex',
    'test containers[-5:-5], expect empty set',
    '{.spec.containers[-5:-5].name}',
    fourContainers,
    '',
  ),
  fails(
    'TestNegativeIndex',
    'test containers[3:1], expect a error cause start index is greater than end index',
    '{.spec.containers[3:1].name}',
    fourContainers,
    'starting index 3 is greater than ending index 1',
  ),
  fails(
    'TestNegativeIndex',
    'test containers[-1:-2], it equals containers[3:2], expect a error cause start index is greater than end index',
    '{.spec.containers[-1:-2].name}',
    fourContainers,
    'starting index 3 is greater than ending index 2',
  ),
  // TestRunningPodsJSONPathOutput
  t(
    'TestRunningPodsJSONPathOutput',
    'range over pods without selecting the last one',
    '{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\\n"}{end}',
    running,
    'pod1 is Running\npod2 is Running\npod3 is Running\n',
    { allowMissingKeys: true },
  ),
  // TestStep
  t(
    'TestStep',
    'test containers[0:], it equals containers[0:6:1]',
    '{.spec.containers[0:].name}',
    sixContainers,
    'fake0 fake1 fake2 fake3 fake4 fake5',
  ),
  t(
    'TestStep',
    'test containers[0:6:], it equals containers[0:6:1]',
    '{.spec.containers[0:6:].name}',
    sixContainers,
    'fake0 fake1 fake2 fake3 fake4 fake5',
  ),
  t(
    'TestStep',
    'test containers[0:6:1]',
    '{.spec.containers[0:6:1].name}',
    sixContainers,
    'fake0 fake1 fake2 fake3 fake4 fake5',
  ),
  fails(
    'TestStep',
    'test containers[0:6:0], it errors',
    '{.spec.containers[0:6:0].name}',
    sixContainers,
    'step must be > 0',
  ),
  fails(
    'TestStep',
    'test containers[0:6:-1], it errors',
    '{.spec.containers[0:6:-1].name}',
    sixContainers,
    'step must be > 0',
  ),
  t(
    'TestStep',
    'test containers[1:4:2]',
    '{.spec.containers[1:4:2].name}',
    sixContainers,
    'fake1 fake3',
  ),
  t('TestStep', 'test containers[1:4:3]', '{.spec.containers[1:4:3].name}', sixContainers, 'fake1'),
  t('TestStep', 'test containers[1:4:4]', '{.spec.containers[1:4:4].name}', sixContainers, 'fake1'),
  t(
    'TestStep',
    'test containers[0:6:2]',
    '{.spec.containers[0:6:2].name}',
    sixContainers,
    'fake0 fake2 fake4',
  ),
  t(
    'TestStep',
    'test containers[0:6:3]',
    '{.spec.containers[0:6:3].name}',
    sixContainers,
    'fake0 fake3',
  ),
  t(
    'TestStep',
    'test containers[0:6:5]',
    '{.spec.containers[0:6:5].name}',
    sixContainers,
    'fake0 fake5',
  ),
  t('TestStep', 'test containers[0:6:6]', '{.spec.containers[0:6:6].name}', sixContainers, 'fake0'),
];

describe(`kubectl's JSONPath (${UPSTREAM})`, () => {
  it.each(CASES.map((c) => [`${c.fn}: ${c.name} ${c.template}`, c] as const))('%s', (_, c) => {
    const run = () =>
      parseJsonPath(c.template, { allowMissingKeys: c.allowMissingKeys ?? false }).execute(c.input);
    if (c.error !== undefined) {
      expect(run).toThrow(c.error);
      return;
    }
    const out = run();
    if (c.sorted) expect(out.split(/\s+/).sort()).toEqual(c.expect!.split(/\s+/).sort());
    else expect(out).toBe(c.expect);
  });
});

describe('JSONPath as Gantry uses it', () => {
  const stages = {
    kind: 'List',
    items: [
      { kind: 'Stage', metadata: { name: 'dev' }, spec: { shard: 'a' } },
      { kind: 'Warehouse', metadata: { name: 'app' } },
    ],
  };

  it.each([
    ['filter on kind', '{.items[?(@.kind=="Warehouse")].metadata.name}', 'app'],
    ['single-quoted literal', "{range .items[*]}{.metadata.name}{'\\t'}{end}", 'dev\tapp\t'],
    ['last item', '{.items[-1:].metadata.name}', 'app'],
    ['the current object', '{.items[0].metadata}', '{"name":"dev"}'],
    [
      'root inside a range',
      '{range .items[*]}{$.kind}/{.metadata.name} {end}',
      'List/dev List/app ',
    ],
    ['a missing key prints nothing', '{.items[*].spec.shard}', 'a'],
  ])('%s: %s', (_, template, expected) => {
    expect(parseJsonPath(template, { allowMissingKeys: true }).execute(stages)).toBe(expected);
  });

  it.each([
    ['{.items[0', 'unclosed action', 1],
    ['x {.items[?(@.a=="b"]}', 'unterminated filter', 10],
    ['{.a}{.b[x]}', 'invalid array index [x]', 9],
    ['{"\\q"}', 'invalid escape', 3],
    ['{.a}{end}', 'nothing to end', 5],
    ['{  bogus}', 'unrecognized identifier bogus', 4],
  ])('%s fails naming where: %s', (template, message, position) => {
    let error: unknown;
    try {
      parseJsonPath(template).execute({});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(JsonPathError);
    expect((error as JsonPathError).message).toContain(message);
    expect((error as JsonPathError).message).toContain(`at position ${position} of the template`);
  });

  it('compares numbers with numbers and refuses to order strings with numbers', () => {
    const points = [{ n: 1 }, { n: 2.5 }, { n: 3 }];
    expect(parseJsonPath('{[?(@.n>=2)].n}').execute(points)).toBe('2.5 3');
    expect(() => parseJsonPath('{[?(@.n<"a")].n}').execute(points)).toThrow(
      'cannot order number 1 and string "a" with <',
    );
  });
});
