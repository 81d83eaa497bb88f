import { describe, expect, it } from 'vitest';
import type { Resource, StoredResource } from '../../api/resource.js';
import { SecretSet } from '../../api/secret-set.js';
import { projectLookups } from '../../controllers/project-lookups.js';
import { goTypeOf, sameGoValue, showGoValue } from '../../expr/compat/go-values.js';
import type { CallContext, ExprFunction } from '../../expr/evaluator.js';
import { standardFunctions } from '../../expr/functions/index.js';
import { GoStruct } from '../../expr/functions/go-struct.js';
import type { Store } from '../../store/store.js';
import { discoveredArtifactFunctions } from '../discovered-artifact-functions.js';
import { promotionFunctions } from '../promotion-functions.js';
import type { KargoFunctionCase } from './kargo-function-case.js';
import { kargoFunctionCases } from './kargo-functions.cases.js';

/**
 * Kargo's expression-function tests (./kargo-functions.cases.ts) run against Gantry's
 * functions: the fake objects go into a store, project data is read from it as a promotion
 * step reads it (projectLookups), and the function is called with the row's arguments, as
 * upstream calls the Go function.
 */
const PROJECT = 'fake-project';

/** The store port's `list`, over the row's objects. */
function fakeStore(objects: Resource[]): Pick<Store, 'list'> {
  return {
    list: (kind, options) =>
      Promise.resolve({
        items: objects
          .filter(
            (o) =>
              o.kind === kind &&
              (options?.namespace === undefined || o.metadata.namespace === options.namespace),
          )
          .map((o, i): StoredResource => ({
            ...o,
            metadata: {
              ...o.metadata,
              uid: `uid-${i}`,
              resourceVersion: `${i + 1}`,
              generation: 1,
              creationTimestamp: '2026-01-01T00:00:00Z',
            },
          })),
        resourceVersion: `${objects.length}`,
      }),
  };
}

async function functionsFor(c: KargoFunctionCase): Promise<Record<string, ExprFunction>> {
  switch (c.functions) {
    case 'standard':
      return standardFunctions;
    case 'discovered':
      return discoveredArtifactFunctions(c.discovered);
    case 'promotion':
      return promotionFunctions({
        freight: c.freight ?? [],
        lookups: await projectLookups(fakeStore(c.objects ?? []), PROJECT, !c.withoutSecrets),
        steps: () => c.steps ?? [],
        currentAlias: c.currentAlias,
        secrets: new SecretSet(),
      });
  }
}

/** Kargo's functions do no bounded work: the call context is never used. */
const call = { column: 1, tick: () => undefined, grow: () => undefined } as CallContext;

async function run(c: KargoFunctionCase): Promise<unknown> {
  const fn = (await functionsFor(c))[c.call];
  if (!fn) throw new Error(`Gantry has no function ${c.call}`);
  return fn(c.args, call);
}

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
      await expect(run(c)).rejects.toThrow(c.error);
      return;
    }
    const actual = await run(c);
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
