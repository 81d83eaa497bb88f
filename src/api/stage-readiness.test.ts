import { describe, expect, it } from 'vitest';
import { stageReadiness, type Readiness } from './stage-readiness.js';

const promoted = (verificationHistory?: unknown[]) => ({
  freightHistory: [{ id: 'c1', items: { 'Warehouse/app': { name: 'f1' } }, verificationHistory }],
});
const verifying = { verification: { analysisTemplates: [{ name: 'smoke' }] } };

describe('stageReadiness', () => {
  it.each<[string, { spec?: unknown; status?: unknown }, Partial<Readiness>]>([
    ['a new Stage has no Freight', { status: {} }, { status: 'False', reason: 'NoFreight' }],
    [
      'a Ready condition wins',
      {
        status: {
          ...promoted(),
          conditions: [
            { type: 'Ready', status: 'False', reason: 'Bad', message: 'no Warehouse x' },
          ],
        },
      },
      { status: 'False', reason: 'Bad', message: 'no Warehouse x' },
    ],
    [
      'promoting',
      { status: { ...promoted(), currentPromotion: { name: 'dev.01' } } },
      { status: 'False', reason: 'Promoting', message: 'Promotion dev.01 is running' },
    ],
    [
      'the last promotion failed',
      {
        status: {
          ...promoted(),
          lastPromotion: { name: 'dev.02', status: { phase: 'Failed', message: 'push refused' } },
        },
      },
      { status: 'False', reason: 'LastPromotionFailed', message: 'push refused' },
    ],
    [
      'unhealthy, with its issues',
      { status: { ...promoted(), health: { status: 'Unhealthy', issues: ['app web Degraded'] } } },
      { status: 'False', reason: 'Unhealthy', message: 'app web Degraded' },
    ],
    [
      'no verification and no health checks: ready once promoted',
      { spec: {}, status: { ...promoted(), health: { status: 'NotApplicable' } } },
      { status: 'True', reason: 'Promoted' },
    ],
    [
      'verification configured but not run yet',
      { spec: verifying, status: promoted() },
      { status: 'False', reason: 'PendingVerification', message: 'not verified yet' },
    ],
    [
      'verification running',
      { spec: verifying, status: promoted([{ phase: 'Running' }]) },
      { status: 'False', reason: 'PendingVerification', message: 'verification Running' },
    ],
    [
      'verification failed',
      { spec: verifying, status: promoted([{ phase: 'Failed', message: 'error rate 7%' }]) },
      { status: 'False', reason: 'VerificationFailed', message: 'error rate 7%' },
    ],
    [
      'verified and healthy',
      {
        spec: verifying,
        status: { ...promoted([{ phase: 'Successful' }]), health: { status: 'Healthy' } },
      },
      { status: 'True', reason: 'Verified' },
    ],
  ])('%s', (_, stage, expected) => {
    expect(stageReadiness(stage)).toMatchObject(expected);
  });
});
