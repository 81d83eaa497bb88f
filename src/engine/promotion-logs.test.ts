import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEXT_LIMITS } from '../api/bounded-text.js';
import { PromotionLogs, type LogLimits } from './promotion-logs.js';

const dirs: string[] = [];
const made: PromotionLogs[] = [];
afterEach(() => {
  for (const log of made.splice(0)) log.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The descriptors this process has open. */
const openFiles = () => readdirSync('/proc/self/fd').length;

function logs(limits?: Partial<LogLimits>): { logs: PromotionLogs; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-logs-'));
  dirs.push(dir);
  const log = new PromotionLogs(dir, () => new Date('2026-01-01T00:00:00Z'), limits);
  made.push(log);
  return { logs: log, dir };
}

/** Bytes the log of `p1` takes on disk. */
function diskBytes(dir: string): number {
  const root = join(dir, 'logs', 'demo');
  let total = statSync(join(root, 'p1.log')).size;
  const segments = join(root, 'p1.log.d');
  try {
    for (const name of readdirSync(segments)) total += statSync(join(segments, name)).size;
  } catch {
    // no segments yet
  }
  return total;
}

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
    expect(diskBytes(dir)).toBeLessThanOrEqual(bound);
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

  it('keeps a bounded number of logs open, and closes one when its run ends', () => {
    const { logs: log } = logs();
    const before = openFiles();
    for (let index = 0; index < 100; index++) log.append('demo', `p${index}`, 's', 'started');
    const held = openFiles() - before;
    expect(held).toBeGreaterThan(0);
    expect(held).toBeLessThanOrEqual(32);
    // Lines to a log closed for being the oldest open it again, after what it had.
    log.append('demo', 'p0', 's', 'more');
    expect(log.read('demo', 'p0').entries.map((e) => e.line)).toEqual(['started', 'more']);
    log.release('demo', 'p0');
    expect(openFiles() - before).toBe(held - 1);
    log.close();
    expect(openFiles()).toBe(before);
  });

  it('starts a log removed while open afresh', () => {
    const { logs: log } = logs({ headBytes: 100, segmentBytes: 100 });
    log.append('demo', 'p1', 's', 'old');
    log.remove('demo', 'p1');
    log.append('demo', 'p1', 's', 'new');
    expect(log.read('demo', 'p1').entries.map((e) => e.line)).toEqual(['new']);
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
    expect(statSync(join(dir, 'logs', 'demo', 'p1.log')).size).toBeLessThan(200);
    expect(log.read('demo', 'p1').entries.map((e) => e.line)).toEqual([
      'line 0',
      'line 1',
      'line 2',
      'after',
    ]);
  });
});
