import { parseAllDocuments, LineCounter } from 'yaml';

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
}

export type ManifestParse =
  { ok: true; documents: ManifestDocument[] } | { ok: false; problems: YamlProblem[] };

/**
 * Parses a multi-document YAML (or JSON) stream the way `kubectl apply -f` reads files: empty
 * documents are skipped; a `kind: List` is not special. Syntax errors come back with line and
 * column, never thrown. Duplicate keys are errors, as Kubernetes treats them.
 */
export function parseManifestStream(text: string): ManifestParse {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  // An empty stream parses to an "EmptyStream" marker rather than a list.
  if (!Array.isArray(docs)) return { ok: true, documents: [] };
  const problems: YamlProblem[] = [];
  const documents: ManifestDocument[] = [];
  for (const doc of docs) {
    for (const error of doc.errors) {
      const pos = lineCounter.linePos(error.pos[0]);
      problems.push({ line: pos.line, column: pos.col, message: firstLine(error.message) });
    }
    if (doc.errors.length > 0) continue;
    if (doc.contents === null) continue;
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    const start = doc.contents.range?.[0] ?? 0;
    documents.push({ value, line: lineCounter.linePos(start).line });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, documents };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
