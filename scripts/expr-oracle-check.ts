/**
 * Checks every case of the expression compat tables (src/expr/compat) against the real
 * expr-lang, through tools/expr-oracle (see its README): prints the cases whose expected value
 * or error disagrees with what expr-lang v1.17.8 does. A development tool; the tests do not
 * need Go.
 *
 *   node --import tsx scripts/expr-oracle-check.ts [file-filter]
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ExprCase } from '../src/expr/compat/expr-case.js';
import { goTypeOf, showGoValue, toOracleJson } from '../src/expr/compat/go-values.js';
import { goFormat } from '../src/expr/runtime.js';
import { GoFloat, isPlainObject } from '../src/expr/values.js';

const root = path.resolve(import.meta.dirname, '..');
const oracle = path.join(root, 'tools/expr-oracle/expr-oracle');
const dir = path.join(root, 'src/expr/compat/expr-lang');
const filter = process.argv[2] ?? '';

interface OracleResult {
  type?: string;
  value?: unknown;
  string?: string;
  error?: string;
}

function expectedJson(value: unknown): unknown {
  if (value instanceof GoFloat) return value.value;
  if (isPlainObject(value) && typeof value.goMarker === 'string') return undefined;
  if (Array.isArray(value)) return value.map(expectedJson);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, expectedJson(v)]));
  return value;
}

/** JSON with map keys sorted, so key order does not matter. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    isPlainObject(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

let disagreements = 0;
let checked = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cases.ts') && f.includes(filter))) {
  const module = (await import(pathToFileURL(path.join(dir, file)).href)) as Record<
    string,
    unknown
  >;
  const cases = Object.values(module).flatMap((v) => (Array.isArray(v) ? (v as ExprCase[]) : []));
  const runnable = cases.filter((c) => !c.skip);
  const input = runnable
    .map((c) => JSON.stringify({ expr: c.expr, env: toOracleJson(c.env ?? {}) }))
    .join('\n');
  const run = spawnSync(oracle, { input, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`expr-oracle failed: ${run.stderr}`);
  const results = run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as OracleResult);
  runnable.forEach((c, i) => {
    checked++;
    const got = results[i]!;
    let problem = '';
    if (c.error !== undefined) {
      if (got.error === undefined) problem = `expr-lang gives ${got.type} ${got.string}, no error`;
    } else if (got.error !== undefined) {
      problem = `expr-lang fails: ${got.error.split('\n')[0]}`;
    } else {
      const type = goTypeOf(c.want);
      const sameType =
        type === got.type ||
        (type.startsWith('[]') && got.type?.startsWith('[]')) ||
        (type.startsWith('map[') && got.type?.startsWith('map['));
      const want = expectedJson(c.want);
      const marker =
        isPlainObject(c.want) && typeof c.want.goMarker === 'string' ? c.want : undefined;
      if (!sameType) problem = `expr-lang gives ${got.type} ${got.string}`;
      else if (marker?.goMarker === 'bytes') {
        const bytes = `[${Array.from(Buffer.from(String(marker.text), 'latin1')).join(' ')}]`;
        if (got.string !== bytes) problem = `expr-lang gives ${got.string}`;
      } else if (marker) {
        if (got.string !== String(marker.text))
          problem = `expr-lang gives ${got.type} ${got.string}`;
      } else if (got.value === undefined) {
        // Not JSON (a map with non-string keys, ±Inf, NaN): compare Go's %v text.
        if (got.string !== goFormat(c.want)) problem = `expr-lang gives ${got.string}`;
      } else if (canonical(want) !== canonical(got.value))
        problem = `expr-lang gives ${JSON.stringify(got.value)}`;
    }
    if (problem) {
      disagreements++;
      console.log(
        `${file}: ${c.upstream}: ${c.expr}\n    table: ${c.error !== undefined ? `error ${c.error}` : showGoValue(c.want)}\n    ${problem}`,
      );
    }
  });
}
console.log(`${checked} cases checked, ${disagreements} disagree with expr-lang`);
process.exitCode = disagreements > 0 ? 1 : 0;
