import {
  appendFileSync,
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { boundMiddle, cutMarker, TEXT_LIMITS } from '../api/bounded-text.js';
import { redactUrl } from '../api/redact-url.js';

/** One line of a promotion's log. */
export interface LogEntry {
  time: string;
  /** The step's alias; empty for lines about the whole promotion. */
  step: string;
  line: string;
}

/** How much of a Promotion's log is kept (defaults: `TEXT_LIMITS`). */
export interface LogLimits {
  maxLineBytes: number;
  headBytes: number;
  segmentBytes: number;
  tailSegments: number;
}

const DEFAULT_LIMITS: LogLimits = {
  maxLineBytes: TEXT_LIMITS.maxLogLineBytes,
  headBytes: TEXT_LIMITS.logHeadBytes,
  segmentBytes: TEXT_LIMITS.logSegmentBytes,
  tailSegments: TEXT_LIMITS.logTailSegments,
};

/**
 * Most bytes one `read` returns, so a reader far behind catches up in bounded steps. More than
 * a whole bounded log (head and tail segments), so one read from 0 returns all of it.
 */
const MAX_READ_BYTES = 8 * 1024 * 1024;

/** Logs kept open for appending at most (the Promotions running now, and a few just ended). */
const MAX_OPEN_LOGS = 32;

/** A log's start, open for appending: its descriptor and its size. */
interface OpenHead {
  fd: number;
  bytes: number;
}

/**
 * Promotion logs: append-only JSON lines per Promotion in the data directory, written as steps
 * run and read (or followed) by `gantry logs promotion`. Lines arrive masked by the
 * Promotion's secret set (the runner masks every line it logs); credentials in URLs are
 * stripped here once more, whoever appends.
 *
 * Bounded, whatever the steps print: a line keeps its head and tail (`TEXT_LIMITS`), and a log
 * keeps its start (`<promotion>.log`, what the Promotion set out to do) and its most recent
 * end, in segments (`<promotion>.log.d/<offset>.log`) of which the oldest are dropped. A reader
 * sees one line `… [N bytes cut] …` where the middle was. Offsets count every byte ever
 * appended, so a follower keeps its place across dropped segments.
 */
export class PromotionLogs {
  readonly #root: string;
  readonly #now: () => Date;
  readonly #limits: LogLimits;
  /** Projects whose log directory this process made or found: not made again on every line. */
  readonly #made = new Set<string>();
  /**
   * Logs whose start is being written, kept open (oldest first, at most MAX_OPEN_LOGS): a line
   * is one write, where opening, sizing and closing the file for each line cost three more
   * system calls (issue 17). `release` closes one when its Promotion's run ends.
   */
  readonly #open = new Map<string, OpenHead>();

  constructor(dataDir: string, now: () => Date = () => new Date(), limits?: Partial<LogLimits>) {
    this.#root = join(dataDir, 'logs');
    this.#now = now;
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Removes a Promotion's log (garbage collection). */
  remove(project: string, promotion: string): void {
    const head = this.#file(project, promotion);
    this.#close(head);
    rmSync(head, { force: true });
    rmSync(`${head}.d`, { recursive: true, force: true });
  }

  append(project: string, promotion: string, step: string, line: string): void {
    const head = this.#file(project, promotion);
    if (!this.#made.has(project)) {
      mkdirSync(dirname(head), { recursive: true });
      this.#made.add(project);
    }
    const entry: LogEntry = {
      time: this.#now().toISOString(),
      step,
      line: boundMiddle(redactUrl(line), this.#limits.maxLineBytes),
    };
    const text = `${JSON.stringify(entry)}\n`;
    const open = this.#open.get(head) ?? this.#openHead(head);
    if (open.bytes < this.#limits.headBytes) {
      open.bytes += writeAll(open.fd, text);
      return;
    }
    const headSize = open.bytes;
    const dir = `${head}.d`;
    mkdirSync(dir, { recursive: true });
    const segments = segmentsIn(dir);
    const last = segments[segments.length - 1];
    let start = last ? last.start : headSize;
    if (last && last.size >= this.#limits.segmentBytes) {
      start = last.start + last.size;
      segments.push({ start, size: 0 });
    }
    appendFileSync(join(dir, `${start}.log`), text);
    // The oldest segments beyond the tail go: the log's middle is cut, never its ends.
    for (const old of segments.slice(0, Math.max(0, segments.length - this.#limits.tailSegments)))
      rmSync(join(dir, `${old.start}.log`), { force: true });
  }

  /** Closes the Promotion's log for now (its run ended); a later line opens it again. */
  release(project: string, promotion: string): void {
    this.#close(this.#file(project, promotion));
  }

  /** Closes every log held open (the server stops). */
  close(): void {
    for (const head of [...this.#open.keys()]) this.#close(head);
  }

  /** Opens a log's start for appending, making its directory when it went (a project deleted and made again). */
  #openHead(head: string): OpenHead {
    let fd: number;
    try {
      fd = openSync(head, 'a');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dirname(head), { recursive: true });
      fd = openSync(head, 'a');
    }
    const open = { fd, bytes: fstatSync(fd).size };
    this.#open.set(head, open);
    if (this.#open.size > MAX_OPEN_LOGS) {
      const oldest = this.#open.keys().next().value;
      if (oldest !== undefined) this.#close(oldest);
    }
    return open;
  }

  #close(head: string): void {
    const open = this.#open.get(head);
    if (!open) return;
    this.#open.delete(head);
    closeSync(open.fd);
  }

  /** Entries from byte `offset` on (counting every byte ever appended), and the offset to continue from. */
  read(project: string, promotion: string, offset = 0): { entries: LogEntry[]; offset: number } {
    const head = this.#file(project, promotion);
    if (!existsSync(head)) return { entries: [], offset };
    const entries: LogEntry[] = [];
    let position = offset;
    let budget = MAX_READ_BYTES;
    const headSize = sizeOf(head);
    if (position < headSize) {
      const read = readLines(head, position, headSize, budget);
      entries.push(...read.entries);
      position += read.bytes;
      budget -= read.bytes;
      if (position < headSize) return { entries, offset: position };
    }
    const dir = `${head}.d`;
    const segments = existsSync(dir) ? segmentsIn(dir) : [];
    const first = segments[0];
    if (first && position < first.start) {
      // The middle was dropped since (or before) this reader's place: say so, once.
      entries.push({
        time: this.#now().toISOString(),
        step: '',
        line: cutMarker(first.start - position),
      });
      position = first.start;
    }
    for (const segment of segments) {
      const end = segment.start + segment.size;
      if (end <= position || budget <= 0) continue;
      const read = readLines(
        join(dir, `${segment.start}.log`),
        position - segment.start,
        segment.size,
        budget,
      );
      entries.push(...read.entries);
      position += read.bytes;
      budget -= read.bytes;
      if (position < end) break;
    }
    return { entries, offset: position };
  }

  #file(project: string, promotion: string): string {
    // Names are RFC 1123, so they are safe path segments.
    return join(this.#root, project, `${promotion}.log`);
  }
}

/** Writes all of `text` (a write to a file may take less than it was given); its byte count. */
function writeAll(fd: number, text: string): number {
  const bytes = Buffer.from(text);
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
  return bytes.length;
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** A directory's segments, oldest first. */
function segmentsIn(dir: string): Array<{ start: number; size: number }> {
  return readdirSync(dir)
    .map((name) => /^(\d+)\.log$/.exec(name)?.[1])
    .filter((start): start is string => start !== undefined)
    .map((start) => ({ start: Number(start), size: sizeOf(join(dir, `${start}.log`)) }))
    .sort((a, b) => a.start - b.start);
}

/**
 * The complete lines of `file` between byte `from` and `to` (at most about `budget` bytes, but
 * always at least one line), and how many bytes they take.
 */
function readLines(
  file: string,
  from: number,
  to: number,
  budget: number,
): { entries: LogEntry[]; bytes: number } {
  let length = Math.min(to - from, Math.max(budget, 0));
  if (length <= 0) return { entries: [], bytes: 0 };
  for (;;) {
    const buffer = readRange(file, from, length);
    const end = buffer.lastIndexOf(0x0a) + 1;
    // A line longer than the budget (only logs written before lines were bounded have one)
    // is read whole rather than never.
    if (end === 0 && length < to - from) {
      length = Math.min(to - from, length * 2);
      continue;
    }
    const entries = buffer
      .subarray(0, end)
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogEntry);
    return { entries, bytes: end };
  }
}

function readRange(file: string, from: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    return buffer.subarray(0, readSync(fd, buffer, 0, length, from));
  } finally {
    closeSync(fd);
  }
}
