import { describe, expect, it } from 'vitest';
import type { Promotion, Stage } from '../../api/types.js';
import { promotionHistoryOf, requestedFromOf, verificationHistoryOf } from './stage-history.js';

const promotion = (
  name: string,
  stage: string,
  created: string,
  extra: { actor?: string; phase?: string; freight?: string; resolved?: string } = {},
): Promotion => ({
  kind: 'Promotion',
  metadata: {
    name,
    creationTimestamp: created,
    ...(extra.actor ? { annotations: { 'kargo.akuity.io/create-actor': extra.actor } } : {}),
  },
  spec: { stage, freight: extra.freight ?? 'f1' },
  status: {
    ...(extra.phase ? { phase: extra.phase } : {}),
    startedAt: created,
    ...(extra.resolved ? { freight: { name: extra.resolved } } : {}),
  },
});

describe("a Stage's promotion history", () => {
  it("lists only that Stage's Promotions, newest first, with who created them and the Freight's name", () => {
    const rows = promotionHistoryOf('prod', [
      promotion('prod.01a.aaa', 'prod', '2025-01-01T10:00:00Z', {
        actor: 'system:auto-promotion',
        phase: 'Succeeded',
      }),
      promotion('dev.01b.bbb', 'dev', '2025-01-01T11:00:00Z'),
      promotion('prod.01c.ccc', 'prod', '2025-01-01T12:00:00Z', {
        actor: 'email:ana@example.com',
        phase: 'Failed',
        freight: 'clever-otter',
        resolved: 'f2',
      }),
      // Created in the same second: the name's ULID orders them.
      promotion('prod.01d.ddd', 'prod', '2025-01-01T12:00:00Z'),
    ]);
    expect(rows.map((r) => [r.name, r.freight, r.actor, r.phase])).toEqual([
      ['prod.01d.ddd', 'f1', '', 'Pending'],
      // The alias the Promotion named is resolved to the Freight's name once it runs.
      ['prod.01c.ccc', 'f2', 'email:ana@example.com', 'Failed'],
      ['prod.01a.aaa', 'f1', 'system:auto-promotion', 'Succeeded'],
    ]);
    expect(promotionHistoryOf('qa', [])).toEqual([]);
  });
});

describe("a Stage's verification history", () => {
  it('flattens every Freight collection, newest run first, each with the Freight it verified', () => {
    const stage: Stage = {
      kind: 'Stage',
      metadata: { name: 'dev' },
      status: {
        freightHistory: [
          {
            id: 'c2',
            items: { 'Warehouse/app': { name: 'f2' } },
            verificationHistory: [
              {
                id: 'v3',
                phase: 'Successful',
                startTime: '2025-01-02T10:05:00Z',
                actor: 'token:ci',
              },
              { id: 'v2', phase: 'Failed', message: 'HTTP 500', startTime: '2025-01-02T10:00:00Z' },
            ],
          },
          { id: 'c1', items: { 'Warehouse/app': { name: 'f1' } } },
          {
            id: 'c0',
            items: { 'Warehouse/app': { name: 'f0' } },
            verificationHistory: [
              { id: 'v1', phase: 'Successful', startTime: '2025-01-01T09:00:00Z' },
            ],
          },
        ],
      },
    };
    expect(
      verificationHistoryOf(stage).map((r) => [
        r.id,
        r.phase,
        r.freight.map((f) => f.name),
        r.actor,
      ]),
    ).toEqual([
      ['v3', 'Successful', ['f2'], 'token:ci'],
      ['v2', 'Failed', ['f2'], undefined],
      ['v1', 'Successful', ['f0'], undefined],
    ]);
    expect(verificationHistoryOf({ kind: 'Stage', metadata: { name: 'x' } })).toEqual([]);
  });
});

describe('where a Stage takes Freight from', () => {
  it('says direct, upstream Stages and soak', () => {
    expect(
      requestedFromOf({ origin: { kind: 'Warehouse', name: 'app' }, sources: { direct: true } }),
    ).toEqual({ origin: 'Warehouse app', direct: true, stages: [], soak: undefined });
    expect(
      requestedFromOf({
        origin: { kind: 'Warehouse', name: 'app' },
        sources: { stages: ['staging'], requiredSoakTime: '1h' },
      }),
    ).toEqual({ origin: 'Warehouse app', direct: false, stages: ['staging'], soak: '1h' });
  });
});
