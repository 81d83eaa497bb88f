import { describe, expect, it } from 'vitest';
import { deferringFlushes, flushingWrites } from './deferred-flush.js';
import { fencedStore } from './fenced-store.js';
import type { Lease, Store, WriteOp, WriteOptions } from './store.js';

/** A store that keeps the options of every write it is asked for. */
function recordingStore(): { store: Store; written: Array<WriteOptions | undefined> } {
  const written: Array<WriteOptions | undefined> = [];
  const unused = () => Promise.reject(new Error('not used by these tests'));
  const store: Store = {
    get: unused,
    list: unused,
    listJson: unused,
    write: (_ops, options) => (written.push(options), Promise.resolve([])),
    watch: () => ({ [Symbol.asyncIterator]: () => ({ next: unused }) }),
    currentResourceVersion: unused,
    acquireLease: unused,
    renewLease: unused,
    releaseLease: unused,
    close: () => Promise.resolve(),
  };
  return { store, written };
}

const ops: WriteOp[] = [];
const lease: Lease = { name: 'stage/p/s', holder: 'me', epoch: 3 };

describe('deferringFlushes', () => {
  it("defers every write's flush unless the write says otherwise", async () => {
    const { store, written } = recordingStore();
    const controllers = deferringFlushes(store);
    await controllers.write(ops);
    await controllers.write(ops, { dryRun: true });
    await controllers.write(ops, { deferFlush: false });
    expect(written).toEqual([
      { deferFlush: true },
      { deferFlush: true, dryRun: true },
      { deferFlush: false },
    ]);
  });

  it('keeps the fence of a write under a lease, and lets a durable save through', async () => {
    const { store, written } = recordingStore();
    const underLease = fencedStore(deferringFlushes(store), lease);
    await underLease.write(ops, { releaseFence: true });
    await flushingWrites(underLease).write(ops);
    expect(written).toEqual([
      { deferFlush: true, fence: lease, releaseFence: true },
      { deferFlush: false, fence: lease },
    ]);
  });
});
