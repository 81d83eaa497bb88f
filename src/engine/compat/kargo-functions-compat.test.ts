import { describe, expect, it } from 'vitest';
import { goTypeOf, sameGoValue, showGoValue } from '../../expr/compat/go-values.js';
import { GoStruct } from '../../expr/functions/go-struct.js';
import { runKargoFunction } from './kargo-function-runner.js';
import { kargoFunctionCases } from './kargo-functions.cases.js';

/**
 * Kargo's expression-function tests (./kargo-functions.cases.ts) run against Gantry's
 * functions: the fake objects go into a store, project data is read from it as a promotion
 * step reads it (projectLookups), the Stage's requested origins are the row's, and the function
 * is called with the row's arguments, as upstream calls the Go function.
 */
describe('Kargo expression functions (functions_test.go)', () => {
  it('has cases, each naming its upstream test, skipped ones with a reason', () => {
    expect(kargoFunctionCases.length).toBeGreaterThan(0);
    for (const c of kargoFunctionCases) {
      expect(c.upstream).toMatch(/^pkg\/expressions\/function\/functions_test\.go Test\S+ \S/);
      if (c.skip !== undefined) expect(c.skip.length).toBeGreaterThan(10);
      const expectations = [c.error, c.wantStruct, c.wantType, 'want' in c ? true : undefined];
      expect(
        expectations.filter((e) => e !== undefined),
        c.upstream,
      ).toHaveLength(1);
    }
  });

  const runnable = kargoFunctionCases.filter((c) => c.skip === undefined);
  it.each(runnable.map((c, i) => [`${i}: ${c.upstream}`, c] as const))('%s', async (_, c) => {
    if (c.error !== undefined) {
      await expect(runKargoFunction(c)).rejects.toThrow(c.error);
      return;
    }
    const actual = await runKargoFunction(c);
    if (c.wantStruct) {
      expect(actual).toBeInstanceOf(GoStruct);
      const struct = actual as GoStruct;
      expect(struct.goType).toBe(c.wantStruct.type);
      expect(struct.fields).toMatchObject(c.wantStruct.fields);
    } else if (c.wantType) {
      expect(goTypeOf(actual)).toBe(c.wantType);
    } else if (!sameGoValue(actual, c.want)) {
      expect(showGoValue(actual)).toBe(showGoValue(c.want));
    }
  });
});
