/**
 * Differential check of Gantry's evaluator against the real expr-lang (tools/expr-oracle, see its
 * README): generates random expressions from expr-lang's grammar, runs each in both, and prints
 * those whose result (Go type and value, or failing) differs. A development tool.
 *
 *   node --import tsx scripts/expr-differential.ts [count] [seed]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { evaluateGo } from '../src/expr/evaluator.js';
import { standardFunctions } from '../src/expr/functions/index.js';
import { parse } from '../src/expr/parser.js';
import { goFormat, goType } from '../src/expr/runtime.js';
import { toOracleJson } from '../src/expr/compat/go-values.js';
import { float } from '../src/expr/compat/go-values.js';

const root = path.resolve(import.meta.dirname, '..');
const oracle = path.join(root, 'tools/expr-oracle/expr-oracle');
const count = Number(process.argv[2] ?? 2000);
let seed = Number(process.argv[3] ?? 1);
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  seed = (seed ^ (seed >>> 13)) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const env = {
  i: 3,
  j: -2,
  z: 0,
  f: 2.5,
  g: float(4),
  s: 'héllo',
  t: 'a,b,c',
  e: '',
  b: true,
  n: null,
  a: [1, 2, 3],
  af: [1.5, float(2)],
  as: ['b', 'a', 'c'],
  m: { x: 1, y: 'two', z: [1, 2] },
  nested: { list: [{ v: 1 }, { v: 2 }] },
};

const LITERALS = [
  '0',
  '1',
  '2',
  '-1',
  '1.5',
  '2.0',
  '.5',
  '1e2',
  '"a"',
  '"abc"',
  "'x'",
  'true',
  'false',
  'nil',
  '[]',
  '[1, 2]',
  '{}',
  '{a: 1}',
];
const NAMES = Object.keys(env).concat(['missing']);
const BINARY = [
  '+',
  '-',
  '*',
  '/',
  '%',
  '**',
  '==',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  'and',
  'or',
  '??',
  'in',
  'not in',
  'contains',
  'startsWith',
  'endsWith',
  'matches',
  '..',
  '|| ',
  '&&',
];
const UNARY = ['-', 'not ', '!'];
const CALLS: Array<[string, number]> = [
  ['len', 1],
  ['type', 1],
  ['abs', 1],
  ['ceil', 1],
  ['floor', 1],
  ['round', 1],
  ['int', 1],
  ['float', 1],
  ['string', 1],
  ['trim', 1],
  ['upper', 1],
  ['lower', 1],
  ['split', 2],
  ['replace', 3],
  ['repeat', 2],
  ['join', 1],
  ['join', 2],
  ['indexOf', 2],
  ['hasPrefix', 2],
  ['max', 1],
  ['max', 2],
  ['min', 2],
  ['mean', 1],
  ['median', 1],
  ['toJSON', 1],
  ['fromJSON', 1],
  ['toBase64', 1],
  ['first', 1],
  ['last', 1],
  ['get', 2],
  ['take', 2],
  ['keys', 1],
  ['values', 1],
  ['toPairs', 1],
  ['reverse', 1],
  ['uniq', 1],
  ['concat', 2],
  ['flatten', 1],
  ['sort', 1],
  ['bitand', 2],
  ['bitnot', 1],
  ['trimPrefix', 2],
  ['splitAfter', 2],
  ['lastIndexOf', 2],
  ['fromPairs', 1],
];
const PREDICATES = [
  'all',
  'any',
  'none',
  'one',
  'filter',
  'map',
  'count',
  'find',
  'findIndex',
  'findLast',
  'sum',
  'groupBy',
  'sortBy',
];

function gen(depth: number, inPredicate = false): string {
  if (depth <= 0)
    return random() < 0.5 ? pick(LITERALS) : inPredicate && random() < 0.5 ? '#' : pick(NAMES);
  switch (Math.floor(random() * 17)) {
    case 10:
      return `let v = ${gen(depth - 1, inPredicate)}; v ${pick(BINARY)} ${gen(depth - 1, inPredicate)}`;
    case 11:
      return `if ${gen(depth - 1, inPredicate)} { ${gen(depth - 1, inPredicate)} } else { ${gen(depth - 1, inPredicate)} }`;
    case 12:
      return `${gen(depth - 1, inPredicate)} | ${pick(['upper()', 'len()', 'string()', 'first()', 'reverse()', 'sort()', 'toJSON()', 'type()', 'keys()'])}`;
    case 13:
      return `reduce(${gen(depth - 1, inPredicate)}, ${pick(['#acc + #', '#acc', '# + #index', '[#acc, #]'])}${pick(['', ', 0', ', ""'])})`;
    case 14:
      return `${pick(['date("2023-08-14")', 'date("2023-08-14T10:00:00Z")', 'now()', 'duration("1h30m")', 'duration("-2s")'])}${pick(['', '.Year()', '.Hours()', ' + duration("1h")', ' - date("2023-01-01")', ' > date("2023-01-01")', '.Format("2006-01-02")', ' * 2', '.String()'])}`;
    case 15:
      return `sortBy(${gen(depth - 1, inPredicate)}, ${gen(depth - 1, true)}${pick(['', ', "desc"', ', "asc"', ', "x"'])})`;
    case 16:
      return `${pick(NAMES)}${pick(['?.', '.', ''])}[${gen(depth - 1, inPredicate)}]${pick(['', ' ?? "d"', '?.x'])}`;
    case 0:
    case 1:
      return `${gen(depth - 1, inPredicate)} ${pick(BINARY)} ${gen(depth - 1, inPredicate)}`;
    case 2:
      return `${pick(UNARY)}${gen(depth - 1, inPredicate)}`;
    case 3: {
      const [name, arity] = pick(CALLS);
      return `${name}(${Array.from({ length: arity }, () => gen(depth - 1, inPredicate)).join(', ')})`;
    }
    case 4:
      return `${pick(PREDICATES)}(${gen(depth - 1, inPredicate)}, ${gen(depth - 1, true)})`;
    case 5:
      return `${gen(depth - 1, inPredicate)}[${gen(depth - 1, inPredicate)}]`;
    case 6:
      return `${pick(NAMES)}${pick(['.', '?.'])}${pick(['x', 'y', 'list', 'v', 'z'])}`;
    case 7:
      return `(${gen(depth - 1, inPredicate)} ? ${gen(depth - 1, inPredicate)} : ${gen(depth - 1, inPredicate)})`;
    case 8:
      return `${gen(depth - 1, inPredicate)}[${pick(['', '1'])}:${pick(['', '2', '-1'])}]`;
    default:
      return `[${gen(depth - 1, inPredicate)}, ${gen(depth - 1, inPredicate)}]`;
  }
}

const expressions = Array.from({ length: count }, () => gen(1 + Math.floor(random() * 3)));
const input = expressions
  .map((expr) => JSON.stringify({ expr, env: toOracleJson(env) }))
  .join('\n');
const run = spawnSync(oracle, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
const results = run.stdout
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as { type?: string; string?: string; error?: string });

let differ = 0;
expressions.forEach((expr, i) => {
  const want = results[i]!;
  let got: { type?: string; string?: string; error?: string };
  try {
    const value = evaluateGo(parse(expr), { variables: env, functions: standardFunctions });
    got = { type: goType(value), string: goFormat(value) };
  } catch (err) {
    got = { error: (err as Error).message };
  }
  const same =
    (want.error !== undefined && got.error !== undefined) ||
    (want.error === undefined &&
      got.error === undefined &&
      (want.type === got.type ||
        (want.type?.startsWith('[]') && got.type?.startsWith('[]')) ||
        (want.type?.startsWith('map[') && got.type?.startsWith('map['))) &&
      want.string === got.string);
  if (!same) {
    differ++;
    console.log(
      `${expr}\n    expr-lang: ${want.error ? `error ${want.error.split('\n')[0]}` : `${want.type} ${want.string}`}\n    gantry:    ${got.error ? `error ${got.error}` : `${got.type} ${got.string}`}`,
    );
  }
});
console.log(`${count} expressions, ${differ} differ`);
