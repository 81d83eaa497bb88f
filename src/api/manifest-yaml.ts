import { Composer, isMap, isScalar, Lexer, LineCounter, Parser, visit, type Document } from 'yaml';
import { INPUT_LIMITS } from './input-limits.js';
import { toJsonData } from './json-data.js';

/** One YAML document of a manifest stream, with where it starts. */
export interface ManifestDocument {
  /** The parsed value (plain JSON data). */
  value: unknown;
  /** 1-based line of the document's first content. */
  line: number;
}

export interface YamlProblem {
  line: number;
  column: number;
  message: string;
  /** `syntax`: not YAML; `refused`: YAML beyond a limit or without a JSON form. */
  kind: 'syntax' | 'refused';
}

/** Accepted, but worth telling the user (kubectl would refuse it). */
export interface YamlWarning {
  line: number;
  column: number;
  message: string;
}

export type ManifestParse =
  | { ok: true; documents: ManifestDocument[]; warnings: YamlWarning[] }
  | { ok: false; problems: YamlProblem[] };

export interface ManifestParseLimits {
  maxDepth: number;
  maxDocuments: number;
  maxAliasCount: number;
  /** What one document may expand to (aliases included), as serialised JSON. */
  maxDocumentBytes: number;
}

const DEFAULT_LIMITS: ManifestParseLimits = {
  maxDepth: INPUT_LIMITS.maxNestingDepth,
  maxDocuments: INPUT_LIMITS.maxDocuments,
  maxAliasCount: INPUT_LIMITS.maxYamlAliasCount,
  maxDocumentBytes: INPUT_LIMITS.maxObjectBytes,
};

/**
 * The parser's stack holds the stream's document and, briefly, a scalar besides one entry per
 * open collection (measured: depth 10 peaks at 11 or 12), so this bound lets documents nested
 * exactly `maxDepth` deep through and stops deeper ones before the composer sees them.
 */
const STACK_SLACK = 2;

/**
 * Parses a multi-document YAML (or JSON) stream the way `kubectl apply -f` reads files: empty
 * documents are skipped; a `kind: List` is not special; `<<` merge keys work (as in Kubernetes'
 * YAML). Problems come back with line and column, never thrown.
 *
 * A key repeated in one mapping is accepted, the last value winning, with a warning: Kargo's
 * API server (`kargo apply`, the UI; pkg/server/common.go splitYAML) reads manifests with
 * Kubernetes' non-strict YAML decoder (sigs.k8s.io/yaml over go-yaml v2), which does just
 * that. Only kubectl's client-side validation refuses such a file.
 *
 * Untrusted text is bounded before anything recurses over it: nesting deeper than `maxDepth`
 * stops the (iterative) CST parser before the (recursive) composer runs; aliases are limited
 * by count and by what a document expands to; more than `maxDocuments` documents are refused.
 * Values are plain JSON data (see `toJsonData`).
 */
export function parseManifestStream(
  text: string,
  limits: ManifestParseLimits = DEFAULT_LIMITS,
): ManifestParse {
  const lineCounter = new LineCounter();
  const problems: YamlProblem[] = [];
  const report = (offset: number, message: string, kind: YamlProblem['kind']) => {
    const pos = lineCounter.linePos(offset);
    problems.push({ line: pos.line, column: pos.col, message, kind });
  };
  const parser = new Parser(lineCounter.addNewLine);
  let tooDeepAt: number | undefined;
  function* tokens() {
    // As Parser.parse does: the line counter learns of line 1 first.
    lineCounter.addNewLine(0);
    for (const lexeme of new Lexer().lex(text)) {
      yield* parser.next(lexeme);
      if (parser.stack.length > limits.maxDepth + STACK_SLACK) {
        tooDeepAt = parser.offset;
        return;
      }
    }
    yield* parser.end();
  }
  const composer = new Composer({ uniqueKeys: false, merge: true, prettyErrors: false });
  const documents: ManifestDocument[] = [];
  const warnings: YamlWarning[] = [];
  let count = 0;
  for (const doc of composer.compose(tokens())) {
    if (tooDeepAt !== undefined) break;
    if (++count > limits.maxDocuments) {
      report(
        doc.range[0],
        `more than ${limits.maxDocuments} documents; ${limits.maxDocuments} is the most one request or file may hold`,
        'refused',
      );
      return { ok: false, problems };
    }
    for (const error of doc.errors) report(error.pos[0], firstLine(error.message), 'syntax');
    if (doc.errors.length > 0 || doc.contents === null) continue;
    const start = doc.contents.range[0];
    const value = documentValue(doc, limits);
    if (!value.ok) {
      report(start, value.message, 'refused');
      continue;
    }
    if (value.value === null) continue;
    for (const { offset, key } of repeatedKeys(doc)) {
      const pos = lineCounter.linePos(offset);
      warnings.push({
        line: pos.line,
        column: pos.col,
        message: `key ${JSON.stringify(key)} repeats one earlier in the same mapping: the last value is used, as Kargo's API server does (kubectl refuses the file)`,
      });
    }
    documents.push({ value: value.value, line: lineCounter.linePos(start).line });
  }
  if (tooDeepAt !== undefined) {
    report(
      tooDeepAt,
      `objects and lists are nested more than ${limits.maxDepth} levels deep; ${limits.maxDepth} is the limit`,
      'refused',
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, documents, warnings };
}

/** Every scalar key that an earlier key of the same mapping already used (merge keys aside). */
function repeatedKeys(doc: Document.Parsed): Array<{ offset: number; key: string }> {
  const found: Array<{ offset: number; key: string }> = [];
  visit(doc, {
    Map(_, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (key === '<<') continue;
        if (seen.has(key)) found.push({ offset: pair.key.range?.[0] ?? 0, key });
        seen.add(key);
      }
    },
  });
  return found.sort((a, b) => a.offset - b.offset);
}

function documentValue(
  doc: Document.Parsed,
  limits: ManifestParseLimits,
): { ok: true; value: unknown } | { ok: false; message: string } {
  let raw: unknown;
  try {
    // Maps keep non-string keys for toJsonData to judge, and the yaml package does not warn.
    raw = doc.toJS({ maxAliasCount: limits.maxAliasCount, mapAsMap: true });
  } catch (err) {
    // Unresolved or excessive aliases, merge sources that are not maps.
    const message = firstLine((err as Error).message);
    return {
      ok: false,
      message: /excessive alias count/i.test(message)
        ? `aliases expand too much (more than ${limits.maxAliasCount} alias uses, weighted by the aliases inside them)`
        : message,
    };
  }
  const data = toJsonData(raw, { maxDepth: limits.maxDepth, maxBytes: limits.maxDocumentBytes });
  if (!data.ok) {
    // Paths into deep nesting are long; their start says enough.
    const path = data.path.length > 60 ? `${data.path.slice(0, 60)}…` : data.path;
    return { ok: false, message: path ? `${path}: ${data.message}` : data.message };
  }
  return data;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
