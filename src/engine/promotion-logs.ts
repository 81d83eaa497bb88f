import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { redactUrl } from '../api/redact-url.js';

/** One line of a promotion's log. */
export interface LogEntry {
  time: string;
  /** The step's alias; empty for lines about the whole promotion. */
  step: string;
  line: string;
}

/**
 * Promotion logs: one append-only JSON-lines file per Promotion in the data directory, written
 * as steps run and read (or followed) by `gantry logs promotion`. Lines arrive masked by the
 * Promotion's secret set (the runner masks every line it logs); credentials in URLs are
 * stripped here once more, whoever appends.
 */
export class PromotionLogs {
  readonly #root: string;
  readonly #now: () => Date;

  constructor(dataDir: string, now: () => Date = () => new Date()) {
    this.#root = join(dataDir, 'logs');
    this.#now = now;
  }

  /** Removes a Promotion's log (garbage collection). */
  remove(project: string, promotion: string): void {
    rmSync(this.#file(project, promotion), { force: true });
  }

  append(project: string, promotion: string, step: string, line: string): void {
    const file = this.#file(project, promotion);
    mkdirSync(dirname(file), { recursive: true });
    const entry: LogEntry = { time: this.#now().toISOString(), step, line: redactUrl(line) };
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
  }

  /** Entries from byte `offset` on, and the offset to continue from. */
  read(project: string, promotion: string, offset = 0): { entries: LogEntry[]; offset: number } {
    const file = this.#file(project, promotion);
    if (!existsSync(file)) return { entries: [], offset };
    const size = statSync(file).size;
    if (size <= offset) return { entries: [], offset };
    const text = readFileSync(file).subarray(offset, size).toString('utf8');
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    const entries = complete
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogEntry);
    return { entries, offset: offset + Buffer.byteLength(complete) };
  }

  #file(project: string, promotion: string): string {
    // Names are RFC 1123, so they are safe path segments.
    return join(this.#root, project, `${promotion}.log`);
  }
}
