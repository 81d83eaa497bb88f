/**
 * kubectl's JSONPath dialect (k8s.io/client-go/util/jsonpath), for `gantry get -o jsonpath=…`
 * and `-o custom-columns=…`: text with `{…}` actions; in an action a path (`.a.b`, `['a']`,
 * `[0]`, `[-1:]`, `[1:4:2]`, `[*]`, `.*`, `..name`, unions `[0,2]`, filters
 * `[?(@.kind=="Warehouse")]`, `$` for the root, `@` for the current object), a quoted string
 * (`{"\n"}`, `{'\t'}`), or `range PATH` … `end`. Each action prints its results separated by
 * spaces: strings as they are, objects and arrays as compact JSON. Written here from kubectl's
 * documented behaviour and its test cases (see jsonpath.test.ts), not ported.
 *
 * Where this differs from kubectl on purpose: `$` is the template's root inside a range too;
 * `{.}` is the current object; numbers compare as numbers whatever their spelling, and `==`
 * between different types is false instead of an error; an empty range does not evaluate its
 * body.
 */

/** A template error: what is wrong and where (1-based position in the template). */
export class JsonPathError extends Error {
  override readonly name = 'JsonPathError';
  readonly position: number;
  constructor(message: string, position: number) {
    super(`${message} (at position ${position + 1} of the template)`);
    this.position = position;
  }
}

type Segment =
  | { type: 'root'; pos: number }
  | { type: 'field'; name: string; pos: number }
  | { type: 'wildcard'; pos: number }
  | { type: 'recursive'; pos: number }
  | { type: 'slice'; start?: number; end?: number; step?: number; index: boolean; pos: number }
  | { type: 'union'; branches: Segment[][]; pos: number }
  | { type: 'filter'; left: Segment[]; operator: string; right: Segment[]; pos: number }
  | { type: 'text'; value: string; pos: number }
  | { type: 'constant'; value: number | boolean; pos: number };

type TemplateNode =
  | { type: 'text'; text: string }
  | { type: 'action'; path: Segment[] }
  | { type: 'range'; path: Segment[]; body: TemplateNode[] };

export interface JsonPathOptions {
  /** A field no object has prints nothing instead of failing (kubectl's default for -o jsonpath). */
  allowMissingKeys?: boolean;
}

export interface JsonPathTemplate {
  /** The template's text with each action replaced by its results. */
  execute(data: unknown): string;
  /** Each top-level action's results (custom-columns prints the first one's). */
  results(data: unknown): unknown[][];
}

const OPERATORS = new Set(['==', '!=', '<', '>', '<=', '>=']);

/** Parses a template once; throws a JsonPathError naming the position of a syntax error. */
export function parseJsonPath(template: string, options: JsonPathOptions = {}): JsonPathTemplate {
  const nodes = parseTemplate(template);
  const allowMissing = options.allowMissingKeys ?? false;
  return {
    execute(data) {
      let out = '';
      run(nodes, data, data, allowMissing, (values) => {
        out += values.map(toText).join(' ');
      });
      return out;
    },
    results(data) {
      const all: unknown[][] = [];
      run(nodes, data, data, allowMissing, (values) => all.push(values));
      return all;
    },
  };
}

/** Text of one result: strings as they are, null as `null`, objects and arrays as JSON. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

// ---- parsing ----

function parseTemplate(template: string): TemplateNode[] {
  const root: TemplateNode[] = [];
  const stack: Array<{ body: TemplateNode[]; pos: number }> = [{ body: root, pos: 0 }];
  let text = '';
  let i = 0;
  while (i < template.length) {
    if (template[i] !== '{') {
      text += template[i];
      i++;
      continue;
    }
    const current = stack[stack.length - 1]!.body;
    if (text !== '') current.push({ type: 'text', text });
    text = '';
    const close = actionEnd(template, i + 1);
    const content = template.slice(i + 1, close);
    const start = i + 1 + (content.length - content.trimStart().length);
    const trimmed = content.trim();
    if (trimmed === 'end') {
      if (stack.length === 1) throw new JsonPathError('{end} is not in a range, nothing to end', i);
      stack.pop();
    } else if (/^range[\s.[@$]/.test(trimmed)) {
      const path = parsePath(template, start + 'range'.length, close);
      const body: TemplateNode[] = [];
      current.push({ type: 'range', path, body });
      stack.push({ body, pos: i });
    } else {
      current.push({ type: 'action', path: parsePath(template, i + 1, close) });
    }
    i = close + 1;
  }
  if (text !== '') stack[stack.length - 1]!.body.push({ type: 'text', text });
  // Like kubectl, a range without {end} runs to the end of the template.
  return root;
}

/** The index of the `}` closing the action that starts at `from` (quotes may hold braces). */
function actionEnd(template: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < template.length; i++) {
    const c = template[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
    else if (c === '\n' || c === '\r') break;
  }
  throw new JsonPathError('unclosed action: "{" without its "}"', from - 1);
}

