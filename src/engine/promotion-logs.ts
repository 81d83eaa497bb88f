import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { boundMiddle, cutMarker, TEXT_LIMITS } from '../api/bounded-text.js';
import { redactUrl } from '../api/redact-url.js';
import { errorMessage } from '../errors.js';

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

/** Logs whose place (size, segments) is kept in memory at most: those running now, and a few just ended. */
const MAX_KNOWN_LOGS = 256;

/** Lines held for one transaction at most, before the next turn of the event loop writes them. */
const MAX_PENDING_LINES = 256;

/** The file of the log database, in the data directory's `logs/`. */
export const LOG_DATABASE = 'promotions.db';

/** The `segment` of a line in a log's start. */
const HEAD = -1;

/** Where a log stands: what the next line needs to know. */
interface Place {
  /** Bytes ever appended (each line counts its newline, as in a JSON-lines file). */
  bytes: number;
  /** The starts of the tail segments kept, oldest first; empty while the log is in its start. */
  segments: number[];
}

/** A line decided, not yet written. */
type Pending =
  | {
      op: 'line';
      project: string;
      promotion: string;
      position: number;
      segment: number;
      entry: string;
    }
  | { op: 'drop'; project: string; promotion: string; before: number }
  | { op: 'remove'; project: string; promotion: string };

/** The subset of better-sqlite3 used here (described structurally, as the store does). */
interface LogStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}
/** The database once open: its connection, its statements (prepared once), and the write of a batch. */
interface OpenLogs {
  db: LogDatabase;
  statement: (sql: string) => LogStatement;
  flush: (lines: Pending[]) => void;
}
interface LogDatabase {
  prepare(sql: string): LogStatement;
  pragma(sql: string): unknown;
  exec(sql: string): unknown;
  transaction<A extends unknown[]>(body: (...args: A) => void): (...args: A) => void;
  close(): void;
}

/**
 * Promotion logs: the lines a Promotion's steps log as they run, read (or followed) by `gantry
 * logs promotion` and the UI. Lines arrive masked by the Promotion's secret set (the runner
 * masks every line it logs); credentials in URLs are stripped here once more, whoever appends.
 *
 * Bounded, whatever the steps print: a line keeps its head and tail (`TEXT_LIMITS`), and a log
 * keeps its start (what the Promotion set out to do) and its most recent end, in segments of
 * which the oldest are dropped. A reader sees one line `… [N bytes cut] …` where the middle
 * was. Offsets count every byte ever appended, so a follower keeps its place across dropped
 * segments.
 *
 * Kept in one SQLite database in the data directory (`logs/promotions.db`), not a file per
 * Promotion: making a file cost 0.3–1.1 ms of the kernel's time per Promotion here, a fifth of
 * a whole hop through a Stage (issue 17). Lines are written together on the next turn of the
 * event loop (or once 256 wait), without waiting for the disk: a log is a record for people,
 * not an acknowledged write, and a power loss may cost its last lines but never the database.
 * Logs from before (`logs/<project>/<promotion>.log` and `.log.d/`) are moved in when the
 * database opens (`open`, which the server calls as it starts).
 */
export class PromotionLogs {
  readonly #root: string;
  readonly #now: () => Date;
  readonly #limits: LogLimits;
  #db: OpenLogs | undefined;
  /** Where recently written logs stand (oldest first, at most MAX_KNOWN_LOGS). */
  readonly #places = new Map<string, Place>();
  #pending: Pending[] = [];
  #flushing: NodeJS.Immediate | undefined;
  /** A deferred write that failed: the next call that writes says so. */
  #failure: Error | undefined;
  #closed = false;

