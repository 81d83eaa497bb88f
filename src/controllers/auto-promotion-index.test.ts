import { describe, expect, it } from 'vitest';
import type { StoredResource } from '../api/resource.js';
import { changedMember, plainCopy } from '../store/plain-copy.js';
import { applyChange, projectView, touchedStages } from './auto-promotion-index.js';
import { withEntry } from './with-entry.js';

let version = 100;
const object = (
  kind: string,
  name: string,
  rest: Partial<StoredResource> = {},
): StoredResource => ({
  apiVersion: 'kargo.akuity.io/v1alpha1',
  kind,
  ...rest,
  metadata: {
    name,
    namespace: 'p',
    uid: name,
    resourceVersion: String(++version),
    generation: 1,
    creationTimestamp: '2026-12-01T00:00:00Z',
    ...rest.metadata,
  },
});
const stage = (name: string, upstream?: string) =>
  object('Stage', name, {
    spec: {
      requestedFreight: [
        {
          origin: { kind: 'Warehouse', name: 'w' },
          sources: upstream ? { stages: [upstream] } : { direct: true },
        },
      ],
    },
  });
const freight = (status: unknown, annotations?: Record<string, string>) =>
  object('Freight', 'f', {
    origin: { kind: 'Warehouse', name: 'w' },
    images: [{ repoURL: 'r', tag: '1' }],
    status,
    metadata: { annotations } as StoredResource['metadata'],
  });

describe('touchedStages', () => {
  it.each<[string, StoredResource, StoredResource, string[] | 'all']>([
    ['nothing changed', freight({}), freight({}), []],
    [
      'verified in one more Stage',
      freight({ verifiedIn: { a: {} } }),
      freight({ verifiedIn: { a: {}, b: {} } }),
      ['b'],
    ],
    [
      'one entry changed, one removed',
      freight({ currentlyIn: { a: { since: '1' }, b: { since: '1' } } }),
      freight({ currentlyIn: { a: { since: '2' } } }),
      ['a', 'b'],
    ],
    ['approved for a Stage', freight({}), freight({ approvedFor: { c: {} } }), ['c']],
    [
      'rejected in a Stage (an annotation)',
      freight({}),
      freight({}, { 'rejected.gantry.io/d': 'x' }),
      ['d'],
    ],
    [
      'its content changed',
      freight({}),
      { ...freight({}), images: [{ repoURL: 'r', tag: '2' }] },
      'all',
    ],
    ['a status field not keyed by Stage', freight({ phase: 'a' }), freight({ phase: 'b' }), 'all'],
  ])('%s', (_name, before, after, expected) => {
    const touched = touchedStages(before, after);
    expect(touched === 'all' ? 'all' : [...touched].sort()).toEqual(expected);
  });

  it('takes the one entry a write changed from the write, as comparing every entry finds it', () => {
    const records = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`s${i}`, {}]));
    const status = plainCopy({ verifiedIn: records, currentlyIn: records }, undefined) as {
      verifiedIn: Record<string, object>;
      currentlyIn: Record<string, object>;
    };
    const before = freight(status);
    // What a hop writes: one entry more in each record, made with withEntry.
    const next = {
      currentlyIn: withEntry(status.currentlyIn, 's50', {}),
      verifiedIn: withEntry(status.verifiedIn, 's50', { verifiedAt: 'now' }),
    };
    const after = freight(plainCopy(next, status, true));
    expect(changedMember(status.verifiedIn, (after.status as typeof status).verifiedIn)).toBe(
      's50',
    );
    expect([...(touchedStages(before, after) as Set<string>)]).toEqual(['s50']);
    // The same pair compared entry by entry (no write in between) says the same.
    const compared = freight(JSON.parse(JSON.stringify(after.status)) as unknown);
    expect([...(touchedStages(before, compared) as Set<string>)]).toEqual(['s50']);
  });
});

describe('applyChange', () => {
  // s0 → s1 → s2, and s0 → t1
  const view = () =>
    projectView(
      undefined,
      [stage('s0'), stage('s1', 's0'), stage('s2', 's1'), stage('t1', 's0')],
      [freight({})],
      [],
    );
  const affected = (result: ReturnType<typeof applyChange>) =>
    result === 'all' || result === undefined ? result : [...result].sort();

  it('a Stage concerns itself and the Stages downstream of it', () => {
    expect(affected(applyChange(view(), stage('s0'), false))).toEqual(['s0', 's1', 't1']);
    expect(affected(applyChange(view(), stage('s2', 's1'), false))).toEqual(['s2']);
  });

  it('a Freight verified in a Stage concerns that Stage and those downstream of it', () => {
    const v = view();
    expect(affected(applyChange(v, freight({ verifiedIn: { s1: {} } }), false))).toEqual([
      's1',
      's2',
    ]);
  });

  it('a new Freight, a deleted one and the ProjectConfig concern every Stage', () => {
    const v = view();
    expect(applyChange(v, object('Freight', 'g', { origin: {} }), false)).toBe('all');
    expect(applyChange(v, freight({}), true)).toBe('all');
    expect(applyChange(v, object('ProjectConfig', 'p'), false)).toBe('all');
  });

  it('a Promotion concerns its Stage, and is in the view at once', () => {
    const v = view();
    const promotion = object('Promotion', 's1.x', { spec: { stage: 's1', freight: 'f' } });
    expect(affected(applyChange(v, promotion, false))).toEqual(['s1']);
    expect([...(v.promotions.get('s1')?.keys() ?? [])]).toEqual(['s1.x']);
    applyChange(v, promotion, true);
    expect(v.promotions.get('s1')?.size).toBe(0);
  });

  it('an event older than what the view holds changes nothing', () => {
    const v = view();
    const older = { ...stage('s1'), metadata: { ...stage('s1').metadata, resourceVersion: '1' } };
    expect(applyChange(v, older, false)).toBeUndefined();
    expect(v.downstream.get('s0')?.has('s1')).toBe(true);
  });

  it('a Stage that changes its upstream moves in the downstream map', () => {
    const v = view();
    applyChange(v, stage('s2', 's0'), false);
    expect([...(v.downstream.get('s0') ?? [])].sort()).toEqual(['s1', 's2', 't1']);
    expect(v.downstream.has('s1')).toBe(false);
  });
});
