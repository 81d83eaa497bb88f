import { closeSync, constants, fchmodSync, openSync } from 'node:fs';
import { normalize, relative } from 'node:path';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';

/** Kargo's default mode for a written file (file_writer.go). */
const DEFAULT_PERMISSIONS = 0o600;

/**
 * file-write: writes text (often built with asYAML/asJSON) to a file, as Kargo's file_writer.go:
 * an existing file is kept unless `overwrite`, the mode (default 0600) is applied to new and
 * replaced files alike, and it may not make a file executable or world-writable. The path may
 * not go through a symbolic link, nor into `.git`.
 */
export const fileWriteStep = defineStep({
  kind: 'file-write',
  description: 'Write text to a file',
  configSchema: z.strictObject({
    path: z.string().min(1).describe('The file, relative to the working directory'),
    contents: z.string().describe('What to write'),
    permissions: z
      .string()
      // Kargo's schema: ^0[0-7]{3}$ (the leading zero is required).
      .regex(/^0[0-7]{3}$/, 'must be octal file permissions with a leading 0, e.g. 0644')
      .optional()
      .describe('File mode (default 0600); never executable nor world-writable'),
    overwrite: z.boolean().default(false).describe('Replace an existing file (default false)'),
  }),
  capabilities: [],
  run(context, config) {
    const mode = parsePermissions(config.permissions);
    const resolved = context.workDir.resolve(config.path, 'path', { write: true });
    const rel = relative(context.workDir.root, resolved);
    if (rel !== normalize(config.path).replace(/\/+$/, ''))
      throw terminalError(
        `path: ${JSON.stringify(config.path)} resolves to ${JSON.stringify(rel)}; file-write does not write through symbolic links`,
      );
    try {
      const file = context.workDir.writeFile(config.path, config.contents, {
        mode,
        exclusive: !config.overwrite,
      });
      // A replaced file gets the mode too, whatever the umask (Kargo chmods after writing).
      const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        fchmodSync(fd, mode);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if (isStepError(err)) throw err;
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw terminalError(
          `path: ${config.path} already exists (set overwrite: true to replace it)`,
        );
      // Kargo answers Errored (retried) for a failed write, a directory in the way say.
      throw transientError(`could not write ${config.path}: ${(err as Error).message}`, err);
    }
    context.log(`wrote ${Buffer.byteLength(config.contents)} bytes to ${config.path}`);
    return Promise.resolve({ status: 'Succeeded' });
  },
});

/** The mode to apply, refused (terminal) where Kargo refuses it. */
function parsePermissions(permissions: string | undefined): number {
  if (permissions === undefined) return DEFAULT_PERMISSIONS;
  const mode = parseInt(permissions, 8);
  if (mode & ~0o777)
    throw terminalError(`permissions: ${permissions} must not include special mode bits`);
  if (mode & 0o111)
    throw terminalError(`permissions: ${permissions} must not include executable bits`);
  if (mode & 0o002) throw terminalError(`permissions: ${permissions} must not be world-writable`);
  return mode;
}
