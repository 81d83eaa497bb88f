import {
  closeSync,
  constants,
  createReadStream,
  futimesSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { isStepError, terminalError, transientError } from '../engine/step-error.js';
import { createIgnoreMatcher } from './gitignore-matcher.js';

/** Kargo's limits against decompression bombs (tar_extractor.go). */
export const MAX_UNTAR_FILE_SIZE = 50 * 1024 * 1024;
export const MAX_UNTAR_TOTAL_SIZE = 100 * 1024 * 1024;

/**
 * untar: extracts a tar archive (gzipped when it starts with gzip's magic bytes, whatever its
 * name) into a directory, as Kargo's tar_extractor.go: into a temporary directory first, which
 * then replaces `outPath` whole (a failed run leaves `outPath` as it was); only regular files,
 * directories and symbolic links are extracted (hard links, devices, FIFOs skipped); a file
 * over 50 MiB, or more than 100 MiB in all, aborts the run; modes keep only their permission
 * bits; a file gets its archived modification time.
 *
 * An entry is skipped, as Kargo skips it, when its name (after `stripComponents`) is absolute,
 * starts with `./`, holds `../` or a backslash; a link likewise when its target does. Gantry
 * also skips what Kargo would let through: a name or target with any `..` segment (Kargo
 * accepts `a/..` and a bare `..`, and a link `up → ..` lets later entries climb out), an entry
 * below an extracted link (never written through), and anything in a `.git` directory.
 * `ignore` takes `.gitignore` lines relative to the archive's root (after stripping), plus
 * Kargo's rule that an entry whose base name is the whole `ignore` text is skipped.
 */
export const untarStep = defineStep({
  kind: 'untar',
  description: 'Extract a tar (or gzipped tar) archive into a directory',
  // As Kargo's untar-config.json.
  configSchema: z.strictObject({
    inPath: z
      .string()
      .min(1)
      .describe('The tar file to extract, relative to the working directory'),
    outPath: z
      .string()
      .min(1)
      .describe('The directory to extract into; its current content is replaced'),
    stripComponents: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('How many leading path components to strip from the names in the archive'),
    ignore: z
      .string()
      .min(1)
      .optional()
      .describe('Lines of .gitignore patterns of entries not to extract'),
  }),
  capabilities: [],
  async run(context, config) {
    const inPath = context.workDir.resolve(config.inPath, 'inPath');
    const outPath = context.workDir.resolve(config.outPath, 'outPath', { write: true });
    if (outPath === context.workDir.root)
      throw terminalError(
        `outPath: ${JSON.stringify(config.outPath)} is the working directory itself; untar replaces outPath whole, so name a directory inside it`,
      );
    const failed = (message: string, cause?: unknown) =>
      transientError(
        `failed to extract tar file ${JSON.stringify(config.inPath)}: ${message}`,
        cause,
      );
    // Beside the other files of the promotion (same file system: the move is a rename).
    const temp = mkdtempSync(join(context.workDir.root, '.untar-'));
    try {
      const extracted = await extract(inPath, temp, config, (line) => context.log(line), failed);
      mkdirSync(dirname(outPath), { recursive: true, mode: 0o750 });
      // As Kargo (its MkdirAll fails): a file is not replaced by the directory.
      const existing = lstatOrUndefined(outPath);
      if (existing && !existing.isDirectory())
        throw failed(`failed to create directory ${JSON.stringify(config.outPath)}: it is a file`);
      rmSync(outPath, { recursive: true, force: true });
      renameSync(temp, outPath);
      context.log(`extracted ${extracted} entries of ${config.inPath} into ${config.outPath}`);
    } catch (err) {
      if (isStepError(err)) throw err;
      throw failed(reason(err), err);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    return { status: 'Succeeded' };
  },
});

type Failed = (message: string, cause?: unknown) => Error;

/** Extracts the archive at `inPath` into the empty directory `root`; the number of entries written. */
async function extract(
  inPath: string,
  root: string,
  config: { inPath: string; stripComponents?: number | undefined; ignore?: string | undefined },
  log: (line: string) => void,
  failed: Failed,
): Promise<number> {
  let fd: number;
  try {
    fd = openSync(inPath, constants.O_RDONLY);
  } catch (err) {
    throw failed(`failed to open tar file ${JSON.stringify(config.inPath)}: ${reason(err)}`, err);
  }
  const magic = Buffer.alloc(2);
  let read: number;
  try {
    read = readSync(fd, magic, 0, 2, 0);
  } finally {
    closeSync(fd);
  }
  // Kargo reads two bytes first: an empty file is an error there (EOF).
  if (read === 0) throw failed('failed to read file header: EOF');
  const gzipped = read === 2 && magic[0] === 0x1f && magic[1] === 0x8b;

  const ignore = createIgnoreMatcher((config.ignore ?? '').split(/\r?\n/));
  const exactIgnore = config.ignore?.trim();
  const strip = config.stripComponents ?? 0;
  let total = 0;
  let written = 0;
  let failure: Error | undefined;
  let ended = false;
  /** The file being written, when an entry's data is still to come. */
  let open: number | undefined;

  // strict: a bad checksum, a truncated archive or data that is no tar is an error, as Go's
  // archive/tar reader makes it. Compression is detected here, as Kargo does: gzip only.
  const parser = new Parser({ strict: true, brotli: false, zstd: false });
  parser.on('error', (err: unknown) => {
    failure ??= failed(`error reading tar: ${reason(err)}`, err);
  });
  // The end-of-archive marker: Go's reader stops there, and so does this one (what follows is
  // never decompressed).
  parser.on('eof', () => {
    ended = true;
  });
  parser.on('entry', (entry: ReadEntry) => {
    if (failure !== undefined) {
      entry.resume();
      return;
    }
    try {
      const outcome = extractEntry(entry);
      if (outcome === 'drain') entry.resume();
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
      entry.resume();
    }
  });

  /** Extracts one entry; 'drain' when its data (if any) is not wanted and must be read past. */
  function extractEntry(entry: ReadEntry): 'consumed' | 'drain' {
    // OldFile is Go's TypeRegA: a directory when its name ends with a slash.
    const type =
      entry.type === 'OldFile' ? (entry.path.endsWith('/') ? 'Directory' : 'File') : entry.type;
    if (type !== 'File' && type !== 'Directory' && type !== 'SymbolicLink') {
      log(`skipped ${JSON.stringify(entry.path)}: a ${entry.type} entry`);
      return 'drain';
    }
    let name = entry.path;
    if (strip > 0) {
      const parts = name.split('/');
      if (parts.length <= strip) return 'drain';
      name = parts.slice(strip).join('/');
    }
    if (name === '' || name === '/') return 'drain';
    if (!safeRelativePath(name)) {
      log(`skipped ${JSON.stringify(entry.path)}: an unsafe path`);
      return 'drain';
    }
    const segments = name.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.length === 0) return 'drain';
    if (exactIgnore !== undefined && segments[segments.length - 1] === exactIgnore) return 'drain';
    if (ignore.ignores(segments, type === 'Directory')) return 'drain';
    if (segments.some((s) => s.toLowerCase() === '.git')) {
      log(`skipped ${JSON.stringify(entry.path)}: steps never write into a .git directory`);
      return 'drain';
    }
    // Every directory on the way must be a real directory made here, never a link.
    let dir = root;
    for (const segment of segments.slice(0, -1)) {
      dir = join(dir, segment);
      const stat = lstatOrUndefined(dir);
      if (stat === undefined) mkdirSync(dir, { mode: 0o750 });
      else if (stat.isSymbolicLink()) {
        log(
          `skipped ${JSON.stringify(entry.path)}: it lies below the symbolic link ${relative(root, dir)}`,
        );
        return 'drain';
      } else if (!stat.isDirectory())
        throw failed(`failed to create directory ${relative(root, dir)}: it is a file`);
    }
    const target = join(dir, segments[segments.length - 1]!);
    const existing = lstatOrUndefined(target);
    if (type === 'Directory') {
      if (existing?.isSymbolicLink()) {
        log(`skipped ${JSON.stringify(entry.path)}: a symbolic link of that name was extracted`);
        return 'drain';
      }
      if (existing && !existing.isDirectory())
        throw failed(`failed to create directory ${name}: a file of that name was extracted`);
      if (!existing) mkdirSync(target, { mode: 0o750 });
      written++;
      return 'drain';
    }
    if (type === 'SymbolicLink') {
      const link = entry.linkpath ?? '';
      if (!safeRelativePath(link)) {
        log(`skipped ${JSON.stringify(entry.path)}: its target ${JSON.stringify(link)} is unsafe`);
        return 'drain';
      }
      // As Kargo: an entry already there is kept.
      if (!existing) {
        symlinkSync(link, target);
        written++;
      }
      return 'drain';
    }
    if (entry.size > MAX_UNTAR_FILE_SIZE)
      throw failed(
        `extraction aborted: file ${name} exceeds size limit of ${MAX_UNTAR_FILE_SIZE} bytes`,
      );
    if (total + entry.size > MAX_UNTAR_TOTAL_SIZE)
      throw failed(
        `extraction aborted: total size would exceed limit of ${MAX_UNTAR_TOTAL_SIZE} bytes`,
      );
    if (existing?.isDirectory())
      throw failed(`failed to create file ${name}: a directory of that name was extracted`);
    // A later entry of the same name replaces the file (or link): never written through.
    if (existing) unlinkSync(target);
    const out = openSync(
      target,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      (entry.mode ?? 0o600) & 0o777,
    );
    open = out;
    total += entry.size;
    written++;
    const mtime = entry.mtime;
    entry.on('end', () => {
      try {
        if (mtime) futimesSync(out, mtime, mtime);
      } catch (err) {
        failure ??= failed(`failed to change mod time for ${name}: ${reason(err)}`, err);
      } finally {
        closeSync(out);
        open = undefined;
      }
    });
    entry.on('data', (chunk: Buffer) => {
      try {
        for (let offset = 0; offset < chunk.length;)
          offset += writeSync(out, chunk, offset, chunk.length - offset);
      } catch (err) {
        failure ??= failed(`failed to write to file ${name}: ${reason(err)}`, err);
      }
    });
    return 'consumed';
  }

  let fed = 0;
  const input = createReadStream(inPath);
  const gunzip = gzipped ? createGunzip() : undefined;
  const source: Readable = gunzip ? input.pipe(gunzip) : input;
  input.on('error', (err) => gunzip?.destroy(err));
  try {
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        parser.write(chunk);
        fed += chunk.length;
        if (failure !== undefined || ended) break;
      }
    } catch (err) {
      const message = reason(err);
      throw failed(gzipped ? `failed to read gzip data: ${message}` : message, err);
    }
    if (failure === undefined && !ended) parser.end();
    // The data ended in the middle of an entry or of a block (Go's reader: unexpected EOF;
    // node-tar's parser drops a partial block).
    if (failure === undefined && !ended && (open !== undefined || fed % 512 !== 0))
      failure = failed('error reading tar: unexpected EOF');
  } finally {
    input.destroy();
    gunzip?.destroy();
    // A run stopped in the middle of an entry (a failure, a truncated archive).
    if (open !== undefined) closeSync(open);
  }
  if (failure !== undefined) throw failure;
  return written;
}

/** Kargo's validRelPath, plus any `..` segment (`a/..`, a bare `..`) and NUL bytes refused. */
function safeRelativePath(path: string): boolean {
  return !(
    path === '' ||
    path.includes('\\') ||
    path.includes('\0') ||
    path.startsWith('/') ||
    path.includes('../') ||
    path.startsWith('./') ||
    path.split('/').includes('..')
  );
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
