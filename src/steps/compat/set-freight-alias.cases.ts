/**
 * Kargo's set-freight-alias tests (pkg/promotion/runner/builtin/set_freight_alias_test.go) as
 * data, run by set-freight-alias-compat.test.ts against a real store in project `test-project`.
 */
export interface SetFreightAliasCase {
  upstream: string;
  config: Record<string, unknown>;
  /** Freight in the project before the run: name → alias. */
  freight?: Record<string, string>;
  expect: {
    /** The schema refuses the config; the message contains every one of these. */
    configErrors?: string[];
    /** The step fails (terminal); the message contains every one of these. */
    errors?: string[];
    message?: string;
    /** Freight aliases (and alias labels) after the run. */
    aliases?: Record<string, string>;
  };
}

const convert = (name: string) => `set_freight_alias_test.go Test_setFreightAlias_convert ${name}`;
const run = (name: string) => `set_freight_alias_test.go Test_setFreightAlias_run ${name}`;

export const setFreightAliasCases: SetFreightAliasCase[] = [
  {
    upstream: convert('both name and alias are not specified'),
    config: {},
    expect: { configErrors: ['name', 'alias'] },
  },
  {
    upstream: convert('name is not specified'),
    config: { alias: 'stable' },
    expect: { configErrors: ['name'] },
  },
  {
    upstream: convert('name is empty'),
    config: { name: '', alias: 'new-alias' },
    expect: { configErrors: ['name'] },
  },
  {
    upstream: convert('alias is not specified'),
    config: { name: 'fake-freight-id' },
    expect: { configErrors: ['alias'] },
  },
  {
    upstream: convert('alias is empty'),
    config: { name: 'fake-freight-id', alias: '' },
    expect: { configErrors: ['alias'] },
  },
  {
    upstream: convert('unknown field is not allowed'),
    config: { name: 'fake-freight-id', alias: 'new-alias', unexpected: 'nope' },
    expect: { configErrors: ['unexpected'] },
  },
  {
    upstream: convert('valid minimal config'),
    config: { name: 'fake-freight-id', alias: 'new-alias' },
    expect: {},
  },
  {
    upstream: run('freight not found'),
    config: { name: 'freight-id-1', alias: 'new-alias' },
    expect: { errors: ['not found', 'freight-id-1'] },
  },
  {
    // Upstream makes the patch fail with an injected client error; here the store refuses it:
    // another Freight of the project holds the alias (Kargo's admission webhook refuses that).
    upstream: run('patch error'),
    config: { name: 'freight-id-1', alias: 'new-alias' },
    freight: { 'freight-id-1': 'old-alias', 'freight-id-2': 'new-alias' },
    expect: {
      errors: ['failed to patch alias', 'freight-id-1', 'already used by another Freight'],
      aliases: { 'freight-id-1': 'old-alias', 'freight-id-2': 'new-alias' },
    },
  },
  {
    upstream: run('successful alias update'),
    config: { name: 'freight-id-1', alias: 'new-alias' },
    freight: { 'freight-id-1': 'old-alias', 'freight-id-2': 'other-alias' },
    expect: {
      message: 'updated alias of Freight "freight-id-1" from "old-alias" to "new-alias"',
      aliases: { 'freight-id-1': 'new-alias', 'freight-id-2': 'other-alias' },
    },
  },
  {
    upstream: 'Kargo admission (freight alias is a label value) an invalid alias',
    config: { name: 'freight-id-1', alias: 'not valid!' },
    freight: { 'freight-id-1': 'old-alias' },
    expect: {
      errors: ['failed to patch alias', 'not a valid alias'],
      aliases: { 'freight-id-1': 'old-alias' },
    },
  },
];
