import { compatIt, expectConfigCheck } from './row-case.js';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { expect } from 'vitest';
import { createStepHarness, stepError } from '../../../test/step-harness.js';
import type { StepDefinition } from '../../engine/step.js';

/** One entry of an archive a case builds byte by byte (so names Go's writer would take, `../x` or `/etc/passwd`, can be written). */
export interface ArchiveEntry {
  name: string;
  /** Tar type flag: '0' file (default), '1' hard link, '2' symbolic link, '3' character device, '5' directory, '6' FIFO. */
  type?: '0' | '1' | '2' | '3' | '5' | '6';
  content?: string;
  /** A file of this many zero bytes instead of `content` (a hole in an uncompressed archive). */
  zeros?: number;
  mode?: number;
  link?: string;
}

/**
 * One case of Kargo's tar_creator_test.go or tar_extractor_test.go, as data. Paths are relative
 * to the promotion's working directory; `outside` files sit in its parent directory, where an
 * escaping entry would land.
 */
export interface TarStepCase {
  /** `<file>_test.go Test<Name> <case name>` */
  upstream: string;
  config: unknown;
  /** Only check the config against the step's schema (Kargo's convert tables). */
  validateOnly?: boolean;
  files?: Record<string, string>;
  dirs?: string[];
  /** Symbolic links before the run: path → link text. */
  links?: Record<string, string>;
  /** Sparse files of this size before the run. */
  bigFiles?: Record<string, number>;
  /** Archives built before the run (gzipped when `gzip`), or raw bytes as text. */
  archives?: Record<string, { entries: ArchiveEntry[]; gzip?: boolean } | { raw: string }>;
  outside?: Record<string, string>;
  /** Files after the run; null means absent (not even a dangling link). */
  expectFiles?: Record<string, string | null>;
  expectDirs?: Record<string, boolean>;
  /** Symbolic links after the run: path → link text. */
  expectLinks?: Record<string, string>;
  expectModes?: Record<string, number>;
  /** The entries of an archive after the run: name → content ('' for a directory, the target for a link), exactly. */
  expectArchive?: { path: string; entries: Record<string, string> };
  /** No temporary file or directory (`.untar-*`, `*.tmp*`) left in these directories. */
  expectNoTemp?: string[];
  expectOutside?: Record<string, string | null>;
  /** The run fails; the message contains this text ('' for any message). */
  error?: string;
  terminal?: boolean;
  /** Not translatable: why. */
  skip?: string;
  /** Gantry deliberately differs (and docs/compatibility.md says so): how the case is checked instead. */
  differs?: string;
}

/** Registers one vitest case per table row. */
export function runTarStepCases(step: StepDefinition, cases: readonly TarStepCase[]): void {
  for (const c of cases) {
    compatIt(c, async () => {
      if (c.validateOnly) {
        expectConfigCheck(step, c.config, c.error);
        return;
      }
      const harness = createStepHarness();
      try {
        const root = harness.workDir.root;
        const parent = dirname(root);
        const at = (p: string) => join(root, p);
        for (const [p, text] of Object.entries(c.outside ?? {}))
          writeFileSync(join(parent, p), text);
        for (const d of c.dirs ?? []) mkdirSync(at(d), { recursive: true, mode: 0o750 });
        for (const [p, text] of Object.entries(c.files ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true, mode: 0o750 });
          writeFileSync(at(p), text, { mode: 0o600 });
        }
        for (const [p, size] of Object.entries(c.bigFiles ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true, mode: 0o750 });
          const fd = openSync(at(p), 'w');
          ftruncateSync(fd, size);
          closeSync(fd);
        }
        for (const [p, target] of Object.entries(c.links ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true });
          symlinkSync(target, at(p));
        }
        for (const [p, archive] of Object.entries(c.archives ?? {})) {
          mkdirSync(dirname(at(p)), { recursive: true });
          if ('raw' in archive) writeFileSync(at(p), archive.raw);
          else if (archive.gzip) writeFileSync(at(p), gzipSync(tarBytes(archive.entries)));
          else writeArchive(at(p), archive.entries);
        }
        if (c.error !== undefined) {
          const err = await stepError(harness.run(step, c.config));
          expect(err.message).toContain(c.error);
          if (c.terminal !== undefined) expect(err.terminal).toBe(c.terminal);
        } else {
          const outcome = await harness.run(step, c.config);
          expect(outcome.status).toBe('Succeeded');
        }
        for (const [p, text] of Object.entries(c.expectFiles ?? {})) {
          if (text === null) expect(entryExists(at(p)), `${p} is absent`).toBe(false);
          else expect(readFileSync(at(p), 'utf8'), p).toBe(text);
        }
        for (const [p, present] of Object.entries(c.expectDirs ?? {})) {
          const isDir = existsSync(at(p)) && statSync(at(p)).isDirectory();
          expect(isDir, `${p} is ${present ? '' : 'not '}a directory`).toBe(present);
        }
        for (const [p, target] of Object.entries(c.expectLinks ?? {}))
          expect(readlinkSync(at(p)), p).toBe(target);
        for (const [p, mode] of Object.entries(c.expectModes ?? {}))
          expect(statSync(at(p)).mode & 0o7777, p).toBe(mode);
        if (c.expectArchive)
          expect(await archiveEntries(at(c.expectArchive.path))).toEqual(c.expectArchive.entries);
        for (const d of c.expectNoTemp ?? []) {
          const left = readdirSync(at(d)).filter((n) => n.startsWith('.untar-') || /\.tmp/.test(n));
          expect(left, `temporary entries in ${d}`).toEqual([]);
        }
        for (const [p, text] of Object.entries(c.expectOutside ?? {})) {
          if (text === null) expect(entryExists(join(parent, p)), `${p} is absent`).toBe(false);
          else expect(readFileSync(join(parent, p), 'utf8'), p).toBe(text);
        }
      } finally {
        harness.cleanup();
      }
    });
  }
}

