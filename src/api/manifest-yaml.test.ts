import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseManifestStream, type ManifestParse } from './manifest-yaml.js';

const nestedFlow = (depth: number) => `a: ${'['.repeat(depth - 1)}1${']'.repeat(depth - 1)}\n`;
const nestedBlock = (depth: number) =>
  Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
const nestedSeq = (depth: number) =>
  Array.from({ length: depth }, (_, i) => `${'  '.repeat(i)}-`).join('\n') + ' 1\n';

function problems(parsed: ManifestParse) {
  return parsed.ok ? [] : parsed.problems;
}

describe('parseManifestStream', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reads a multi-document stream, skipping empty documents', () => {
    const parsed = parseManifestStream('---\nkind: A\n---\n---\n# only a comment\n---\nkind: B\n');
    expect(parsed).toEqual({
      ok: true,
      documents: [
        { value: { kind: 'A' }, line: 2 },
        { value: { kind: 'B' }, line: 7 },
      ],
      warnings: [],
    });
  });

  it.each([
    ['flow collections', nestedFlow],
    ['block mappings', nestedBlock],
    ['block sequences', nestedSeq],
  ])('accepts %s nested exactly 100 levels deep', (_, make) => {
    expect(parseManifestStream(make(100)).ok).toBe(true);
  });

  it.each([
    ['flow collections', nestedFlow(101)],
    ['block mappings', nestedBlock(101)],
    ['block sequences', nestedSeq(101)],
    ['compact sequences', `${'- '.repeat(200)}x\n`],
    ['explicit keys', `${'? '.repeat(200)}x\n`],
    ['unclosed brackets (a 6 KB attack)', '['.repeat(6_000)],
    ['4 MB of brackets', '['.repeat(4 * 1024 * 1024)],
    ['flow mappings', `${'{a: '.repeat(3_000)}1${'}'.repeat(3_000)}`],
  ])('refuses %s nested deeper than 100 levels, naming the limit', (_, text) => {
    const started = Date.now();
    const found = problems(parseManifestStream(text));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      kind: 'refused',
      message: expect.stringMatching(
        /nested more than 100 levels deep.*; 100 is the limit$/,
      ) as unknown,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('refuses documents that expand exponentially (billion laughs)', () => {
    let text = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let i = 1; i < 10; i++)
      text += `a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`;
    expect(problems(parseManifestStream(text))).toEqual([
      {
        line: 1,
        column: 1,
        kind: 'refused',
        message:
          'aliases expand too much (more than 100 alias uses, weighted by the aliases inside them)',
      },
    ]);
  });

  it('refuses aliases that expand beyond what one object may hold', () => {
    const big = 'x'.repeat(100_000);
    const uses = Array.from({ length: 20 }, () => '*big').join(', ');
    const found = problems(parseManifestStream(`a: &big ${big}\nb: [${uses}]\n`));
    expect(found[0]?.message).toContain('expands to more than 1572864 bytes (1.5 MiB');
  });

  it('applies merge keys, at the top level too, as Kubernetes does', () => {
    const text = 'base: &base {kind: Stage, apiVersion: v1}\n---\n<<: {kind: Stage}\nname: x\n';
    expect(parseManifestStream(text)).toMatchObject({
      ok: true,
      documents: [
        { value: { base: { kind: 'Stage', apiVersion: 'v1' } } },
        { value: { kind: 'Stage', name: 'x' } },
      ],
    });
    const withAlias = 'a: &x {b: 1}\n<<: [*x, {c: 2}]\n';
    expect(parseManifestStream(withAlias)).toMatchObject({
      ok: true,
      documents: [{ value: { a: { b: 1 }, b: 1, c: 2 } }],
    });
  });

  it.each([
    ['a scalar merged', '<<: 5\n', 'Merge sources must be maps'],
    ['a list merged', 'a: &x [1]\n<<: *x\n', 'Merge sources must be maps'],
    ['a mapping merged into itself', 'x: &a {<<: *a}\n', 'aliases expand too much'],
    ['a mapping that contains itself', 'a: &a {b: *a}\n', 'nested more than 100 levels deep'],
    ['an unknown alias', 'a: *nope\n', 'Unresolved alias'],
    ['an unknown alias merged', '<<: *nope\n', 'Merge sources must be maps or map aliases'],
    ['an infinity', 'a: .inf\n', 'a: Infinity is not a JSON number'],
    ['a NaN', 'a: .nan\n', 'a: NaN is not a JSON number'],
    ['a set', 'a: !!set {x, y}\n', 'a: a YAML !!set has no JSON form'],
    ['a collection as a key', '[1]: 2\n', 'a mapping key must be a string'],
    ['keys that collide as strings', '1: a\n"1": b\n', 'the key "1" appears twice'],
  ])('refuses %s with a message, never throwing', (_, text, message) => {
    const found = problems(parseManifestStream(text));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ kind: 'refused', line: 1, column: 1 });
    expect(found[0]!.message).toContain(message);
  });

  it.each<[string, string, unknown]>([
    ['binary', 'a: !!binary aGVsbG8=\n', { a: 'aGVsbG8=' }],
    ['a timestamp', 'a: !!timestamp 2024-01-02T03:04:05Z\n', { a: '2024-01-02T03:04:05.000Z' }],
    ['numbers as keys', '1: a\ntrue: b\n', { 1: 'a', true: 'b' }],
    ['an ordered map', 'a: !!omap [x: 1, y: 2]\n', { a: { x: 1, y: 2 } }],
    ['an unknown tag', 'a: !custom x\n', { a: 'x' }],
    [
      '__proto__ as a key',
      '__proto__: {polluted: true}\n',
      JSON.parse('{"__proto__":{"polluted":true}}'),
    ],
  ])('turns %s into JSON data', (_, text, value) => {
    expect(parseManifestStream(text)).toEqual({
      ok: true,
      documents: [{ value, line: 1 }],
      warnings: [],
    });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('emits no process warnings for odd keys (an attacker could flood the log)', () => {
    const warn = vi.spyOn(process, 'emitWarning');
    parseManifestStream(`${Array.from({ length: 50 }, (_, i) => `? [${i}]\n: x`).join('\n')}\n`);
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses more than 5,000 documents, empty ones included', () => {
    expect(parseManifestStream(`${'a: 1\n---\n'.repeat(4_999)}a: 1\n`).ok).toBe(true);
    const found = problems(parseManifestStream('---\n'.repeat(5_001)));
    expect(found).toEqual([
      expect.objectContaining({
        kind: 'refused',
        message: 'more than 5000 documents; 5000 is the most one request or file may hold',
      }),
    ]);
  });

  it('reports syntax errors with line and column', () => {
    expect(problems(parseManifestStream('a: 1\nb: [\n'))).toEqual([
      expect.objectContaining({ kind: 'syntax', line: 3, column: 1 }),
    ]);
  });

  // Kargo's API server decodes with sigs.k8s.io/yaml (go-yaml v2, not strict): a repeated key
  // is accepted and the last value wins (akuity/kargo pkg/server/common.go splitYAML); one of
  // Kargo's own e2e fixtures repeats a `message:` key.
  it('accepts a repeated key, the last value winning, with a warning naming where', () => {
    const parsed = parseManifestStream('a: 1\nb:\n  c: 1\n  c: 2\na: 3\n<<: {z: 1}\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.documents[0]!.value).toEqual({ a: 3, b: { c: 2 }, z: 1 });
    expect(parsed.warnings).toEqual([
      { line: 4, column: 3, message: expect.stringContaining('key "c" repeats') as unknown },
      { line: 5, column: 1, message: expect.stringContaining('the last value is used') as unknown },
    ]);
  });
});
