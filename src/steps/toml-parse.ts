import { parse as parseToml, TomlDate } from 'smol-toml';
import { z } from 'zod';
import { defineStep, type StepContext } from '../engine/step.js';
import { terminalError } from '../engine/step-error.js';
import { parseGoTime } from '../expr/time-values.js';
import { floatValue } from '../expr/values.js';
import { outputsFromDocument, outputsSchemaDescription } from './parse-outputs.js';
import { indexToml, tomlErrorText, tomlPathKey, type TomlIndex } from './toml-edit.js';

/** As Kargo's toml-parse-config.json. */
export const tomlParseConfigSchema = z.strictObject({
  path: z.string().min(1).describe('The TOML file to read, relative to the working directory'),
  outputs: z
    .array(
      z.strictObject({
        name: z.string().min(1).describe('Name of the output'),
        fromExpression: z.string().min(1).describe(outputsSchemaDescription),
      }),
    )
    .min(1)
    .describe('Values to extract'),
});

/**
 * toml-parse: reads a TOML file and extracts values into outputs with expressions, as Kargo's
 * toml_parser.go: the document as go-toml decodes it into `any` (integers are ints, floats are
 * floats, an offset date-time is a time), an empty file refused.
 */
export const tomlParseStep = defineStep({
  kind: 'toml-parse',
  description: 'Read values from a TOML file into outputs',
  configSchema: tomlParseConfigSchema,
  capabilities: [],
  run(context, config) {
    const text = readTomlText(context, config.path);
    if (text.length === 0)
      throw terminalError(`could not parse empty TOML file: ${JSON.stringify(config.path)}`);
    let document: unknown;
    try {
      document = parseTomlAsKargo(text);
    } catch (err) {
      throw terminalError(`could not parse TOML file: ${tomlErrorText(err)}`);
    }
    return Promise.resolve({
      status: 'Succeeded',
      output: outputsFromDocument(document, config.outputs, (line) => context.log(line)),
    });
  },
});

/** The file's text, or Kargo's error (`error reading TOML file "x": no such file or directory`). */
function readTomlText(context: StepContext, path: string): string {
  try {
    return context.workDir.readFile(path, 'path').toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'no such file or directory'
        : code === 'EISDIR'
          ? 'is a directory'
          : undefined;
    if (reason) throw terminalError(`error reading TOML file ${JSON.stringify(path)}: ${reason}`);
    throw err;
  }
}

const RFC3339_NANO = '2006-01-02T15:04:05.999999999Z07:00';

/**
 * A TOML document as go-toml v2 decodes it into `any`: integers are int64 (here plain whole
 * numbers), floats are float64 (whole ones boxed so they stay floats in expressions), an offset
 * date-time is a time.Time, and a local date, time or date-time is go-toml's LocalDate /
 * LocalTime / LocalDateTime, given here as the text they marshal to (`1979-05-27`,
 * `07:32:00.25`, `1979-05-27T07:32:00`) and taken from the file so no digit is lost.
 */
export function parseTomlAsKargo(text: string): unknown {
  const document = parseToml(text, { integersAsBigInt: true });
  const index = indexToml(text);
  return convert(document, [], index);
}

function convert(value: unknown, path: string[], index: TomlIndex): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return floatValue(value);
  if (value instanceof TomlDate) return convertDate(value, path, index);
  if (Array.isArray(value))
    return value.map((item, i) => convert(item, [...path, String(i)], index));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, convert(v, [...path, k], index)]),
    );
  return value;
}

function convertDate(date: TomlDate, path: string[], index: TomlIndex): unknown {
  const node = index.scalars.get(tomlPathKey(path));
  // The file's own text where the scanner found it; smol-toml's (millisecond) form otherwise.
  const raw = node ? index.source.slice(node.start, node.end) : date.toISOString();
  const [datePart, timePart] = splitDateTime(raw);
  if (date.isDate()) return datePart;
  if (date.isTime()) return localTime(raw);
  if (date.isLocal()) return `${datePart}T${localTime(timePart ?? '')}`;
  const normalized = `${datePart}T${(timePart ?? '').replace(/z$/, 'Z')}`;
  return parseGoTime(normalized, RFC3339_NANO);
}

function splitDateTime(raw: string): [string, string | undefined] {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](.*))?$/.exec(raw);
  return match ? [match[1]!, match[2]] : [raw, undefined];
}

/** go-toml's LocalTime text: the fraction kept as written, up to nine digits. */
function localTime(raw: string): string {
  const match = /^(\d{2}:\d{2}:\d{2})(?:\.(\d+))?/.exec(raw);
  if (!match) return raw;
  return match[2] ? `${match[1]}.${match[2].slice(0, 9)}` : match[1]!;
}
