import { describe, expect, it } from 'vitest';
import type { Stage } from '../../api/types.js';
import { missingReference } from './stage-problems.js';

const stage = (
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string }>,
) =>
  ({
    apiVersion: 'kargo.akuity.io/v1alpha1',
    kind: 'Stage',
    metadata: { name: 'dev', namespace: 'shop' },
    status: conditions ? { conditions } : {},
  }) as unknown as Stage;

const message = 'requests Freight from Warehouse "frontnd", which does not exist in project "shop"';

describe('missingReference', () => {
  it.each([
    ['no status', stage(), undefined],
    [
      'a missing Warehouse',
      stage([{ type: 'Ready', status: 'False', reason: 'MissingWarehouse', message }]),
      message,
    ],
    [
      'a missing upstream Stage without a message',
      stage([{ type: 'Ready', status: 'False', reason: 'MissingUpstreamStage' }]),
      'MissingUpstreamStage',
    ],
    [
      'not ready for another reason',
      stage([{ type: 'Ready', status: 'False', reason: 'Promoting', message: 'x' }]),
      undefined,
    ],
    ['ready', stage([{ type: 'Ready', status: 'True', reason: 'Verified' }]), undefined],
    [
      'another condition',
      stage([{ type: 'Healthy', status: 'False', reason: 'MissingWarehouse' }]),
      undefined,
    ],
  ])('%s', (_what, input, expected) => {
    expect(missingReference(input)).toBe(expected);
  });
});
