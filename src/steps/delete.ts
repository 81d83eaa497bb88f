import { lstatSync, rmSync } from 'node:fs';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { terminalError, transientError } from '../engine/step-error.js';
import { globFiles, globSyntaxProblem } from './glob.js';

/**
 * delete: removes files or directories, as Kargo's file_deleter.go. Every path (or glob) is
 * resolved before anything is removed, so with `strict` a missing path or a glob matching
 * nothing fails the step with nothing deleted. A link is removed as a link. A path listed
 * after its directory (`dir`, `dir/file`) is simply already gone.
 */
export const deleteStep = defineStep({
  kind: 'delete',
  description: 'Delete files or directories',
  configSchema: z
    .strictObject({
      path: z
        .string()
        .min(1)
        .optional()
        .describe('One path to delete (or glob with pathsAreGlobs); not with paths'),
      paths: z
        .array(z.string().min(1))
        .min(1)
        .optional()
        .describe('Several paths to delete (or globs with pathsAreGlobs); not with path'),
      pathsAreGlobs: z
        .boolean()
        .optional()
        .describe('Treat path and paths as doublestar glob patterns'),
      strict: z
        .boolean()
        .optional()
        .describe('Fail, deleting nothing, when a path does not exist or a glob matches nothing'),
    })
    .superRefine((config, ctx) => {
      // Kargo's schema: oneOf required path / required paths.
      if ((config.path === undefined) === (config.paths === undefined))
        ctx.addIssue({ code: 'custom', message: 'set exactly one of path or paths' });
    }),
  capabilities: [],
  run(context, config) {
    const patterns = config.path !== undefined ? [config.path] : (config.paths ?? []);
    const field = (index: number) => (config.path !== undefined ? 'path' : `paths[${index}]`);
    const targets = new Map<string, string>();
    for (const [index, pattern] of patterns.entries()) {
      let matches: string[];
      if (config.pathsAreGlobs) {
        const problem = globSyntaxProblem(pattern);
        if (problem)
          throw terminalError(
            `${field(index)}: invalid glob pattern ${JSON.stringify(pattern)}: ${problem}`,
          );
        let found;
        try {
          found = globFiles(context.workDir.root, pattern);
        } catch (err) {
          throw terminalError(`${field(index)}: ${(err as Error).message}`, err);
        }
        // The literal part of the pattern must not lead out through a link.
        if (found.base !== '') context.workDir.resolve(found.base, field(index));
        matches = found.matches.map((match) => match.path);
        if (matches.length === 0 && config.strict)
          throw transientError(
            `${field(index)}: no paths matched pattern ${JSON.stringify(pattern)}`,
          );
      } else {
        matches = [pattern];
      }
      for (const match of matches) {
        // The entry itself: deleting a link removes the link, never what it points to.
        const target = context.workDir.resolve(match, field(index), { entry: true, write: true });
        if (!exists(target)) {
          if (config.strict)
            throw transientError(`${field(index)}: path ${JSON.stringify(match)} does not exist`);
          continue;
        }
        if (!targets.has(target)) targets.set(target, match);
      }
    }
    for (const [target, match] of targets) {
      try {
        rmSync(target, { recursive: true, force: true });
      } catch (err) {
        throw transientError(`could not delete ${match}: ${(err as Error).message}`, err);
      }
    }
    context.log(`deleted ${targets.size} path(s)`);
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
