import { goJsonString } from '../expr/go-json.js';
import { goQuote } from '../expr/go-strconv.js';
import { formatGoFloat } from '../expr/values.js';

/**
 * json-update's edit, as Kargo's (tidwall/sjson Set): the value is written over the bytes of
 * the old one, so everything else in the file stays byte for byte; a missing key is appended
 * compactly (`,"key":value`) before its object's closing brace, with the objects and lists it
 * needs; numeric parts index lists (`-1` appends), `:` before a part makes it a map key, `\`
 * escapes the next character. An empty (or blank) file starts as `{}`. Only scalar values are
 * accepted, as Kargo.
 */
export function updateJson(text: string, updates: Array<{ key: string; value: unknown }>): string {
  if (text.trim() !== '') {
    try {
      JSON.parse(text);
    } catch (err) {
      // Kargo (sjson) does not check; on text that is not JSON it writes unpredictable results.
      throw new Error(`not valid JSON: ${(err as Error).message}`);
    }
  }
  let out = text;
  for (const update of updates) {
    const raw = jsonValueText(update.value);
    if (raw === undefined)
      throw new Error(`value for key ${goQuote(update.key)} is not a scalar type`);
    const paths = parsePath(update.key);
    if (paths === undefined)
      throw new Error(
        `error setting key ${goQuote(update.key)} in JSON file: keys with | # @ * ? are not supported`,
      );
    try {
      out = setPath(out, paths, raw);
    } catch (err) {
      throw new Error(
        `error setting key ${goQuote(update.key)} in JSON file: ${(err as Error).message}`,
      );
    }
  }
  return out;
}

/** Kargo's commit message text of a json-update value: strings `%q`, others `%v`. */
export function jsonCommitValue(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return formatGoFloat(value);
  if (typeof value === 'boolean') return String(value);
  return '<nil>';
}

/** The JSON text sjson writes for a scalar; undefined for what Kargo refuses (null, maps, lists). */
function jsonValueText(value: unknown): string | undefined {
  if (typeof value === 'string') return stringify(value);
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return formatFixed(value);
  return undefined;
}

/** sjson's string writing: as is unless it needs escapes, then as Go's json.Marshal. */
function stringify(text: string): string {
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code < 0x20 || code > 0x7f || ch === '"' || ch === '\\') return goJsonString(text);
  }
  return `"${text}"`;
}

/** strconv.FormatFloat(n, 'f', -1, 64): the shortest digits, never an exponent. */
function formatFixed(n: number): string {
  if (Object.is(n, -0)) return '-0';
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  const point = Number(exp) + 1;
  let body: string;
  if (point <= 0) body = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) body = digits + '0'.repeat(point - digits.length);
  else body = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? '-' : '') + body;
}

interface PathPart {
  part: string;
  /** `:` before the part: a map key even when numeric. */
  force: boolean;
}

/** sjson's parsePath over the whole key; undefined for a path with | # @ * ? (not simple). */
function parsePath(path: string): PathPart[] | undefined {
  const parts: PathPart[] = [];
  let rest = path;
  for (;;) {
    let force = false;
    if (rest.startsWith(':')) {
      force = true;
      rest = rest.slice(1);
    }
    let part = '';
    let more = false;
    let i = 0;
    for (; i < rest.length; i++) {
      const ch = rest[i]!;
      if (ch === '.') {
        more = true;
        break;
      }
      if ('|#@*?'.includes(ch)) return undefined;
      if (ch === '\\') {
        i++;
        if (i < rest.length) part += rest[i]!;
        continue;
      }
      part += ch;
    }
    parts.push({ part, force });
    if (!more) return parts;
    rest = rest.slice(i + 1);
  }
}

function atoui(p: PathPart): number | undefined {
  if (p.force || !/^\d*$/.test(p.part)) return undefined;
  return p.part === '' ? 0 : Number(p.part);
}

