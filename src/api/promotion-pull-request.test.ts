import { describe, expect, it } from 'vitest';
import { tableOf } from './printer-columns.js';
import { promotionPullRequest } from './promotion-pull-request.js';
import type { StoredResource } from './resource.js';

describe('the pull request a Promotion shows', () => {
  const url = 'https://github.com/acme/gitops/pull/7';
  it.each([
    ['no step output', {}, undefined],
    ['opened, not looked at since', { state: { 'open-pr': { pr: { id: 7, url } } } }, 'opened'],
    [
      'waited on, open',
      {
        state: {
          'open-pr': { pr: { id: 7, url } },
          'wait-for-pr': { pr: { id: 7, url, open: true, merged: false } },
        },
      },
      'open',
    ],
    [
      'merged',
      {
        state: { 'wait-for-pr': { pr: { id: 7, url, open: false, merged: true }, commit: 'abc' } },
      },
      'merged',
    ],
    ['closed', { state: { w: { pr: { id: 7, url, open: false, merged: false } } } }, 'closed'],
    ['a plan (no url)', { state: { 'open-pr': { pr: { id: 0, url: '' } } } }, undefined],
  ])('%s', (_, status, state) => {
    const pr = promotionPullRequest(status);
    expect(pr?.state).toBe(state);
    if (state) expect(pr).toMatchObject({ url, number: 7 });
  });

  it('is a column of `gantry get promotion`', () => {
    const promotion = {
      apiVersion: 'kargo.akuity.io/v1alpha1',
      kind: 'Promotion',
      metadata: { name: 'prod.1', namespace: 'shop', creationTimestamp: '2026-12-06T10:00:00Z' },
      spec: { stage: 'prod', freight: 'f' },
      status: { phase: 'Running', state: { w: { pr: { id: 7, url, open: true, merged: false } } } },
    } as unknown as StoredResource;
    const table = tableOf('Promotion', [promotion]);
    const column = table.columns.findIndex((c) => c.name === 'PULL REQUEST');
    expect(column).toBeGreaterThan(0);
    expect(table.rows[0]!.cells[column]).toBe(`${url} (open)`);
  });
});