const TERMINATORS = new Set([' ', '\t', '\n', '\r', '.', ',', '[', ']', '$', '@', '{', '}']);
const isWordStart = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}_]/u.test(c);

/** Parses `template[from, to)` as a path: a list of segments applied left to right. */
function parsePath(template: string, from: number, to: number): Segment[] {
  const segments: Segment[] = [];
  let i = from;
  while (i < to) {
    const c = template[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '@') {
      i++;
    } else if (c === '$') {
      segments.push({ type: 'root', pos: i });
      i++;
    } else if (template.startsWith('[?(', i)) {
      i = parseFilter(template, i, to, segments);
    } else if (template.startsWith('..', i)) {
      if (segments[segments.length - 1]?.type === 'recursive' || template.startsWith('...', i + 1))
        throw new JsonPathError('invalid multiple recursive descent', i);
      segments.push({ type: 'recursive', pos: i });
      i += 2;
      if (isWordStart(template[i]) || template[i] === '*')
        i = parseField(template, i, to, segments);
    } else if (c === '.') {
      i = parseField(template, i + 1, to, segments);
    } else if (c === '[') {
      i = parseBracket(template, i, to, segments);
    } else if (c === '"' || c === "'") {
      i = parseQuoted(template, i, to, segments);
    } else if (c === '+' || c === '-' || /\d/.test(c)) {
      const match = /^[+-]?[\d.]+/.exec(template.slice(i, to))!;
      const value = Number(match[0]);
      if (Number.isNaN(value)) throw new JsonPathError(`cannot parse number ${match[0]}`, i);
      segments.push({ type: 'constant', value, pos: i });
      i += match[0].length;
    } else if (isWordStart(c)) {
      let j = i;
      while (j < to && !TERMINATORS.has(template[j]!)) j++;
      const word = template.slice(i, j);
      if (word === 'true' || word === 'false')
        segments.push({ type: 'constant', value: word === 'true', pos: i });
      else
        throw new JsonPathError(`unrecognized identifier ${word} (a field is written .${word})`, i);
      i = j;
    } else {
      throw new JsonPathError(`unrecognized character in action: "${c}"`, i);
    }
  }
  return segments;
}

/** A field name after `.`: up to an unescaped terminator; `\.` is a dot in the name. */
function parseField(template: string, from: number, to: number, segments: Segment[]): number {
  let name = '';
  let i = from;
  while (i < to) {
    const c = template[i]!;
    if (c === '\\' && i + 1 < to) {
      name += template[i + 1];
      i += 2;
      continue;
    }
    if (TERMINATORS.has(c)) break;
    name += c;
    i++;
  }
  if (name === '*') segments.push({ type: 'wildcard', pos: from });
  else if (name !== '') segments.push({ type: 'field', name, pos: from });
  // `{.}` alone: the current object.
  return i;
}

function parseBracket(template: string, from: number, to: number, segments: Segment[]): number {
  const close = template.indexOf(']', from);
  if (close < 0 || close >= to)
    throw new JsonPathError('unterminated array: "[" without "]"', from);
  const inner = template.slice(from + 1, close);
  const parts = splitOutsideQuotes(inner);
  if (parts.length > 1) {
    let offset = from + 1;
    const branches = parts.map((part) => {
      const branch: Segment[] = [];
      bracketContent(part.trim(), offset + (part.length - part.trimStart().length), branch);
      offset += part.length + 1;
      return branch;
    });
    segments.push({ type: 'union', branches, pos: from });
  } else {
    bracketContent(inner.trim(), from + 1, segments);
  }
  return close + 1;
}

