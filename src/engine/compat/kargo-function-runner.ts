import type { Resource, StoredResource } from '../../api/resource.js';
import { SecretSet } from '../../api/secret-set.js';
import { projectLookups } from '../../controllers/project-lookups.js';
import type { CallContext, ExprFunction } from '../../expr/evaluator.js';
import { standardFunctions } from '../../expr/functions/index.js';
import type { Store } from '../../store/store.js';
import { discoveredArtifactFunctions } from '../discovered-artifact-functions.js';
import { promotionFunctions } from '../promotion-functions.js';
import type { KargoFunctionCase } from './kargo-function-case.js';

/** The project of Kargo's function tests (`testProject`), where a case does not name one. */
export const FAKE_PROJECT = 'fake-project';

/** The store port's `list`, over a case's objects (Kargo's fake client). */
export function fakeStore(objects: Resource[]): Pick<Store, 'list'> {
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
    case 'promotion': {
      const project = c.project ?? FAKE_PROJECT;
      return promotionFunctions({
        freight: c.freight ?? [],
        lookups: await projectLookups(fakeStore(c.objects ?? []), project, !c.withoutSecrets),
        project,
        // As Kargo's tests: a row without requests has none (nil), never "unknown".
        freightRequests: (c.freightRequests ?? []).map((origin) => ({ origin })),
        steps: () => c.steps ?? [],
        currentAlias: c.currentAlias,
        secrets: new SecretSet(),
      });
    }
  }
}

/** Kargo's functions do no bounded work: the call context is never used. */
const call = { column: 1, tick: () => undefined, grow: () => undefined } as CallContext;

/**
 * Calls the case's function with its arguments, as upstream calls the Go function: the fake
 * objects are in a store, project data is read from it as a promotion step reads it
 * (projectLookups), and the Stage's requested origins are the row's.
 */
export async function runKargoFunction(c: KargoFunctionCase): Promise<unknown> {
  const fn = (await functionsFor(c))[c.call];
  if (!fn) throw new Error(`Gantry has no function ${c.call}`);
  return fn(c.args, call);
}
