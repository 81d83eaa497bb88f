import {
  isMap,
  isScalar,
  isSeq,
  parse,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type Scalar,
} from 'yaml';

/**
 * Edits of YAML files that leave everything not edited byte for byte as it was — comments,
 * key order, quoting, indentation — because people review these diffs. An existing scalar is
 * replaced in place in the text, keeping its quoting style; only when a key does not exist
 * yet (or the new value is a map or a list) is the document re-rendered.
 */

/** Splits `a.b\.c.0` into ['a', 'b.c', '0']: dots separate, `\.` is a literal dot. */
export function splitKey(key: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < key.length; i++) {
    const ch = key[i]!;
    if (ch === '\\' && key[i + 1] === '.') {
      current += '.';
      i++;
    } else if (ch === '.') {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  if (parts.some((part) => part === ''))
    throw new Error(`key ${JSON.stringify(key)} has an empty part`);
  return parts;
}

/** The YAML path for `parts`, reading numeric parts as sequence indexes where the node is a sequence. */
function yamlPath(doc: Document, parts: string[]): Array<string | number> {
  const path: Array<string | number> = [];
  let node: unknown = doc.contents;
  for (const part of parts) {
    const key = isSeq(node) && /^\d+$/.test(part) ? Number(part) : part;
    path.push(key);
    node = isMap(node) || isSeq(node) ? node.get(key, true) : undefined;
  }
  return path;
}

export function updateYaml(text: string, updates: Array<{ key: string; value: unknown }>): string {
  let out = text;
  for (const update of updates) {
    const doc = parseDocument(out, { keepSourceTokens: true });
    if (doc.errors.length > 0)
      throw new Error(`not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    const path = yamlPath(doc, splitKey(update.key));
    const node = doc.getIn(path, true) as YamlNode | undefined;
    const inPlace = isScalar(node) ? renderInPlace(node, update.value) : undefined;
    if (isScalar(node) && inPlace !== undefined && node.range) {
      out = out.slice(0, node.range[0]) + inPlace + out.slice(node.range[1]);
      continue;
    }
    doc.setIn(path, update.value);
    out = doc.toString();
  }
  return out;
}

/** The new text of a scalar, in the original's style; undefined when it cannot stay a scalar in place. */
function renderInPlace(node: Scalar, value: unknown): string | undefined {
  if (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') return undefined;
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return undefined;
  switch (node.type) {
    case 'QUOTE_DOUBLE':
      return JSON.stringify(value);
    case 'QUOTE_SINGLE':
      return `'${value.replace(/'/g, "''")}'`;
    default:
      return plainIsSafe(value) ? value : JSON.stringify(value);
  }
}

/** A plain scalar is safe when YAML reads it back as exactly this string. */
function plainIsSafe(value: string): boolean {
  if (value === '' || value.includes('\n') || value !== value.trim()) return false;
  try {
    return parse(value) === value;
  } catch {
    return false;
  }
}