/** One `[…]` item: `'key'` (a path of fields, as kubectl reads it), `*`, an index or a slice. */
function bracketContent(text: string, pos: number, segments: Segment[]): void {
  const quoted = /^'([^']*)'$/.exec(text) ?? /^"([^"]*)"$/.exec(text);
  if (quoted) {
    const key = quoted[1]!;
    segments.push(...parsePath(`.${key}`, 0, key.length + 1).map((s) => ({ ...s, pos })));
    return;
  }
  if (text === '*') {
    segments.push({ type: 'slice', index: false, pos });
    return;
  }
  const slice = /^(-?\d*)(?::(-?\d*))?(?::(-?\d*))?$/.exec(text);
  if (!slice || text === '') throw new JsonPathError(`invalid array index [${text}]`, pos);
  const number = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
  const isIndex = !text.includes(':');
  const start = number(slice[1]);
  if (isIndex && start === undefined) throw new JsonPathError(`invalid array index [${text}]`, pos);
  segments.push({
    type: 'slice',
    index: isIndex,
    ...(start === undefined ? {} : { start }),
    ...(isIndex ? {} : number(slice[2]) === undefined ? {} : { end: number(slice[2])! }),
    ...(number(slice[3]) === undefined ? {} : { step: number(slice[3])! }),
    pos,
  });
}

function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let quote: string | undefined;
  let current = '';
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ',') {
      parts.push(current);
      current = '';
      continue;
    }
    current += c;
  }
  parts.push(current);
  return parts;
}

function parseFilter(template: string, from: number, to: number, segments: Segment[]): number {
  const start = from + 3;
  let quote: string | undefined;
  let i = start;
  for (; i < to; i++) {
    const c = template[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === ')') break;
  }
  if (i >= to) throw new JsonPathError('unterminated filter: "[?(" without ")]"', from);
  if (template[i + 1] !== ']') throw new JsonPathError('unclosed filter: expected "]"', i + 1);
  const inner = template.slice(start, i);
  const match = /^([^!<>=]+)([!<>=]+)(.+?)$/s.exec(inner);
  if (!match) {
    segments.push({
      type: 'filter',
      left: parsePath(template, start, i),
      operator: 'exists',
      right: [],
      pos: from,
    });
  } else {
    const operator = match[2]!;
    const operatorPos = start + match[1]!.length;
    if (!OPERATORS.has(operator))
      throw new JsonPathError(`unrecognized filter operator ${operator}`, operatorPos);
    segments.push({
      type: 'filter',
      left: parsePath(template, start, operatorPos),
      operator,
      right: parsePath(template, operatorPos + operator.length, i),
      pos: from,
    });
  }
  return i + 2;
}

function parseQuoted(template: string, from: number, to: number, segments: Segment[]): number {
  const quote = template[from]!;
  let value = '';
  let i = from + 1;
  const escapes: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '\\': '\\',
    '"': '"',
    "'": "'",
    a: '\x07',
    b: '\b',
    f: '\f',
    v: '\v',
    '0': '\0',
  };
  for (; i < to; i++) {
    const c = template[i]!;
    if (c === quote) break;
    if (c !== '\\') {
      value += c;
      continue;
    }
    const next = template[i + 1];
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(template.slice(i + 2, i + 6))) {
      value += String.fromCharCode(parseInt(template.slice(i + 2, i + 6), 16));
      i += 5;
    } else if (next !== undefined && escapes[next] !== undefined) {
      value += escapes[next];
      i++;
    } else {
      throw new JsonPathError(`invalid escape \\${next ?? ''} in a quoted string`, i);
    }
  }
  if (i >= to) throw new JsonPathError('unterminated quoted string', from);
  segments.push({ type: 'text', value, pos: from });
  return i + 1;
}

// ---- evaluation ----

