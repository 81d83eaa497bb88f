import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Pack } from 'tar';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { isStepError, transientError } from '../engine/step-error.js';
import { createIgnoreMatcher, type IgnoreMatcher } from './gitignore-matcher.js';

/** Kargo's limits on what one archive may hold (tar_creator.go). */
export const MAX_TAR_FILE_SIZE = 50 * 1024 * 1024;
export const MAX_TAR_TOTAL_SIZE = 100 * 1024 * 1024;

/**
 * tar: archives a file or a directory into a tar file (gzipped with `gzip: true`), as Kargo's
 * tar_creator.go: a directory's entries are named relative to it (the directory itself is not
 * an entry, subdirectories end with `/`), a single file is named by its base name; symbolic
 * links are archived as links (never followed); `ignore` takes `.gitignore` lines matched
 * against those names, and without it `.git` is left out; a file over 50 MiB, or more than
 * 100 MiB in all, fails the step. The archive is written to a temporary file beside `outPath`
 * and moved over it at the end, so a failed run leaves no partial archive.
 *
 * Unlike Kargo, sockets, FIFOs and devices are left out (with a log line), a file with several
 * hard links is archived as a file each time (as Go's tar.FileInfoHeader does), and the
 * temporary archive is never archived into itself when `outPath` lies inside `inPath`.
 */
export const tarStep = defineStep({
  kind: 'tar',
  description: 'Archive a file or directory into a tar (or gzipped tar) file',
  // As Kargo's tar-config.json.
  configSchema: z.strictObject({
    inPath: z
      .string()
      .min(1)
      .describe('The file or directory to archive, relative to the working directory'),
    outPath: z.string().min(1).describe('The tar file to write; an existing one is replaced'),
    ignore: z
      .string()
      .min(1)
      .optional()
      .describe('Lines of .gitignore patterns not to archive (default: .git)'),
    gzip: z.boolean().optional().describe('Compress the archive with gzip (default false)'),
  }),
  capabilities: [],
  async run(context, config) {
    const inPath = context.workDir.resolve(config.inPath, 'inPath');
    const outPath = context.workDir.resolve(config.outPath, 'outPath', { write: true });
    const source = lstatOrUndefined(inPath);
    // Kargo answers Errored (retried) here: an earlier step may yet produce it.
    if (!source) throw transientError(`input path ${JSON.stringify(config.inPath)} does not exist`);
    try {
      mkdirSync(dirname(outPath), { recursive: true, mode: 0o750 });
    } catch (err) {
      throw transientError(
        `failed to create output directory for ${JSON.stringify(config.outPath)}: ${reason(err)}`,
        err,
      );
    }
    const failed = (message: string, cause?: unknown) =>
      transientError(
        `failed to create the tar archive ${JSON.stringify(config.outPath)}: ${message}`,
        cause,
      );
    const temp = join(
      dirname(outPath),
      `${basename(outPath)}.tmp${randomBytes(6).toString('hex')}`,
    );
    let fd: number | undefined;
    try {
      fd = openSync(
        temp,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
        0o600,
      );
      const ignore = ignoreMatcher(config.ignore ?? '');
      const entries: string[] = [];
      const cwd = source.isDirectory() ? inPath : dirname(inPath);
      const sizes = { total: 0 };
      if (source.isDirectory()) {
        collect(inPath, [], ignore, entries, sizes, temp, (line) => context.log(line));
      } else {
        collectEntry(source, [basename(inPath)], ignore, entries, sizes, (line) =>
          context.log(line),
        );
      }
      const pack = new Pack({
        cwd,
        gzip: config.gzip === true,
        noDirRecurse: true,
        strict: true,
        // Every file is archived with its content, never as a hard link to an earlier entry.
        linkCache: new NoLinkCache(),
      });
      for (const entry of entries) pack.add(entry);
      pack.end();
      for await (const chunk of pack as AsyncIterable<Buffer>) {
        for (let offset = 0; offset < chunk.length;)
          offset += writeSync(fd, chunk, offset, chunk.length - offset);
      }
      fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      try {
        renameSync(temp, outPath);
      } catch (err) {
        throw failed(`failed to move temporary file to output path: ${reason(err)}`, err);
      }
      context.log(`archived ${entries.length} entries of ${config.inPath} into ${config.outPath}`);
    } catch (err) {
      if (isStepError(err)) throw err;
      throw failed(reason(err), err);
    } finally {
      if (fd !== undefined) closeSync(fd);
      rmSync(temp, { force: true });
    }
    return { status: 'Succeeded' };
  },
});

/** Kargo's buildIgnoreMatcher: trimmed lines, `#` comments; nothing given means `.git`. */
function ignoreMatcher(ignore: string): IgnoreMatcher {
  const lines = ignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return createIgnoreMatcher(lines.length > 0 ? lines : ['.git']);
}

/** Walks `dir` in name order (as Go's WalkDir), adding the entries to archive. */
function collect(
  dir: string,
  rel: string[],
  ignore: IgnoreMatcher,
  entries: string[],
  sizes: { total: number },
  temp: string,
  log: (line: string) => void,
): void {
  const names = readdirSync(dir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  for (const name of names) {
    const path = join(dir, name);
    if (path === temp) continue;
    const stat = lstatSync(path);
    if (collectEntry(stat, [...rel, name], ignore, entries, sizes, log))
      collect(path, [...rel, name], ignore, entries, sizes, temp, log);
  }
}

/** Adds one entry if archived; true when it is a directory to descend into. */
function collectEntry(
  stat: Stats,
  rel: string[],
  ignore: IgnoreMatcher,
  entries: string[],
  sizes: { total: number },
  log: (line: string) => void,
): boolean {
  const name = rel.join('/');
  if (ignore.ignores(rel, stat.isDirectory())) return false;
  if (stat.isFile()) {
    if (stat.size > MAX_TAR_FILE_SIZE)
      throw new Error(
        `failed during directory walk: file ${JSON.stringify(name)} size (${stat.size} bytes) exceeds the maximum allowed single file size (${MAX_TAR_FILE_SIZE} bytes)`,
      );
    sizes.total += stat.size;
    if (sizes.total > MAX_TAR_TOTAL_SIZE)
      throw new Error(
        `failed during directory walk: total tar archive source size exceeds the maximum allowed size (${MAX_TAR_TOTAL_SIZE} bytes)`,
      );
    entries.push(name);
    return false;
  }
  if (stat.isDirectory()) {
    entries.push(name);
    return true;
  }
  if (stat.isSymbolicLink()) {
    entries.push(name);
    return false;
  }
  log(`left out ${name}: not a file, directory or symbolic link`);
  return false;
}

/** A link cache that remembers nothing, so no entry becomes a hard link. */
class NoLinkCache extends Map<`${number}:${number}`, string> {
  override set(): this {
    return this;
  }
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * An error's message without the absolute paths Node adds to file system errors
 * (`ENOENT: no such file or directory, open '/srv/…'` → `ENOENT: no such file or directory`):
 * server paths stay out of Promotion statuses.
 */
function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const message = e instanceof Error ? e.message : String(err);
  return e.syscall ? message.replace(new RegExp(`, ${e.syscall} '.*$`), '') : message;
}
