import { describe, expect, it } from 'vitest';
import type { Freight, Stage } from '../../api/types.js';
import { summarizeProjects } from '../projects/project-summary.js';
import { markersOf, newestFirst } from './project-data.js';

const freight = (name: string, created: string, status: Freight['status'] = {}): Freight => ({
  kind: 'Freight',
  metadata: { name, creationTimestamp: created },
  status,
});
const running = (name: string, freightName: string, health?: string): Stage => ({
  kind: 'Stage',
  metadata: { name, namespace: 'shop' },
  status: {
    freightHistory: [{ items: { 'Warehouse/app': { name: freightName } } }],
    ...(health ? { health: { status: health } } : {}),
  },
});

describe('Freight markers and order', () => {
  it('orders Freight newest first, by time then name', () => {
    const list = [
      freight('b', '2026-01-01T00:00:00Z'),
      freight('c', '2026-01-02T00:00:00Z'),
      freight('a', '2026-01-01T00:00:00Z'),
    ];
    expect(newestFirst(list).map((f) => f.metadata.name)).toEqual(['c', 'a', 'b']);
  });

  it('marks where a Freight runs, is verified and is approved', () => {
    const f = freight('f1', '2026-01-01T00:00:00Z', {
      verifiedIn: { staging: {}, dev: {} },
      approvedFor: { prod: {} },
    });
    expect(markersOf(f, [running('staging', 'f1'), running('dev', 'f0')])).toEqual({
      in: ['staging'],
      verifiedIn: ['dev', 'staging'],
      approvedFor: ['prod'],
    });
  });
});

describe('summarizeProjects', () => {
  it('counts Stages by health and takes the worst, and shows a freeze', () => {
    const projects = [
      {
        kind: 'Project',
        metadata: { name: 'shop', annotations: { 'gantry.io/freeze': '{"reason":"launch"}' } },
      },
      { kind: 'Project', metadata: { name: 'empty' } },
    ];
    const stages = [
      running('dev', 'f', 'Healthy'),
      running('qa', 'f', 'Unhealthy'),
      running('prod', 'f'),
    ];
    expect(summarizeProjects(projects, stages)).toEqual([
      {
        name: 'empty',
        stages: 0,
        healthy: 0,
        unhealthy: 0,
        progressing: 0,
        promoting: 0,
        frozen: undefined,
        health: 'None',
      },
      {
        name: 'shop',
        stages: 3,
        healthy: 1,
        unhealthy: 1,
        progressing: 0,
        promoting: 0,
        frozen: 'launch',
        health: 'Unhealthy',
      },
    ]);
  });
});