function run(
  nodes: TemplateNode[],
  current: unknown,
  root: unknown,
  allowMissing: boolean,
  emit: (values: unknown[]) => void,
): void {
  for (const node of nodes) {
    if (node.type === 'text') emit([node.text]);
    else if (node.type === 'action') emit(evaluate(node.path, [current], root, allowMissing));
    else
      for (const item of evaluate(node.path, [current], root, allowMissing))
        run(node.body, item, root, allowMissing, emit);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isObject(value)) return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function evaluate(
  path: Segment[],
  input: unknown[],
  root: unknown,
  allowMissing: boolean,
): unknown[] {
  let values = input;
  for (const segment of path) values = step(segment, values, root, allowMissing);
  return values;
}

function step(segment: Segment, input: unknown[], root: unknown, allowMissing: boolean): unknown[] {
  switch (segment.type) {
    case 'root':
      return [root];
    case 'text':
      return [segment.value];
    case 'constant':
      return input.map(() => segment.value);
    case 'field': {
      if (input.length === 0) return [];
      const out: unknown[] = [];
      for (const value of input)
        if (isObject(value) && Object.hasOwn(value, segment.name)) out.push(value[segment.name]);
      if (out.length === 0 && !allowMissing)
        throw new JsonPathError(`${segment.name} is not found`, segment.pos);
      return out;
    }
    case 'wildcard':
      return input.flatMap((value): unknown[] =>
        Array.isArray(value) ? (value as unknown[]) : isObject(value) ? Object.values(value) : [],
      );
    case 'recursive':
      return input.flatMap((value) => descend(value));
    case 'slice':
      return input.flatMap((value) => slice(segment, value));
    case 'union':
      return segment.branches.flatMap((branch) => evaluate(branch, input, root, allowMissing));
    case 'filter':
      return input.flatMap((value) => filter(segment, value, root, allowMissing));
  }
}

/** The value and everything below it that has children, depth first (kubectl's `..`). */
function descend(value: unknown): unknown[] {
  const children = Array.isArray(value) ? value : isObject(value) ? Object.values(value) : [];
  if (children.length === 0) return typeof value === 'string' && value !== '' ? [value] : [];
  return [value, ...children.flatMap((child) => descend(child))];
}

function slice(segment: Extract<Segment, { type: 'slice' }>, value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value))
    throw new JsonPathError(`${describe(value)} is not an array`, segment.pos);
  const length = value.length;
  let start = segment.start ?? 0;
  if (start < 0) start += length;
  let end: number;
  if (segment.index) end = start + 1;
  else {
    end = segment.end ?? length;
    if (end < 0) end += length;
  }
  if (start === end) return [];
  if (start < 0 || start >= length)
    throw new JsonPathError(
      `array index out of bounds: index ${start}, length ${length}`,
      segment.pos,
    );
  if (end < 0 || end > length)
    throw new JsonPathError(
      `array index out of bounds: index ${end - 1}, length ${length}`,
      segment.pos,
    );
  if (start > end)
    throw new JsonPathError(
      `starting index ${start} is greater than ending index ${end}`,
      segment.pos,
    );
  const stepBy = segment.step ?? 1;
  if (stepBy <= 0) throw new JsonPathError('step must be > 0', segment.pos);
  const out: unknown[] = [];
  for (let i = start; i < end; i += stepBy) out.push(value[i]);
  return out;
}

function filter(
  segment: Extract<Segment, { type: 'filter' }>,
  value: unknown,
  root: unknown,
  allowMissing: boolean,
): unknown[] {
  if (!Array.isArray(value))
    throw new JsonPathError(
      `${describe(value)} is not an array and cannot be filtered`,
      segment.pos,
    );
  return value.filter((item) => {
    if (segment.operator === 'exists') {
      try {
        return evaluate(segment.left, [item], root, allowMissing).length > 0;
      } catch {
        return false;
      }
    }
    const left = one(evaluate(segment.left, [item], root, allowMissing), segment.pos);
    if (left.length === 0) return false;
    const right = one(evaluate(segment.right, [item], root, allowMissing), segment.pos);
    if (right.length === 0) return false;
    return compare(left[0], segment.operator, right[0], segment.pos);
  });
}

function one(values: unknown[], pos: number): unknown[] {
  if (values.length > 1)
    throw new JsonPathError('a filter can only compare one element at a time', pos);
  return values;
}

function compare(left: unknown, operator: string, right: unknown, pos: number): boolean {
  if (operator === '==' || operator === '!=') {
    const equal =
      typeof left === 'object' || typeof right === 'object'
        ? JSON.stringify(left) === JSON.stringify(right)
        : left === right;
    return operator === '==' ? equal : !equal;
  }
  const ordered =
    (typeof left === 'number' && typeof right === 'number') ||
    (typeof left === 'string' && typeof right === 'string');
  if (!ordered)
    throw new JsonPathError(
      `cannot order ${describe(left)} and ${describe(right)} with ${operator}`,
      pos,
    );
  const [a, b] = [left, right];
  if (operator === '<') return a < b;
  if (operator === '>') return a > b;
  if (operator === '<=') return a <= b;
  return a >= b;
}
