import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../api/bounded-text.js';
import { LOG_DATABASE, PromotionLogs, type LogLimits } from './promotion-logs.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

const dirs: string[] = [];
const made: PromotionLogs[] = [];
afterEach(() => {
  for (const log of made.splice(0)) log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logs(limits?: Partial<LogLimits>): { logs: PromotionLogs; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-logs-'));
  dirs.push(dir);
  const log = new PromotionLogs(dir, () => new Date('2026-01-01T00:00:00Z'), limits);
  made.push(log);
  return { logs: log, dir };
}

/** The log database of `dir`, opened apart (as another process would). */
function database(dir: string): BetterSqlite3.Database {
  return new Database(join(dir, 'logs', LOG_DATABASE));
}

/** Bytes the log of `p1` keeps (each line with its newline). */
function keptBytes(dir: string): number {
  const db = database(dir);
  try {
    const row = db
      .prepare(
        "SELECT SUM(LENGTH(CAST(entry AS BLOB)) + 1) AS bytes FROM log_lines WHERE project = 'demo' AND promotion = 'p1'",
      )
      .get() as { bytes: number };
    return row.bytes;
  } finally {
    db.close();
  }
}

/** The segment each line of `p1` is kept in (-1: the log's start), by line. */
function segmentsOf(dir: string): Record<string, number> {
  const db = database(dir);
  try {
    const rows = db
      .prepare("SELECT segment, entry FROM log_lines WHERE project = 'demo' AND promotion = 'p1'")
      .all() as Array<{ segment: number; entry: string }>;
    return Object.fromEntries(
      rows.map((row) => [(JSON.parse(row.entry) as { line: string }).line, row.segment]),
    );
  } finally {
    db.close();
  }
}

/** A turn of the event loop: lines appended before it are written. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('PromotionLogs', () => {
  it('reads back what was appended, and follows from an offset', () => {
    const { logs: log } = logs();
    log.append('demo', 'p1', 'clone', 'cloning https://user:secret@example.com/repo.git');
    const first = log.read('demo', 'p1');
    expect(first.entries).toEqual([
      {
        time: '2026-01-01T00:00:00.000Z',
        step: 'clone',
        line: 'cloning https://***@example.com/repo.git',
      },
    ]);
    log.append('demo', 'p1', '', 'done');
    expect(log.read('demo', 'p1', first.offset).entries.map((e) => e.line)).toEqual(['done']);
  });

  it('keeps the head and tail of a huge line', () => {
    const { logs: log } = logs();
    log.append('demo', 'p1', 'step', `BEGIN ${'x'.repeat(1024 * 1024)} END`);
    const [entry] = log.read('demo', 'p1').entries;
    expect(Buffer.byteLength(entry!.line)).toBeLessThanOrEqual(TEXT_LIMITS.maxLogLineBytes);
    expect(entry!.line).toMatch(/^BEGIN x+… \[[\d,]+ bytes cut\] …x+ END$/);
  });

  it('stays bounded through 100 MB of lines, keeping its start and its end', () => {
    // Small limits, same mechanism: 100 MB of lines through a log of at most ~5 MiB would
    // take too long for a unit test; 100 × the limits is the same ratio.
    const limits = { headBytes: 10_000, segmentBytes: 10_000, tailSegments: 4, maxLineBytes: 500 };
    const { logs: log, dir } = logs(limits);
    const line = 'y'.repeat(400);
    let appended = 0;
    let follower = log.read('demo', 'p1');
    let followed = 0;
    for (let index = 0; appended < 5_000_000; index++) {
      log.append('demo', 'p1', 's', `${index} ${line}`);
      appended += 450;
      if (index % 1_000 === 0) {
        // A follower reading now and then keeps its place and learns what it missed.
        follower = log.read('demo', 'p1', follower.offset);
        followed += follower.entries.length;
      }
    }
    const bound = limits.headBytes + (limits.tailSegments + 1) * limits.segmentBytes + 1_000;
    expect(keptBytes(dir)).toBeLessThanOrEqual(bound);
    const all = log.read('demo', 'p1').entries;
    expect(all[0]!.line.startsWith('0 ')).toBe(true);
    const markers = all.filter((e) => /^… \[[\d,]+ bytes cut\] …$/.test(e.line));
    expect(markers).toHaveLength(1);
    expect(all.at(-1)!.line.startsWith(`${Math.ceil(5_000_000 / 450) - 1} `)).toBe(true);
    expect(followed).toBeGreaterThan(0);
    // The follower resumes after its place, not from the start.
    const rest = log.read('demo', 'p1', follower.offset).entries;
    expect(rest[0]!.line).toMatch(/bytes cut|^\d+ /);
    expect(rest.at(-1)).toEqual(all.at(-1));
  });

  it('removes every part of a log', () => {
    const { logs: log } = logs({ headBytes: 100, segmentBytes: 100 });
    for (let index = 0; index < 20; index++) log.append('demo', 'p1', 's', `line ${index}`);
    log.remove('demo', 'p1');
    expect(log.read('demo', 'p1')).toEqual({ entries: [], offset: 0 });
  });

  it('writes the lines of one turn together, readable by another process after it', async () => {
    const { logs: log, dir } = logs();
    log.append('demo', 'p1', 's', 'one');
    log.append('demo', 'p1', 's', 'two');
    const other = new PromotionLogs(dir);
    made.push(other);
    expect(other.read('demo', 'p1').entries).toEqual([]);
    await nextTurn();
    expect(other.read('demo', 'p1').entries.map((e) => e.line)).toEqual(['one', 'two']);
    // Reading in the same process sees lines not yet written, and releasing writes them.
    log.append('demo', 'p1', 's', 'three');
    expect(log.read('demo', 'p1').entries.map((e) => e.line)).toEqual(['one', 'two', 'three']);
    log.append('demo', 'p1', 's', 'four');
    log.release('demo', 'p1');
    expect(other.read('demo', 'p1').entries.map((e) => e.line)).toEqual([
      'one',
      'two',
      'three',
      'four',
    ]);
  });

  it('says on the next call that a deferred write failed, and carries on after it', async () => {
    const { logs: log, dir } = logs();
    log.append('demo', 'p1', 's', 'kept');
    await nextTurn();
    const db = database(dir);
    db.exec('ALTER TABLE log_lines RENAME TO gone');
    log.append('demo', 'p1', 's', 'lost');
    await nextTurn();
    expect(() => log.append('demo', 'p1', 's', 'next')).toThrow(
      /promotion logs could not be written: no such table: log_lines/,
    );
    db.exec('ALTER TABLE gone RENAME TO log_lines');
    db.close();
    log.append('demo', 'p1', 's', 'again');
    expect(log.read('demo', 'p1').entries.map((e) => e.line)).toEqual(['kept', 'again']);
  });

  it('keeps no line appended once closed (the server stopping), and says nothing of it', () => {
    const { logs: log, dir } = logs();
    log.append('demo', 'p1', 's', 'before');
    log.close();
    expect(() => log.append('demo', 'p1', 's', 'after')).not.toThrow();
    const other = new PromotionLogs(dir);
    made.push(other);
    expect(other.read('demo', 'p1').entries.map((e) => e.line)).toEqual(['before']);
  });

  it('moves logs kept as files by earlier versions in, at the same offsets', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-logs-'));
    dirs.push(dir);
    const project = join(dir, 'logs', 'demo');
    mkdirSync(join(project, 'p1.log.d'), { recursive: true });
    const line = (text: string) =>
      `${JSON.stringify({ time: '2025-01-01T00:00:00.000Z', step: 's', line: text })}\n`;
    const head = line('start') + line('more');
    writeFileSync(join(project, 'p1.log'), head);
    // The tail segment at byte 5,000: what lay between was dropped; a torn last line is left out.
    writeFileSync(join(project, 'p1.log.d', '5000.log'), line('recent') + '{"time":');
    writeFileSync(join(project, 'p2.log'), line('other'));
    const log = new PromotionLogs(dir, () => new Date('2026-01-01T00:00:00Z'));
    made.push(log);
    // The server opens its logs as it starts: the files move in then.
    log.open();
    expect(existsSync(project)).toBe(false);
    const all = log.read('demo', 'p1');
    expect(all.entries.map((e) => e.line)).toEqual([
      'start',
      'more',
      `… [${(5000 - Buffer.byteLength(head)).toLocaleString('en-US')} bytes cut] …`,
      'recent',
    ]);
    expect(all.offset).toBe(5000 + Buffer.byteLength(line('recent')));
    // A follower of the file keeps its place.
    expect(log.read('demo', 'p1', Buffer.byteLength(line('start'))).entries[0]!.line).toBe('more');
    expect(log.read('demo', 'p2').entries.map((e) => e.line)).toEqual(['other']);
    // The log carries on after its tail.
    log.append('demo', 'p1', 's', 'next');
    expect(log.read('demo', 'p1', all.offset).entries.map((e) => e.line)).toEqual(['next']);
  });

  it('starts a log removed while open afresh', () => {
    const { logs: log } = logs({ headBytes: 100, segmentBytes: 100 });
    log.append('demo', 'p1', 's', 'old');
    log.remove('demo', 'p1');
    log.append('demo', 'p1', 's', 'new');
    expect(log.read('demo', 'p1').entries.map((e) => e.line)).toEqual(['new']);
  });

  it('names the log database when it cannot be opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-logs-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'logs'));
    writeFileSync(
      join(dir, 'logs', LOG_DATABASE),
      'not a database, but long enough to be read as one',
    );
    const log = new PromotionLogs(dir);
    made.push(log);
    expect(() => log.open()).toThrow(
      `could not open the promotion log database ${join(dir, 'logs', LOG_DATABASE)}: file is not a database`,
    );
  });

  it('knows the size of a log it reopens: its start stays bounded', () => {
    const { logs: log, dir } = logs({ headBytes: 100, segmentBytes: 1_000 });
    const other = new PromotionLogs(dir, () => new Date(0), {
      headBytes: 100,
      segmentBytes: 1_000,
    });
    made.push(other);
    for (let index = 0; index < 3; index++) other.append('demo', 'p1', 's', `line ${index}`);
    other.close();
    // Another process (a restart) carries the log on: past the head, lines go to segments.
    log.append('demo', 'p1', 's', 'after');
    log.release('demo', 'p1');
    const segments = segmentsOf(dir);
    // Lines of 63 bytes: the third starts past the 100-byte head, and so does what follows.
    expect(segments).toEqual({ 'line 0': -1, 'line 1': -1, 'line 2': 126, after: 126 });
    expect(log.read('demo', 'p1').entries.map((e) => e.line)).toEqual([
      'line 0',
      'line 1',
      'line 2',
      'after',
    ]);
  });
});
