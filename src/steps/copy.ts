import {
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';
import { createIgnoreMatcher, type IgnoreMatcher } from './gitignore-matcher.js';

/**
 * copy: copies a file or a directory (recursively) inside the working directory, as Kargo's
 * file_copier.go: links on the way to inPath and outPath are followed (never out of the working
 * directory), symbolic links inside a copied directory are skipped, `.git` is skipped unless an
 * `ignore` rule re-includes it, and `ignore` takes `.gitignore` lines relative to the copied
 * directory (to a copied file's directory). A directory merges into an existing one.
 */
export const copyStep = defineStep({
  kind: 'copy',
  description: 'Copy a file or directory',
  configSchema: z.strictObject({
    inPath: z.string().min(1).describe('What to copy, relative to the working directory'),
    outPath: z.string().min(1).describe('Where to copy it'),
    ignore: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Lines of .gitignore patterns not to copy (.git is never copied unless re-included with !.git/)',
      ),
  }),
  capabilities: [],
  run(context, config) {
    const from = context.workDir.resolve(config.inPath, 'inPath');
    const to = context.workDir.resolve(config.outPath, 'outPath', { write: true });
    const source = lstatOrUndefined(from);
    // Kargo answers Errored (retried) here: an earlier step may yet produce it.
    if (!source)
      throw transientError(
        `failed to copy ${JSON.stringify(config.inPath)} to ${JSON.stringify(config.outPath)}: inPath does not exist`,
      );
    const rel = relative(from, to);
    if (source.isDirectory() && (rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`))))
      throw terminalError(`outPath: ${config.outPath} is inside inPath ${config.inPath}`);
    const target = lstatOrUndefined(to);
    if (target?.isDirectory() && !source.isDirectory())
      throw terminalError(`outPath: ${config.outPath} is a directory; name the file to write`);
    const ignore = createIgnoreMatcher(['.git', ...(config.ignore ?? '').split(/\r?\n/)]);
    try {
      mkdirSync(dirname(to), { recursive: true });
      copyEntry(from, to, source, [], ignore);
    } catch (err) {
      if (isStepError(err)) throw err;
      throw transientError(
        `failed to copy ${JSON.stringify(config.inPath)} to ${JSON.stringify(config.outPath)}: ${(err as Error).message}`,
        err,
      );
    }
    context.log(`copied ${config.inPath} to ${config.outPath}`);
    return Promise.resolve({ status: 'Succeeded' });
  },
});

/**
 * Copies one entry. Links below inPath are skipped (Kargo's OnSymlink: Skip); files are opened
 * with O_NOFOLLOW and an existing link or file in the way is replaced, never followed.
 * Directories merge into an existing directory, as `cp -r` does. `rel` is the entry's path
 * below inPath, for the ignore rules (which never apply to inPath itself).
 */
function copyEntry(
  from: string,
  to: string,
  source: Stats,
  rel: readonly string[],
  ignore: IgnoreMatcher,
): void {
  if (rel.length > 0 && ignore.ignores(rel, source.isDirectory())) return;
  if (source.isSymbolicLink()) return;
  // Re-included with `!.git/`: Kargo copies it; Gantry never writes git's own files (config,
  // hooks decide what git runs), as WorkDir.resolve refuses for every other step.
  if (rel.some((name) => name.toLowerCase() === '.git'))
    throw terminalError(
      `ignore: copying ${rel.join('/')} would write into a .git directory; steps may not change git's own files`,
    );
  const existing = lstatOrUndefined(to);
  if (source.isDirectory()) {
    if (existing && !existing.isDirectory()) rmSync(to, { force: true });
    if (!existing?.isDirectory()) mkdirSync(to, { mode: source.mode & 0o777 });
    for (const name of readdirSync(from)) {
      const child = join(from, name);
      copyEntry(child, join(to, name), lstatSync(child), [...rel, name], ignore);
    }
  } else if (source.isFile()) {
    if (existing && !existing.isFile()) rmSync(to, { recursive: true, force: true });
    copyFile(from, to, source.mode & 0o777);
  } else {
    throw terminalError(`inPath: ${from} is neither a file, a directory nor a symbolic link`);
  }
}

function copyFile(from: string, to: string, mode: number): void {
  const input = openSync(from, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const output = openSync(
      to,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      mode,
    );
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const read = readSync(input, buffer, 0, buffer.length, null);
        if (read === 0) break;
        for (let offset = 0; offset < read;)
          offset += writeSync(output, buffer, offset, read - offset);
      }
      // An existing file keeps its mode otherwise; cp gives it the source's.
      fchmodSync(output, mode);
    } finally {
      closeSync(output);
    }
  } finally {
    closeSync(input);
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
