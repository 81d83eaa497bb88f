import { z } from 'zod';
import { labelValueProblem } from '../api/names.js';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';

/** As Kargo's set-freight-alias-config.json. */
export const setFreightAliasConfigSchema = z.strictObject({
  name: z.string().min(1).describe('The name of the Freight to update'),
  alias: z
    .string()
    .min(1)
    .describe('The new alias of the Freight (aliases are unique within the project)'),
});

/**
 * set-freight-alias: changes the alias of a Freight of the project, as Kargo's
 * set_freight_alias.go (the alias and its `kargo.akuity.io/alias` label together). Every
 * failure is terminal, as Kargo's: a Freight that does not exist, an alias another Freight of
 * the project holds, an alias that is not a valid label value (Kargo's admission refuses it).
 */
export const setFreightAliasStep = defineStep({
  kind: 'set-freight-alias',
  description: 'Change the alias of a Freight',
  configSchema: setFreightAliasConfigSchema,
  capabilities: ['metadata'],
  async run(context, config) {
    const problem = labelValueProblem(config.alias);
    if (problem)
      throw terminalError(
        `failed to patch alias for Freight ${JSON.stringify(config.name)} in project ${JSON.stringify(context.project)}: ${problem.replace('label value', 'alias')}`,
      );
    if (context.plan) {
      const summary = `would set the alias of Freight ${JSON.stringify(config.name)} to ${JSON.stringify(config.alias)}`;
      context.log(`plan: ${summary}`);
      return { status: 'Succeeded', message: summary };
    }
    if (!context.setFreightAlias)
      throw terminalError('set-freight-alias is not available here (no Freight can be changed)');
    const { previous } = await context.setFreightAlias(config.name, config.alias);
    return {
      status: 'Succeeded',
      message: `updated alias of Freight ${JSON.stringify(config.name)} from ${JSON.stringify(previous)} to ${JSON.stringify(config.alias)}`,
    };
  },
});
