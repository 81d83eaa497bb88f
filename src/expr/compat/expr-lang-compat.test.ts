import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluateGo } from '../evaluator.js';
import { standardFunctions } from '../functions/index.js';
import { parse } from '../parser.js';
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

function run(c: ExprCase): unknown {
  return evaluateGo(parse(c.expr), { variables: c.env ?? {}, functions: standardFunctions });
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
