import { useEffect, useState, useSyncExternalStore } from 'react';
import { LiveStore, type LiveSnapshot, type Plural } from './live-store.js';
import type { Resource } from './types.js';

/** Objects of these kinds (in one project, or everywhere), kept current while mounted. */
export function useLive(plurals: readonly Plural[], project?: string): LiveSnapshot {
  const key = `${project ?? ''}|${plurals.join(',')}`;
  const [store, setStore] = useState(() => new LiveStore(plurals, project));
  const [storeKey, setStoreKey] = useState(key);
  if (storeKey !== key) {
    setStoreKey(key);
    setStore(new LiveStore(plurals, project));
  }
  useEffect(() => {
    store.start();
    return () => store.stop();
  }, [store]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/** The objects of one kind in a snapshot, as an array. */
export function objectsOf<T extends Resource>(snapshot: LiveSnapshot, kind: string): T[] {
  return [...(snapshot.objects.get(kind)?.values() ?? [])] as T[];
}