/** appendRawPaths of sjson: set `raw` at `paths` inside the JSON value text `json`. */
function setPath(json: string, paths: PathPart[], raw: string): string {
  const [first, ...more] = paths as [PathPart, ...PathPart[]];
  const found = get(json, first.part);
  if (found) {
    const [start, end] = found;
    const inner = more.length > 0 ? setPath(json.slice(start, end), more, raw) : raw;
    return json.slice(0, start) + inner + json.slice(end);
  }
  const n = atoui(first);
  let doc = json.trim() === '' ? (n !== undefined ? '[]' : '{}') : json;
  let open = doc.search(/\S/);
  if (doc[open] !== '{' && doc[open] !== '[') {
    doc = n !== undefined ? '[]' : '{}';
    open = 0;
  }
  // As gjson.Parse: the value's text runs from its opening bracket to the end of the input.
  const body = doc.slice(open);
  const comma = !/^\s*[}\]]/.test(body.slice(1));
  if (body[0] === '{') {
    const end = body.lastIndexOf('}');
    return `${body.slice(0, end)}${comma ? ',' : ''}${build(false, paths, raw)}}`;
  }
  if (n === undefined) {
    if (first.part !== '-1' || first.force)
      throw new Error(`cannot set array element for non-numeric key '${first.part}'`);
    let list = body.trim();
    if (list.endsWith(']')) list = list.slice(0, -1);
    return `${list}${comma ? ',' : ''}${build(true, paths, raw)}]`;
  }
  const items = elements(body);
  let out = `[${items.join(',')}`;
  if (items.length === 0) out += 'null,'.repeat(n);
  else out += ',null'.repeat(Math.max(0, n - items.length)) + (comma ? ',' : '');
  return `${out}${build(true, paths, raw)}]`;
}

/** appendBuild of sjson: the text of new containers down `paths`. */
function build(inList: boolean, paths: PathPart[], raw: string): string {
  const [first, next, ...rest] = paths as [PathPart, PathPart | undefined, ...PathPart[]];
  const prefix = inList ? '' : `${stringify(first.part)}:`;
  if (next === undefined) return prefix + raw;
  const n = atoui(next);
  if (n !== undefined || (!next.force && next.part === '-1'))
    return `${prefix}[${'null,'.repeat(n ?? 0)}${build(true, [next, ...rest], raw)}]`;
  return `${prefix}{${build(false, [next, ...rest], raw)}}`;
}

/** gjson.Get of one key: the [start, end) of the member's value (first match) or list item. */
function get(json: string, part: string): [number, number] | undefined {
  let i = skipSpace(json, 0);
  if (json[i] === '{') {
    i = skipSpace(json, i + 1);
    while (json[i] === '"') {
      const keyEnd = skipValue(json, i);
      const key = JSON.parse(json.slice(i, keyEnd)) as string;
      const start = skipSpace(json, skipSpace(json, keyEnd) + 1);
      const end = skipValue(json, start);
      if (key === part) return [start, end];
      i = skipSpace(json, end);
      if (json[i] === ',') i = skipSpace(json, i + 1);
    }
    return undefined;
  }
  if (json[i] === '[' && /^\d+$/.test(part)) {
    const index = Number(part);
    const items = positions(json.slice(i));
    const item = items[index];
    return item ? [item[0] + i, item[1] + i] : undefined;
  }
  return undefined;
}

function elements(list: string): string[] {
  return positions(list).map(([start, end]) => list.slice(start, end));
}

/** The [start, end) of each item of the list that `list` starts with. */
function positions(list: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = skipSpace(list, 1);
  while (i < list.length && list[i] !== ']') {
    const end = skipValue(list, i);
    out.push([i, end]);
    i = skipSpace(list, end);
    if (list[i] === ',') i = skipSpace(list, i + 1);
  }
  return out;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

/** The end of the (well-formed) JSON value starting at `i`. */
function skipValue(text: string, i: number): number {
  const ch = text[i];
  if (ch === '"') {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === '"') return j + 1;
    }
    return text.length;
  }
  if (ch === '{' || ch === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') j = skipValue(text, j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !/[\s,}\]]/.test(text[j]!)) j++;
  return j;
}
