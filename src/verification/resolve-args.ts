import { inputError } from '../errors.js';
import type { MergedArgument } from './merge-templates.js';

export type SecretValue = (name: string, key: string) => string | undefined;

export interface ResolvedArgs {
  values: Map<string, string>;
  /** Values read from Secrets, to redact from everything the run reports. */
  secrets: string[];
}

/**
 * Gives every declared argument its value, as Rollouts' MergeArgs and resolveArgs do:
 * the Stage's value wins over the template's (`value` is a default, `valueFrom` a source);
 * `valueFrom.secretKeyRef` reads the Secret through `secretValue`; `valueFrom.fieldRef`
 * (a field of the Rollout's pod) has no meaning without Kubernetes and is refused. Stage
 * arguments the templates do not declare are ignored, as in Rollouts. An argument left
 * without a value is an input error naming it.
 */
export function resolveArgs(
  declared: readonly MergedArgument[],
  stageArgs: ReadonlyArray<{ name: string; value: string }>,
  secretValue: SecretValue | undefined,
): ResolvedArgs {
  const stage = new Map(stageArgs.map((arg) => [arg.name, arg.value]));
  const values = new Map<string, string>();
  const secrets: string[] = [];
  for (const arg of declared) {
    const where = `argument "${arg.name}" (template "${arg.template}")`;
    const fromStage = stage.get(arg.name);
    if (fromStage !== undefined) {
      values.set(arg.name, fromStage);
      continue;
    }
    if (arg.value !== undefined) {
      values.set(arg.name, arg.value);
      continue;
    }
    const ref = arg.valueFrom?.secretKeyRef;
    if (ref) {
      const secret = secretValue?.(ref.name, ref.key);
      if (secret === undefined)
        throw inputError(
          `${where}: secret "${ref.name}" has no key "${ref.key}" in the Stage's project`,
        );
      values.set(arg.name, secret);
      secrets.push(secret);
      continue;
    }
    if (arg.valueFrom?.fieldRef)
      throw inputError(
        `${where}: valueFrom.fieldRef (${arg.valueFrom.fieldRef.fieldPath}) is not supported by Gantry, which runs no pods; pass the value in the Stage's verification args`,
      );
    throw inputError(
      `argument "${arg.name}" has no value: set it in the Stage's verification args or give it a value in template "${arg.template}"`,
    );
  }
  return { values, secrets };
}
