import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../api/resource.js';
import type { Store } from '../store/store.js';
import { projectLookups } from './project-lookups.js';

/** A store of `count` Stages with status metadata, counting how often statuses are read. */
function stagesStore(count: number): { store: Pick<Store, 'list'>; reads: () => number } {
  let reads = 0;
  const stages = Array.from({ length: count }, (_, i) => {
    const stage = { kind: 'Stage', metadata: { name: `s${i}` } } as unknown as StoredResource;
    Object.defineProperty(stage, 'status', {
      enumerable: true,
      get: () => {
        reads++;
        return { metadata: { n: i } };
      },
    });
    return stage;
  });
  return {
    store: {
      list: (kind: string) =>
        Promise.resolve({ items: kind === 'Stage' ? stages : [], resourceVersion: '1' }),
    },
    reads: () => reads,
  };
}

describe('projectLookups', () => {
  it('builds each table on first use only: a step that reads none costs nothing per Stage', async () => {
    const { store, reads } = stagesStore(500);
    const lookups = await projectLookups(store, 'p');
    expect(reads()).toBe(0);
    expect(lookups.stageMetadata['s7']).toEqual({ n: 7 });
    expect(reads()).toBe(500);
    expect(lookups.stageMetadata['s8']).toEqual({ n: 8 });
    expect(reads()).toBe(500); // built once
    expect({ ...lookups }.stageMetadata['s9']).toEqual({ n: 9 });
  });
});
