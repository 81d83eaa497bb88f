import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../api/resource.js';
import type { WatchEvent, WatchEventType } from '../store/store.js';
import { WatchSelection } from './watch-selection.js';

const object = (name: string, tier: string): StoredResource =>
  ({
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: { name, namespace: 'demo', labels: { tier } },
  }) as unknown as StoredResource;
const event = (type: WatchEventType, name: string, tier: string, rv: number): WatchEvent => ({
  type,
  object: object(name, tier),
  resourceVersion: String(rv),
});
const prod = (o: StoredResource) => o.metadata.labels?.tier === 'prod';

describe('WatchSelection: what a change is to the client of a selector watch', () => {
  it('after the initial objects, tells changes by whether the object matched before and after', () => {
    const selection = new WatchSelection(prod, false);
    expect(selection.initial(event('ADDED', 'a', 'prod', 1))).toBe('ADDED');
    expect(selection.initial(event('ADDED', 'b', 'dev', 2))).toBeUndefined();
    selection.synced('2');
    const cases: Array<[WatchEvent, WatchEventType | undefined]> = [
      [event('MODIFIED', 'a', 'prod', 3), 'MODIFIED'],
      [event('MODIFIED', 'b', 'dev', 4), undefined],
      [event('MODIFIED', 'b', 'prod', 5), 'ADDED'],
      [event('MODIFIED', 'a', 'dev', 6), 'DELETED'],
      [event('DELETED', 'a', 'dev', 7), undefined],
      [event('DELETED', 'b', 'prod', 8), 'DELETED'],
      [event('ADDED', 'b', 'prod', 9), 'ADDED'],
      [event('ADDED', 'c', 'dev', 10), undefined],
    ];
    for (const [change, sent] of cases)
      expect({ change, sent: selection.change(change) }).toEqual({ change, sent });
  });

  it('resumed from a version: known after the baseline, cautious for changes before it', () => {
    const selection = new WatchSelection(prod, false);
    selection.baseline([object('a', 'prod'), object('b', 'dev')], '10');
    // Before the baseline, whether the object matched at the resumed version is unknown.
    expect(selection.change(event('MODIFIED', 'b', 'dev', 9))).toBe('DELETED');
    expect(selection.change(event('MODIFIED', 'a', 'prod', 8))).toBe('MODIFIED');
    expect(selection.change(event('DELETED', 'c', 'dev', 9))).toBeUndefined();
    // Seen once, known from then on; after the baseline, known from it.
    expect(selection.change(event('MODIFIED', 'b', 'dev', 11))).toBeUndefined();
    expect(selection.change(event('MODIFIED', 'd', 'prod', 12))).toBe('ADDED');
  });

  it('without a label selector, an object’s selection never changes', () => {
    const named = new WatchSelection((o) => o.metadata.name === 'a', true);
    expect(named.change(event('MODIFIED', 'b', 'x', 1))).toBeUndefined();
    expect(named.change(event('MODIFIED', 'a', 'x', 2))).toBe('MODIFIED');
    expect(named.change(event('DELETED', 'a', 'x', 3))).toBe('DELETED');
  });
});
