import { describe, expect, it } from 'vitest';
import { assessStageHealth, type HealthChecker, type HealthResult } from './stage-health.js';

const checker = (uses: string, result: HealthResult | Error): HealthChecker => ({
  uses,
  check: () => (result instanceof Error ? Promise.reject(result) : Promise.resolve(result)),
});
const context = { project: 'p', stage: 's', signal: new AbortController().signal };

describe('assessStageHealth', () => {
  it('is NotApplicable without checks', async () => {
    expect(await assessStageHealth([], [], context)).toEqual({ status: 'NotApplicable' });
  });

  it.each<[string, Array<HealthResult | Error>, string, string[]]>([
    ['all healthy', [{ status: 'Healthy' }, { status: 'Healthy' }], 'Healthy', []],
    [
      'the worst wins',
      [{ status: 'Healthy' }, { status: 'Progressing', issues: ['app b: syncing'] }],
      'Progressing',
      ['app b: syncing'],
    ],
    [
      'unhealthy beats unknown',
      [{ status: 'Unknown' }, { status: 'Unhealthy', issues: ['app c: Degraded'] }],
      'Unhealthy',
      ['app c: Degraded'],
    ],
    ['a failing checker is Unknown', [new Error('API down')], 'Unknown', ['c0: API down']],
  ])('%s', async (_name, results, status, issues) => {
    const checkers = results.map((result, i) => checker(`c${i}`, result));
    const health = await assessStageHealth(
      results.map((_, i) => ({ uses: `c${i}` })),
      checkers,
      context,
    );
    expect(health.status).toBe(status);
    expect(health.issues ?? []).toEqual(issues);
  });

  it('reports a check nobody can run', async () => {
    const health = await assessStageHealth([{ uses: 'argocd-update' }], [], context);
    expect(health).toMatchObject({
      status: 'Unknown',
      issues: ['no health checker for "argocd-update" on this server'],
    });
  });
});
