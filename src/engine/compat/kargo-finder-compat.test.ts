import { describe, expect, it } from 'vitest';
import { sameGoValue, showGoValue } from '../../expr/compat/go-values.js';
import { GoStruct } from '../../expr/functions/go-struct.js';
import { kargoFinderCases } from './kargo-finder.cases.js';
import { runKargoFunction } from './kargo-function-runner.js';

/**
 * Kargo's freight finder tests (./kargo-finder.cases.ts) run through Gantry's imageFrom(),
 * commitFrom(), chartFrom() and artifactFrom(): the fake Warehouses go into a store, project
 * data is read from it as a promotion step reads it, and the Stage's requested origins and the
 * Freight are the row's.
 */
describe("Kargo's freight finder (finder_test.go)", () => {
  it('has cases, each naming its upstream test, skipped ones with a reason', () => {
    expect(kargoFinderCases.length).toBeGreaterThan(0);
    for (const c of kargoFinderCases) {
      expect(c.upstream).toMatch(/^pkg\/controller\/freight\/finder_test\.go Test\S+ \S/);
      if (c.skip !== undefined) expect(c.skip.length).toBeGreaterThan(10);
      const expectations = [c.error, c.wantStruct, 'want' in c ? true : undefined];
      expect(
        expectations.filter((e) => e !== undefined),
        c.upstream,
      ).toHaveLength(1);
    }
  });

  const runnable = kargoFinderCases.filter((c) => c.skip === undefined);
  it.each(runnable.map((c) => [c.upstream, c] as const))('%s', async (_, c) => {
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
    } else if (!sameGoValue(actual, c.want)) {
      expect(showGoValue(actual)).toBe(showGoValue(c.want));
    }
  });
});
