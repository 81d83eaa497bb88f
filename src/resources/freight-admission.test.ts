import { describe, expect, it } from 'vitest';
import type { Freight } from '../api/freight.js';
import type { WarehouseSpec } from '../api/warehouse.js';
import { proposeFreight } from '../controllers/warehouse-freight.js';
import { freightMatchesWarehouse } from './freight-admission.js';

describe('freightMatchesWarehouse', () => {
  // Warehouses record repositories without credentials (redactUrl); their Freight must still
  // match subscriptions whose repoURL carries them.
  it.each([
    ['git', { git: { repoURL: 'https://bot:pw@git.example.com/a.git' } }],
    ['git over ssh', { git: { repoURL: 'ssh://git:pw@git.example.com/a.git' } }],
    ['chart', { chart: { repoURL: 'https://bot:pw@charts.example.com', name: 'api' } }],
  ])('matches Freight of a %s subscription with credentials in its URL', (_what, subscription) => {
    const spec = { subscriptions: [subscription] } as unknown as WarehouseSpec;
    const repoURL = Object.values(subscription)[0]!.repoURL;
    const proposal = proposeFreight('shop', 'w', spec.subscriptions, {
      git: [
        { repoURL: repoURL.replace(/\/\/[^@]+@/, '//***@'), commits: [{ id: 'a'.repeat(40) }] },
      ],
      charts: [
        { repoURL: repoURL.replace(/\/\/[^@]+@/, '//***@'), name: 'api', versions: ['1.0.0'] },
      ],
    });
    const freight = proposal.freight as Freight;
    expect(JSON.stringify(freight)).not.toContain('pw');
    expect(freightMatchesWarehouse(freight, spec)).toEqual([]);
  });
});
