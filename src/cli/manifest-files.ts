import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseManifestStream } from '../api/manifest-yaml.js';
import { inputError } from '../errors.js';

/** One document from the files given to `-f`, with where it came from for messages. */
export interface SourcedDocument {
  value: unknown;
  /** The file as the user named it (`-` for standard input). */
  file: string;
  /** 1-based position of the document in its file. */
  index: number;
  line: number;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/**
 * Reads every `-f` argument: a file, a directory (its .yaml/.yml/.json files, sorted; with
 * `recursive`, also those below), or `-` for standard input. A YAML syntax error anywhere
 * fails the whole read with `file:line:column: message`; what is accepted but suspicious (a
 * repeated key) goes to `warn` as `file:line:column: message`.
 */
export function readManifestFiles(
  paths: string[],
  options: { recursive?: boolean; stdin?: () => string; warn?: (message: string) => void } = {},
): SourcedDocument[] {
  const files: string[] = [];
  for (const path of paths) {
    if (path === '-') {
      files.push('-');
      continue;
    }
    let stats;
    try {
      stats = statSync(path);
    } catch {
      throw inputError(`${path}: no such file or directory`);
    }
    if (stats.isDirectory()) files.push(...listManifestFiles(path, options.recursive ?? false));
    else files.push(path);
  }
  const documents: SourcedDocument[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const text =
      file === '-'
        ? (options.stdin ?? (() => readFileSync(0, 'utf8')))()
        : readFileSync(file, 'utf8');
    const parsed = parseManifestStream(text);
    if (!parsed.ok) {
      for (const problem of parsed.problems)
        problems.push(`${file}:${problem.line}:${problem.column}: ${problem.message}`);
      continue;
    }
    for (const warning of parsed.warnings)
      options.warn?.(`${file}:${warning.line}:${warning.column}: ${warning.message}`);
    parsed.documents.forEach((doc, i) =>
      documents.push({ value: doc.value, file, index: i + 1, line: doc.line }),
    );
  }
  if (problems.length > 0) {
    throw inputError(
      problems.join('\n'),
      problems.map((message) => ({ path: '', message })),
    );
  }
  return documents;
}

function listManifestFiles(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recursive) out.push(...listManifestFiles(path, true));
    } else if (MANIFEST_FILE.test(entry.name)) {
      out.push(dir === '.' ? relative('.', path) : path);
    }
  }
  return out;
}
