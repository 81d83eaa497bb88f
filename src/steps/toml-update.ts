import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { tomlCommitValue, updateToml } from './toml-edit.js';

/**
 * Kargo's toml-update-config.json: `path` and at least one update, each with a non-empty `key`
 * and a `value` (required, any type). The key's syntax is checked when the step runs, as Kargo.
 */
export const tomlUpdateConfigSchema = z.strictObject({
  path: z.string().min(1).describe('The TOML file to change, relative to the working directory'),
  updates: z
    .array(
      z.strictObject({
        key: z
          .string()
          .min(1)
          .describe(
            'Dotted key of an existing scalar (`package.version`, `services.1.port`); `\\.` escapes a dot',
          ),
        value: z
          .unknown()
          .refine((value) => value !== undefined, 'required')
          .describe('The new value (a string, number or bool)'),
      }),
    )
    .min(1)
    .describe('The values to set'),
});

/**
 * toml-update: sets existing scalar values of a TOML file by dotted key, replacing only the
 * value's text (comments, blank lines and every other byte stay), as Kargo's toml_updater.go
 * and pkg/toml. Output `commitMessage` describes the change. Nothing is written when an update
 * fails.
 */
export const tomlUpdateStep = defineStep({
  kind: 'toml-update',
  description: 'Set values in a TOML file, keeping its formatting',
  configSchema: tomlUpdateConfigSchema,
  capabilities: [],
  run(context, config) {
    const failed = (reason: string) =>
      terminalError(
        `TOML file update failed: error updating TOML file ${JSON.stringify(config.path)}: ${reason}`,
      );
    let text: string;
    try {
      text = context.workDir.readFile(config.path, 'path').toString('utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT' || code === 'ENOTDIR'
          ? 'no such file or directory'
          : code === 'EISDIR'
            ? 'is a directory'
            : undefined;
      if (reason) throw failed(`error reading file ${JSON.stringify(config.path)}: ${reason}`);
      throw err;
    }
    let updated: string;
    try {
      updated = updateToml(text, config.updates);
    } catch (err) {
      throw failed(`error mutating bytes: ${(err as Error).message}`);
    }
    context.workDir.writeFile(config.path, updated);
    const lines = config.updates.map((u) => `- ${u.key}: ${tomlCommitValue(u.value)}`);
    for (const line of lines) context.log(`${config.path}: set ${line.slice(2)}`);
    return Promise.resolve({
      status: 'Succeeded',
      output: { commitMessage: `Updated ${config.path}\n\n${lines.join('\n')}` },
    });
  },
});