/** The bytes of an archive of `entries` (zeros written out), ending with two zero blocks. */
export function tarBytes(entries: readonly ArchiveEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = e.zeros !== undefined ? Buffer.alloc(e.zeros) : Buffer.from(e.content ?? '');
    blocks.push(header(e, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** Writes an uncompressed archive; runs of zeros are left as holes (Kargo's 50 MiB cases stay cheap). */
function writeArchive(path: string, entries: readonly ArchiveEntry[]): void {
  const fd = openSync(path, 'w');
  try {
    let offset = 0;
    for (const e of entries) {
      const body = e.zeros !== undefined ? undefined : Buffer.from(e.content ?? '');
      const size = e.zeros ?? body!.length;
      offset += writeSync(fd, header(e, size), 0, 512, offset);
      if (body) writeSync(fd, body, 0, body.length, offset);
      offset += size + ((512 - (size % 512)) % 512);
    }
    ftruncateSync(fd, offset + 1024);
  } finally {
    closeSync(fd);
  }
}

/** A ustar header block for `e`, as Go's writer makes one for a short name. */
function header(e: ArchiveEntry, size: number): Buffer {
  const type = e.type ?? '0';
  const block = Buffer.alloc(512);
  const octal = (value: number, width: number) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  block.write(e.name, 0, 100, 'utf8');
  block.write(octal(e.mode ?? 0o600, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(type === '0' ? size : 0, 12), 124);
  block.write(octal(1_700_000_000, 12), 136);
  block.write('        ', 148);
  block.write(type, 156);
  if (e.link !== undefined) block.write(e.link, 157, 100, 'utf8');
  block.write('ustar\0', 257);
  block.write('00', 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

/** An archive's entries: name → content ('' for a directory, the target for a link). */
async function archiveEntries(path: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  const parser = new Parser({ strict: true });
  let sawEof = false;
  const done = new Promise<void>((resolve, reject) => {
    parser.on('end', resolve);
    parser.on('error', reject);
    // An archive of no entries is only its end marker, which the parser alone would call no tar.
    parser.on('eof', () => {
      sawEof = true;
      resolve();
    });
  });
  parser.on('entry', (entry: ReadEntry) => {
    if (entry.type === 'SymbolicLink') entries[entry.path] = entry.linkpath ?? '';
    else if (entry.type === 'Directory') entries[entry.path] = '';
    const chunks: Buffer[] = [];
    entry.on('data', (chunk: Buffer) => chunks.push(chunk));
    entry.on('end', () => {
      if (entry.type === 'File') entries[entry.path] = Buffer.concat(chunks).toString('utf8');
    });
  });
  parser.write(readFileSync(path));
  if (!sawEof) parser.end();
  await done;
  return entries;
}

function entryExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
