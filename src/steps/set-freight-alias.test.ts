import { describe, expect, it } from 'vitest';
import { createStepHarness, stepError } from '../../test/step-harness.js';
import { setFreightAliasStep } from './set-freight-alias.js';

describe('set-freight-alias', () => {
  it('changes the alias through the engine port and says from what to what', async () => {
    const harness = createStepHarness();
    try {
      harness.freightAliases.set('f1', 'quiet-quokka');
      const outcome = await harness.run(setFreightAliasStep, { name: 'f1', alias: 'gold' });
      expect(outcome).toEqual({
        status: 'Succeeded',
        message: 'updated alias of Freight "f1" from "quiet-quokka" to "gold"',
      });
      expect(harness.freightAliases.get('f1')).toBe('gold');
    } finally {
      harness.cleanup();
    }
  });

  it('in a plan, reports the change instead of making it', async () => {
    const harness = createStepHarness({ plan: true });
    try {
      harness.freightAliases.set('f1', 'quiet-quokka');
      const outcome = await harness.run(setFreightAliasStep, { name: 'f1', alias: 'gold' });
      expect(outcome.message).toBe('would set the alias of Freight "f1" to "gold"');
      expect(harness.freightAliases.get('f1')).toBe('quiet-quokka');
      expect(harness.logs).toEqual(['plan: would set the alias of Freight "f1" to "gold"']);
    } finally {
      harness.cleanup();
    }
  });

  it('fails (terminal) where no Freight can be changed', async () => {
    const harness = createStepHarness();
    try {
      const err = await stepError(
        harness.run(
          setFreightAliasStep,
          { name: 'f1', alias: 'gold' },
          { setFreightAlias: undefined },
        ),
      );
      expect(err.terminal).toBe(true);
      expect(err.message).toContain('not available here');
    } finally {
      harness.cleanup();
    }
  });
});
