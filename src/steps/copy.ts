import { cpSync, existsSync, lstatSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';

/** copy: copies a file or a directory (recursively) inside the working directory. */
export const copyStep = defineStep({
  kind: 'copy',
  description: 'Copy a file or directory',
  configSchema: z.strictObject({
    inPath: z.string().min(1).describe('What to copy, relative to the working directory'),
    outPath: z.string().min(1).describe('Where to copy it'),
  }),
  capabilities: [],
  run(context, config) {
    const from = context.workDir.resolve(config.inPath, 'inPath');
    const to = context.workDir.resolve(config.outPath, 'outPath');
    if (!existsSync(from)) throw terminalError(`inPath: ${config.inPath} does not exist`);
    mkdirSync(dirname(to), { recursive: true });
    // Links are copied as links, never followed: a link could point outside the working directory.
    cpSync(from, to, {
      recursive: lstatSync(from).isDirectory(),
      force: true,
      verbatimSymlinks: true,
      dereference: false,
    });
    context.log(`copied ${config.inPath} to ${config.outPath}`);
    return Promise.resolve({ status: 'Succeeded' });
  },
});
