import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';

/** file-write: writes text (often built with asYAML/asJSON) to a file. */
export const fileWriteStep = defineStep({
  kind: 'file-write',
  description: 'Write text to a file',
  configSchema: z.strictObject({
    path: z.string().min(1).describe('The file, relative to the working directory'),
    contents: z.string().describe('What to write'),
    permissions: z
      .string()
      .regex(/^0?[0-7]{3}$/, 'must be octal file permissions, e.g. 0644')
      .optional()
      .describe('File mode (default 0600)'),
    overwrite: z.boolean().default(true).describe('Replace an existing file'),
  }),
  capabilities: [],
  run(context, config) {
    try {
      // Never through a link out of the working directory, nor into a .git directory.
      context.workDir.writeFile(config.path, config.contents, {
        mode: parseInt(config.permissions ?? '0600', 8),
        exclusive: !config.overwrite,
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw terminalError(
          `path: ${config.path} already exists (set overwrite: true to replace it)`,
        );
      throw err;
    }
    context.log(`wrote ${Buffer.byteLength(config.contents)} bytes to ${config.path}`);
    return Promise.resolve({ status: 'Succeeded' });
  },
});