  constructor(dataDir: string, now: () => Date = () => new Date(), limits?: Partial<LogLimits>) {
    this.#root = join(dataDir, 'logs');
    this.#now = now;
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Removes a Promotion's log (garbage collection). */
  remove(project: string, promotion: string): void {
    if (this.#closed) return;
    this.#places.delete(placeKey(project, promotion));
    this.#pending.push({ op: 'remove', project, promotion });
    this.flush();
  }

  /** Appends a line; after `close` (the server stopping, work not yet handed back) it is not kept. */
  append(project: string, promotion: string, step: string, line: string): void {
    if (this.#closed) return;
    this.#throwFailure();
    const entry = JSON.stringify({
      time: this.#now().toISOString(),
      step,
      line: boundMiddle(redactUrl(line), this.#limits.maxLineBytes),
    } satisfies LogEntry);
    const place = this.#place(project, promotion);
    const position = place.bytes;
    place.bytes += Buffer.byteLength(entry) + 1;
    let segment = HEAD;
    if (position >= this.#limits.headBytes || place.segments.length > 0) {
      const last = place.segments.at(-1);
      if (last === undefined || position - last >= this.#limits.segmentBytes) {
        place.segments.push(position);
        // The oldest segments beyond the tail go: the log's middle is cut, never its ends.
        const beyond = place.segments.length - this.#limits.tailSegments;
        if (beyond > 0) {
          place.segments.splice(0, beyond);
          this.#pending.push({ op: 'drop', project, promotion, before: place.segments[0]! });
        }
      }
      segment = place.segments.at(-1)!;
    }
    this.#pending.push({ op: 'line', project, promotion, position, segment, entry });
    if (this.#pending.length >= MAX_PENDING_LINES) this.flush();
    else this.#flushing ??= setImmediate(() => this.#flushLater());
  }

  /** The Promotion's run ended: its lines are written now, and its place forgotten. */
  release(project: string, promotion: string): void {
    this.flush();
    this.#places.delete(placeKey(project, promotion));
  }

  /** Writes every line appended so far. */
  flush(): void {
    if (this.#flushing) {
      clearImmediate(this.#flushing);
      this.#flushing = undefined;
    }
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    try {
      this.#open().flush(lines);
    } catch (err) {
      // Where the lines were placed is no longer known to be true: read it again.
      this.#places.clear();
      throw err;
    }
  }

  /** Writes what waits and closes the database (the server stops). */
  close(): void {
    if (this.#closed) return;
    try {
      this.flush();
    } finally {
      this.#closed = true;
      this.#db?.db.close();
      this.#db = undefined;
    }
  }

  /**
   * Opens the database now (it opens on first use otherwise), moving in the logs an earlier
   * version kept as files: the server calls it as it starts, so that no Promotion's first line
   * waits for that.
   */
  open(): void {
    this.#open();
  }

  /** Entries from byte `offset` on (counting every byte ever appended), and the offset to continue from. */
  read(project: string, promotion: string, offset = 0): { entries: LogEntry[]; offset: number } {
    this.#throwFailure();
    this.flush();
    const rows = this.#open()
      .statement(
        'SELECT position, entry FROM log_lines WHERE project = ? AND promotion = ? AND position >= ? ORDER BY position',
      )
      .iterate(project, promotion, offset) as IterableIterator<{ position: number; entry: string }>;
    const entries: LogEntry[] = [];
    let position = offset;
    let budget = MAX_READ_BYTES;
    for (const row of rows) {
      const bytes = Buffer.byteLength(row.entry) + 1;
      // Always at least one line, however long.
      if (entries.length > 0 && bytes > budget) {
        rows.return?.();
        break;
      }
      if (row.position > position) {
        // The middle was dropped since (or before) this reader's place: say so, once.
        entries.push({
          time: this.#now().toISOString(),
          step: '',
          line: cutMarker(row.position - position),
        });
      }
      entries.push(JSON.parse(row.entry) as LogEntry);
      position = row.position + bytes;
      budget -= bytes;
    }
    return { entries, offset: position };
  }

  #flushLater(): void {
    this.#flushing = undefined;
    try {
      this.flush();
    } catch (err) {
      // Nobody waits for this turn's write: the next call that writes or reads reports it.
      this.#failure = err instanceof Error ? err : new Error(String(err));
    }
  }

  #throwFailure(): void {
    const failure = this.#failure;
    if (!failure) return;
    this.#failure = undefined;
    throw new Error(`promotion logs could not be written: ${failure.message}`, { cause: failure });
  }

  /** Where the log stands: kept from the last line, or read from the database. */
  #place(project: string, promotion: string): Place {
    const key = placeKey(project, promotion);
    const known = this.#places.get(key);
    if (known) return known;
    this.flush();
    const { statement } = this.#open();
    const last = statement(
      'SELECT position, segment, entry FROM log_lines WHERE project = ? AND promotion = ? ORDER BY position DESC LIMIT 1',
    ).get(project, promotion) as { position: number; segment: number; entry: string } | undefined;
    // A log still in its start (or new) has no segments: one query then.
    const segments =
      last === undefined || last.segment === HEAD
        ? []
        : (
            statement(
              `SELECT DISTINCT segment FROM log_lines WHERE project = ? AND promotion = ? AND segment <> ${HEAD} ORDER BY segment`,
            ).all(project, promotion) as Array<{ segment: number }>
          ).map((row) => row.segment);
    const place: Place = {
      bytes: last ? last.position + Buffer.byteLength(last.entry) + 1 : 0,
      segments,
    };
    this.#places.set(key, place);
    if (this.#places.size > MAX_KNOWN_LOGS) {
      const oldest = this.#places.keys().next().value;
      if (oldest !== undefined) this.#places.delete(oldest);
    }
    return place;
  }

  #open(): OpenLogs {
    if (this.#closed) throw new Error('the promotion logs are closed (the server is stopping)');
    if (this.#db) return this.#db;
    mkdirSync(this.#root, { recursive: true });
    const require = createRequire(import.meta.url);
    const Database = require('better-sqlite3') as new (path: string) => LogDatabase;
    const path = join(this.#root, LOG_DATABASE);
    let db: LogDatabase;
    try {
      db = new Database(path);
    } catch (err) {
      throw openError(path, err);
    }
    try {
      db.pragma('journal_mode = WAL');
      // A log is not an acknowledged write: no flush to the disk per batch (the WAL keeps the
      // file consistent whatever happens; a power loss may cost the last lines).
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.exec(`CREATE TABLE IF NOT EXISTS log_lines (
        project TEXT NOT NULL,
        promotion TEXT NOT NULL,
        position INTEGER NOT NULL,
        segment INTEGER NOT NULL,
        entry TEXT NOT NULL,
        PRIMARY KEY (project, promotion, position)
      ) WITHOUT ROWID`);
    } catch (err) {
      db.close();
      throw openError(path, err);
    }
    const prepared = new Map<string, LogStatement>();
    const statement = (sql: string): LogStatement => {
      let found = prepared.get(sql);
      if (!found) prepared.set(sql, (found = db.prepare(sql)));
      return found;
    };
    const insert = statement(
      'INSERT OR REPLACE INTO log_lines (project, promotion, position, segment, entry) VALUES (?, ?, ?, ?, ?)',
    );
    const drop = statement(
      `DELETE FROM log_lines WHERE project = ? AND promotion = ? AND segment <> ${HEAD} AND segment < ?`,
    );
    const remove = statement('DELETE FROM log_lines WHERE project = ? AND promotion = ?');
    const flush = db.transaction((lines: Pending[]) => {
      for (const line of lines) {
        if (line.op === 'line')
          insert.run(line.project, line.promotion, line.position, line.segment, line.entry);
        else if (line.op === 'drop') drop.run(line.project, line.promotion, line.before);
        else remove.run(line.project, line.promotion);
      }
    });
    this.#db = { db, statement, flush };
    try {
      moveFileLogsIn(this.#root, flush);
    } catch (err) {
      this.#db = undefined;
      db.close();
      throw err;
    }
    return this.#db;
  }
}

/** What went wrong opening the log database, naming it. */
function openError(path: string, err: unknown): Error {
  return new Error(`could not open the promotion log database ${path}: ${errorMessage(err)}`, {
    cause: err,
  });
}

function placeKey(project: string, promotion: string): string {
  return `${project}\u0000${promotion}`;
}

/**
 * Moves logs kept as files by earlier versions (`<project>/<promotion>.log`, the log's start,
 * and `<promotion>.log.d/<offset>.log`, its tail segments) into the database, at the same
 * offsets, then removes the files. Lines that are not whole JSON entries are left out.
 */
function moveFileLogsIn(root: string, flush: (lines: Pending[]) => void): void {
  for (const project of readdirSync(root, { withFileTypes: true })) {
    if (!project.isDirectory()) continue;
    const dir = join(root, project.name);
    for (const name of readdirSync(dir)) {
      const promotion = /^(.+)\.log$/.exec(name)?.[1];
      if (promotion === undefined) continue;
      const lines: Pending[] = [{ op: 'remove', project: project.name, promotion }];
      const head = join(dir, name);
      if (statSync(head).isFile()) lines.push(...fileLines(head, 0, HEAD, project.name, promotion));
      const segments = `${head}.d`;
      if (existsSync(segments)) {
        for (const file of readdirSync(segments)) {
          const start = /^(\d+)\.log$/.exec(file)?.[1];
          if (start === undefined) continue;
          lines.push(
            ...fileLines(
              join(segments, file),
              Number(start),
              Number(start),
              project.name,
              promotion,
            ),
          );
        }
      }
      flush(lines);
      rmSync(head, { recursive: true, force: true });
      rmSync(segments, { recursive: true, force: true });
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The whole JSON lines of one file of a log, placed from byte `start` on. */
function fileLines(
  file: string,
  start: number,
  segment: number,
  project: string,
  promotion: string,
): Pending[] {
  const text = readFileSync(file);
  const lines: Pending[] = [];
  let from = 0;
  for (let end = text.indexOf(0x0a); end >= 0; end = text.indexOf(0x0a, from)) {
    const entry = text.subarray(from, end).toString('utf8');
    if (isEntry(entry))
      lines.push({ op: 'line', project, promotion, position: start + from, segment, entry });
    from = end + 1;
  }
  return lines;
}

function isEntry(text: string): boolean {
  try {
    const value = JSON.parse(text) as Partial<LogEntry> | null;
    return typeof value?.line === 'string' && typeof value.time === 'string';
  } catch {
    return false;
  }
}
