import {
  closeSync,
  constants,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  rmSync,
  symlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
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
    // Both name entries: a link is copied as a link, and a link at outPath is replaced.
    const from = context.workDir.resolve(config.inPath, 'inPath', { entry: true });
    const to = context.workDir.resolve(config.outPath, 'outPath', { entry: true, write: true });
    const source = lstatOrUndefined(from);
    if (!source) throw terminalError(`inPath: ${config.inPath} does not exist`);
    const rel = relative(from, to);
    if (source.isDirectory() && (rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`))))
      throw terminalError(`outPath: ${config.outPath} is inside inPath ${config.inPath}`);
    const target = lstatOrUndefined(to);
    if (target?.isDirectory() && !source.isDirectory())
      throw terminalError(`outPath: ${config.outPath} is a directory; name the file to write`);
    mkdirSync(dirname(to), { recursive: true });
    copyEntry(from, to, source);
    context.log(`copied ${config.inPath} to ${config.outPath}`);
    return Promise.resolve({ status: 'Succeeded' });
  },
});

/**
 * Copies one entry without ever following a link, on either side: links are recreated as
 * links (their text unchanged), an existing link or file in the way is replaced, files are
 * opened with O_NOFOLLOW. Directories merge into an existing directory, as `cp -r` does.
 */
function copyEntry(from: string, to: string, source: Stats): void {
  const existing = lstatOrUndefined(to);
  if (source.isSymbolicLink()) {
    if (existing) rmSync(to, { recursive: true, force: true });
    symlinkSync(readlinkSync(from), to);
  } else if (source.isDirectory()) {
    if (existing && !existing.isDirectory()) rmSync(to, { force: true });
    if (!existing?.isDirectory()) mkdirSync(to, { mode: source.mode & 0o777 });
    for (const name of readdirSync(from)) {
      const child = join(from, name);
      copyEntry(child, join(to, name), lstatSync(child));
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
