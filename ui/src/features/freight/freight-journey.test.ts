import { describe, expect, it } from 'vitest';
import type { AuditEvent, Freight, Promotion, Stage } from '../../api/types.js';
import { journeyOf, pipelineOrder } from './freight-journey.js';

const stage = (
  name: string,
  from: string[] | 'direct',
  current?: string,
  warehouse = 'app',
): Stage => ({
  kind: 'Stage',
  metadata: { name },
  spec: {
    requestedFreight: [
      {
        origin: { kind: 'Warehouse', name: warehouse },
        sources: from === 'direct' ? { direct: true } : { stages: from },
      },
    ],
  },
  status: current
    ? { freightHistory: [{ id: 'c', items: { [`Warehouse/${warehouse}`]: { name: current } } }] }
    : {},
});

const promotion = (
  name: string,
  stageName: string,
  freight: string,
  created: string,
  actor: string,
): Promotion => ({
  kind: 'Promotion',
  metadata: {
    name,
    creationTimestamp: created,
    annotations: { 'kargo.akuity.io/create-actor': actor },
  },
  spec: { stage: stageName, freight },
  status: { phase: 'Succeeded', startedAt: created, finishedAt: created },
});

const event = (actor: string, action: string, name: string, message?: string): AuditEvent => ({
  id: `${actor}-${action}`,
  time: '2025-01-01T00:00:00Z',
  actor,
  action,
  kind: 'Freight',
  project: 'shop',
  name,
  ...(message ? { message } : {}),
});

describe('where a Freight has been', () => {
  const stages = [
    stage('prod', ['staging']),
    stage('staging', ['dev', 'qa'], 'f1'),
    stage('dev', 'direct', 'f2'),
    stage('qa', ['dev']),
    stage('elsewhere', 'direct', undefined, 'other'),
  ];

  it('orders Stages along the pipeline, upstream first, by name within a rank', () => {
    expect(pipelineOrder(stages).map((s) => s.metadata.name)).toEqual([
      'dev',
      'elsewhere',
      'qa',
      'staging',
      'prod',
    ]);
  });

  it('gives each Stage that requests it (or has a record of it) its runs, promotions, verification and approval with who approved', () => {
    const f1: Freight = {
      kind: 'Freight',
      metadata: { name: 'f1' },
      origin: { kind: 'Warehouse', name: 'app' },
      status: {
        currentlyIn: { staging: { since: '2025-01-01T12:00:00Z' } },
        verifiedIn: { dev: { verifiedAt: '2025-01-01T11:00:00Z' }, staging: {} },
        approvedFor: { prod: { approvedAt: '2025-01-01T13:00:00Z' } },
      },
    };
    const promotions = [
      promotion('dev.01a.f1', 'dev', 'f1', '2025-01-01T10:00:00Z', 'system:auto-promotion'),
      promotion('dev.01b.f2', 'dev', 'f2', '2025-01-01T14:00:00Z', 'system:auto-promotion'),
      promotion('staging.01c.f1', 'staging', 'f1', '2025-01-01T12:00:00Z', 'token:shop/ci'),
    ];
    const events = [
      event('email:bo@example.com', 'approve', 'f1', 'for Stage prod'),
      event('email:ana@example.com', 'approve', 'f1', 'for Stage prod'),
      event('token:shop/ci', 'update', 'f1'),
    ];
    const journey = journeyOf(f1, stages, promotions, events);
    expect(journey.map((v) => v.stage)).toEqual(['dev', 'qa', 'staging', 'prod']);
    const [dev, qa, staging, prod] = journey;
    expect(dev).toMatchObject({
      current: false,
      verified: true,
      verifiedAt: '2025-01-01T11:00:00Z',
    });
    expect(dev!.promotions.map((p) => [p.name, p.actor])).toEqual([
      ['dev.01a.f1', 'system:auto-promotion'],
    ]);
    expect(qa).toEqual({
      stage: 'qa',
      current: false,
      since: undefined,
      verified: false,
      verifiedAt: undefined,
      approvedAt: undefined,
      approvedBy: undefined,
      promotions: [],
    });
    // Verified there with no time recorded: still verified.
    expect(staging).toMatchObject({ current: true, since: '2025-01-01T12:00:00Z', verified: true });
    expect(staging!.promotions.map((p) => p.actor)).toEqual(['token:shop/ci']);
    // The newest approval names who approved it.
    expect(prod).toMatchObject({
      current: false,
      approvedAt: '2025-01-01T13:00:00Z',
      approvedBy: 'email:bo@example.com',
    });
  });

  it('keeps a Stage that no longer requests its origin when it has a record of it', () => {
    const g: Freight = {
      kind: 'Freight',
      metadata: { name: 'g' },
      origin: { kind: 'Warehouse', name: 'gone' },
      status: { verifiedIn: { dev: {} } },
    };
    expect(journeyOf(g, stages, []).map((v) => v.stage)).toEqual(['dev']);
  });
});
