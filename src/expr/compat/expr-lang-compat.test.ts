import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateGo } from '../evaluator.js';
import { standardFunctions } from '../functions/index.js';
import { parse } from '../parser.js';
import { parseGoDuration, parseGoTime } from '../time-values.js';
import { isPlainObject } from '../values.js';
import type { ExprCase } from './expr-case.js';
import { sameGoValue, showGoValue } from './go-values.js';

/**
 * expr-lang v1.17.8's own test tables (expr_test.go, builtin/builtin_test.go, parser, checker,
 * vm tests), translated to data in ./expr-lang. Each case is run the way Kargo runs an
 * expression: compiled with no environment, run on the case's environment as data.
 */
const dir = path.join(import.meta.dirname, 'expr-lang');
const files = readdirSync(dir).filter((f) => f.endsWith('.cases.ts'));

async function load(file: string): Promise<ExprCase[]> {
  const module = (await import(pathToFileURL(path.join(dir, file)).href)) as Record<
    string,
    unknown
  >;
  return Object.values(module).flatMap((v) => (Array.isArray(v) ? (v as ExprCase[]) : []));
}

/** Env values written as go-values markers become the real values (a time, a duration). */
function goEnv(value: unknown): unknown {
  if (isPlainObject(value) && typeof value.goMarker === 'string') {
    const text = String(value.text);
    if (value.goMarker === 'duration') return parseGoDuration(text);
    if (value.goMarker === 'time')
      return parseGoTime(text, '2006-01-02 15:04:05.999999999 -0700 MST');
    return Buffer.from(text, 'latin1');
  }
  if (Array.isArray(value)) return value.map(goEnv);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, goEnv(v)]));
  return value;
}

function run(c: ExprCase): unknown {
  const variables = goEnv(c.env ?? {}) as Record<string, unknown>;
  return evaluateGo(parse(c.expr), { variables, functions: standardFunctions });
}

for (const file of files) {
  const cases = await load(file);
  describe(`expr-lang ${file}`, () => {
    it('has cases, each naming its upstream test, skipped ones with a reason', () => {
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        expect(c.upstream).toMatch(/\S+\.go \S+/);
        if (c.skip !== undefined) expect(c.skip.length).toBeGreaterThan(10);
        else expect(c.error !== undefined || 'want' in c, c.expr).toBe(true);
      }
    });
    const runnable = cases.filter((c) => c.skip === undefined);
    it.each(runnable.map((c, i) => [`${i}: ${c.upstream}: ${c.expr}`, c] as const))(
      '%s',
      (_, c) => {
        if (c.error !== undefined) {
          expect(() => run(c), `expected an error like ${c.error}`).toThrow();
          return;
        }
        let actual: unknown;
        try {
          actual = run(c);
        } catch (err) {
          throw new Error(
            `failed (${(err as Error).message}); expected ${showGoValue(c.want)} (${c.upstream})`,
            { cause: err },
          );
        }
        if (!sameGoValue(actual, c.want)) expect(showGoValue(actual)).toBe(showGoValue(c.want));
      },
    );
  });
}
