import { lstatSync, rmSync } from 'node:fs';
import { sep } from 'node:path';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { globFiles } from './glob.js';

/**
 * delete: removes files or directories. With `strict`, a path that does not exist is an error.
 */
export const deleteStep = defineStep({
  kind: 'delete',
  description: 'Delete files or directories',
  configSchema: z
    .strictObject({
      path: z.string().min(1).optional().describe('One path to delete'),
      paths: z.array(z.string().min(1)).optional().describe('Several paths to delete'),
      pathsAreGlobs: z.boolean().optional().describe('Treat paths as glob patterns'),
      strict: z.boolean().optional().describe('Fail when a path does not exist'),
    })
    .superRefine((config, ctx) => {
      if (!config.path && !(config.paths && config.paths.length > 0))
        ctx.addIssue({ code: 'custom', message: 'set path or paths' });
    }),
  capabilities: [],
  run(context, config) {
    const patterns = [...(config.path ? [config.path] : []), ...(config.paths ?? [])];
    let removed = 0;
    for (const [index, pattern] of patterns.entries()) {
      const field = `paths[${index}]`;
      context.workDir.resolve(pattern, field, { entry: true, write: true });
      // A glob never reaches into .git directories (git-clear keeps them too).
      const matches = config.pathsAreGlobs
        ? globFiles(context.workDir.root, pattern).filter((match) => !inGitDirectory(match))
        : [pattern];
      if (matches.length === 0 && config.strict)
        throw terminalError(`${field}: nothing matches ${pattern}`);
      for (const match of matches) {
        // The entry itself: deleting a link removes the link, never what it points to.
        const target = context.workDir.resolve(match, field, { entry: true, write: true });
        if (!exists(target)) {
          if (config.strict) throw terminalError(`${field}: ${match} does not exist`);
          continue;
        }
        rmSync(target, { recursive: true, force: true });
        removed++;
      }
    }
    context.log(`deleted ${removed} path(s)`);
    return Promise.resolve({ status: 'Succeeded' });
  },
});

/** Whether the entry exists (a dangling link does). */
function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function inGitDirectory(path: string): boolean {
  return path.split(sep).some((part) => part.toLowerCase() === '.git');
}
