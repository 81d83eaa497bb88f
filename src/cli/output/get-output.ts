import { kindName } from '../../api/kind-names.js';
import type { StoredResource } from '../../api/resource.js';
import { inputError } from '../../errors.js';
import { qualifiedName } from '../context.js';
import { usageError } from '../usage-error.js';
import { JsonPathError, parseJsonPath, toText, type JsonPathTemplate } from './jsonpath.js';
import { printObjects } from './print-objects.js';
import { renderTable } from './table.js';

export interface CustomColumn {
  header: string;
  path: JsonPathTemplate;
}

/** What `gantry get -o …` asked for, parsed once (templates included). */
export type GetOutput =
  | { kind: 'table' }
  | { kind: 'wide' }
  | { kind: 'yaml' | 'json' | 'name' }
  | { kind: 'jsonpath'; template: JsonPathTemplate }
  | { kind: 'custom-columns'; columns: CustomColumn[] };

const FORMATS =
  'table, wide, yaml, json, name, jsonpath=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC or custom-columns-file=FILE';

/**
 * Parses `-o` as kubectl does: `name`, `jsonpath=TEMPLATE` (the template may keep the quotes a
 * shell would have removed: `jsonpath='{.a}'`), `jsonpath-file=FILE`,
 * `custom-columns=NAME:.path,…`, `custom-columns-file=FILE` (a line of headers, then a line of
 * paths). `-o=FORMAT` works too.
 */
export function parseGetOutput(
  value: string | undefined,
  readFile: (path: string) => string,
): GetOutput {
  const spec = (value ?? 'table').replace(/^=/, '');
  const equals = spec.indexOf('=');
  const format = equals < 0 ? spec : spec.slice(0, equals);
  const argument = equals < 0 ? undefined : spec.slice(equals + 1);
  switch (format) {
    case 'table':
    case 'wide':
    case 'yaml':
    case 'json':
    case 'name':
      if (argument !== undefined) break;
      return { kind: format };
    case 'jsonpath':
    case 'jsonpath-file': {
      if (!argument)
        throw usageError(
          `-o ${format} needs a ${format === 'jsonpath' ? 'template' : 'file'}: -o jsonpath='{.items[*].metadata.name}'`,
        );
      const template =
        format === 'jsonpath' ? unquote(argument) : readTemplate(argument, readFile, format);
      return { kind: 'jsonpath', template: compile(template, format, true) };
    }
    case 'custom-columns':
    case 'custom-columns-file': {
      if (!argument)
        throw usageError(
          `-o ${format} needs ${format === 'custom-columns' ? 'columns' : 'a file'}: -o custom-columns=NAME:.metadata.name,AGE:.metadata.creationTimestamp`,
        );
      return {
        kind: 'custom-columns',
        columns:
          format === 'custom-columns'
            ? columnsFromSpec(argument)
            : columnsFromFile(readTemplate(argument, readFile, format)),
      };
    }
  }
  throw usageError(`-o ${spec}: unknown output format (use ${FORMATS})`);
}

/** `'{.a}'` → `{.a}`: quotes a shell did not remove (Windows, scripts passing argv directly). */
function unquote(template: string): string {
  const first = template[0];
  if (template.length >= 2 && (first === "'" || first === '"') && template.endsWith(first))
    return template.slice(1, -1);
  return template;
}

function readTemplate(path: string, readFile: (path: string) => string, format: string): string {
  try {
    return readFile(path);
  } catch (err) {
    throw usageError(`-o ${format}=${path}: cannot read the file (${(err as Error).message})`);
  }
}

function compile(template: string, what: string, allowMissingKeys: boolean): JsonPathTemplate {
  try {
    return parseJsonPath(template, { allowMissingKeys });
  } catch (err) {
    if (err instanceof JsonPathError) throw usageError(`-o ${what}: ${err.message}: ${template}`);
    throw err;
  }
}

/** kubectl's relaxed paths: `.a.b`, `{.a.b}`, `a.b` and `$.a.b` all mean `{.a.b}`. */
function relaxed(path: string): string {
  const inner = /^\{(.*)\}$/s.exec(path)?.[1] ?? path;
  const trimmed = inner.replace(/^\$/, '');
  return `{${trimmed.startsWith('.') || trimmed.startsWith('[') ? trimmed : `.${trimmed}`}}`;
}

function columnsFromSpec(spec: string): CustomColumn[] {
  return spec.split(',').map((part) => {
    const colon = part.indexOf(':');
    if (colon <= 0 || colon === part.length - 1)
      throw usageError(
        `-o custom-columns: "${part}" is not HEADER:PATH (e.g. NAME:.metadata.name)`,
      );
    return {
      header: part.slice(0, colon),
      path: compile(relaxed(part.slice(colon + 1)), `custom-columns (${part})`, true),
    };
  });
}

function columnsFromFile(text: string): CustomColumn[] {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length !== 2)
    throw usageError(
      `-o custom-columns-file: expected two lines, the headers and their paths; found ${lines.length}`,
    );
  const headers = lines[0]!.trim().split(/\s+/);
  const paths = lines[1]!.trim().split(/\s+/);
  if (headers.length !== paths.length)
    throw usageError(`-o custom-columns-file: ${headers.length} headers but ${paths.length} paths`);
  return headers.map((header, i) => ({
    header,
    path: compile(relaxed(paths[i]!), `custom-columns-file (${header})`, true),
  }));
}

/** `stage.kargo.akuity.io/dev`, as `-o name` and `apply` print an object. */
export function nameOf(object: { kind: string; metadata: { name: string } }): string {
  const info = kindName(object.kind);
  return qualifiedName(object.kind, info?.group ?? '', object.metadata.name);
}

/** The list kubectl hands a template: `{"kind": "List", "items": […]}`. */
export function listOf(objects: unknown[]): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: objects };
}

/**
 * Objects (not tables) as `-o` asked: YAML or JSON, names, a JSONPath template run over the
 * object or the List, or custom columns. `single`: one object was asked for by name.
 */
export async function renderDocuments(
  objects: StoredResource[],
  output: Exclude<GetOutput, { kind: 'table' | 'wide' }>,
  single: boolean,
): Promise<string> {
  switch (output.kind) {
    case 'yaml':
    case 'json':
      return printObjects(objects, { format: output.kind, single });
    case 'name':
      return objects.map(nameOf).join('\n');
    case 'jsonpath':
      return runTemplate(output.template, single ? objects[0] : listOf(objects));
    case 'custom-columns':
      return renderTable(
        output.columns.map((column) => column.header),
        objects.map((object) => customColumnsRow(output.columns, object)),
      );
  }
}

/** One object's cells: every result of the column's path, comma-separated; `<none>` if none. */
export function customColumnsRow(columns: CustomColumn[], object: unknown): string[] {
  return columns.map((column) => {
    const values = column.path.results(object).flat();
    return values.length === 0 ? '<none>' : values.map(toText).join(',');
  });
}

/** A template's output, without the one newline the CLI adds itself. */
export function runTemplate(template: JsonPathTemplate, data: unknown): string {
  try {
    return template.execute(data).replace(/\n$/, '');
  } catch (err) {
    if (err instanceof JsonPathError) throw inputError(`-o jsonpath: ${err.message}`);
    throw err;
  }
}
