import { redactUrl } from './api/redact-url.js';

/**
 * A small structured logger: one line per entry on stderr, either `text`
 * (`2026-11-22T13:00:00Z INFO server listening url=http://…`) or `json`. Fields go through
 * `redact`, so nothing named like a secret is ever written, and no URL keeps its credentials.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
const SECRET_FIELD = /pass(word)?|secret|token|authorization|credential|private.?key/i;

export interface LoggerOptions {
  level?: LogLevel;
  format?: 'text' | 'json';
  write?: (line: string) => void;
  now?: () => Date;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = ORDER[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const format = options.format ?? 'text';
  const log =
    (level: LogLevel) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      if (ORDER[level] < threshold) return;
      const safe = redact(fields);
      const time = now().toISOString();
      if (format === 'json') {
        write(JSON.stringify({ time, level, msg: message, ...safe }));
        return;
      }
      const rest = Object.entries(safe)
        .map(
          ([key, value]) =>
            `${key}=${typeof value === 'string' && !/\s/.test(value) ? value : JSON.stringify(value)}`,
        )
        .join(' ');
      write(`${time} ${level.toUpperCase()} ${message}${rest ? ` ${rest}` : ''}`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A logger that drops everything (tests, embedded use). */
export const silentLogger: Logger = createLogger({ level: 'error', write: () => undefined });

function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_FIELD.test(key)) out[key] = '***';
    else if (value instanceof Error) out[key] = redactUrl(value.message);
    else if (typeof value === 'string') out[key] = redactUrl(value);
    else out[key] = value;
  }
  return out;
}
