import {
  Document,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  Scalar,
  visit,
  type Node,
  type YAMLMap,
} from 'yaml';
import { z } from 'zod';
import { defineStep } from '../engine/step.js';
import { isStepError, transientError } from '../engine/step-error.js';

/** As Kargo's yaml-merge-config.json. */
export const yamlMergeConfigSchema = z.strictObject({
  inFiles: z
    .array(z.string())
    .min(1)
    .describe('The YAML files to merge, in order, relative to the working directory'),
  outFile: z.string().min(1).describe('The merged file to write (created or replaced)'),
  ignoreMissingFiles: z
    .boolean()
    .default(false)
    .describe('Skip input files that do not exist (default false)'),
});

/**
 * yaml-merge: merges YAML files, each over the ones before it, into one file, as Kargo's
 * yaml_merger.go does with kyaml's merge2 (pkg/yaml/merge.go): maps merged key by key, scalars
 * and lists replaced by the later file, a key set to null in a later file removed, empty files
 * skipped, and the result written as kyaml writes it (2-space indent, list items not indented).
 */
export const yamlMergeStep = defineStep({
  kind: 'yaml-merge',
  description: 'Merge YAML files into one',
  configSchema: yamlMergeConfigSchema,
  capabilities: [],
  run(context, config) {
    const merged: string[] = [];
    let target: Node | undefined;
    for (const [index, inFile] of config.inFiles.entries()) {
      const field = `inFiles[${index}]`;
      let text: string;
      try {
        text = context.workDir.readFile(inFile, field).toString('utf8');
      } catch (err) {
        if (isStepError(err)) throw err;
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') {
          if (config.ignoreMissingFiles) continue;
          // Kargo answers Errored here: an earlier step may yet write the file.
          throw transientError(`input file ${JSON.stringify(inFile)} not found`, err);
        }
        throw transientError(
          `unexpected error with file ${JSON.stringify(inFile)}: ${(err as Error).message}`,
          err,
        );
      }
      merged.push(inFile);
      try {
        const patch = readFirstDocument(text);
        if (patch === undefined) continue;
        target = target === undefined ? patch : mergeNodes(target, patch);
      } catch (err) {
        throw transientError(
          `error merging YAML files: error ${target === undefined ? 'reading input' : 'merging in'} file ${inFile}: ${(err as Error).message}`,
          err,
        );
      }
    }
    const out = target === undefined ? '' : writeAsKyaml(target);
    try {
      context.workDir.writeFile(config.outFile, out, { field: 'outFile', mode: 0o600 });
    } catch (err) {
      if (isStepError(err)) throw err;
      throw transientError(
        `error merging YAML files: error writing merged YAML to ${config.outFile}: ${(err as Error).message}`,
        err,
      );
    }
    context.log(`merged ${merged.length} file(s) into ${config.outFile}`);
    const message = yamlMergeCommitMessage(merged, config.outFile);
    return Promise.resolve({
      status: 'Succeeded',
      output: message === '' ? undefined : { commitMessage: message },
    });
  },
});

/**
 * The commit message fragment, as Kargo's: one file "Wrote a to out", several "Merged n YAML
 * files to out" and one line per file; none without input files.
 */
export function yamlMergeCommitMessage(inFiles: readonly string[], outFile: string): string {
  if (inFiles.length === 0) return '';
  if (inFiles.length === 1) return `Wrote ${inFiles[0]} to ${outFile}`;
  return [
    `Merged ${inFiles.length} YAML files to ${outFile}`,
    ...inFiles.map((f) => `- ${f}`),
  ].join('\n');
}

/** The first document of a file, as go-yaml v3 reads it; undefined for a file without one. */
function readFirstDocument(text: string): Node | undefined {
  const [document] = parseAllDocuments(text);
  if (document === undefined || !('contents' in document)) return undefined;
  const error = document.errors[0];
  if (error) throw new Error(error.message.split('\n')[0]);
  const contents = document.contents;
  if (contents === null) return undefined;
  // go-yaml refuses a key that is not there at all (`:`); the yaml library reads it as null.
  visit(contents, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (
        key === null ||
        (isScalar(key) &&
          key.value === null &&
          key.source === '' &&
          key.range?.[0] === key.range?.[1])
      )
        throw new Error('did not find expected key');
    },
  });
  return contents;
}

type NodeKind = 'map' | 'seq' | 'scalar';

function kindOf(node: Node | undefined): NodeKind | undefined {
  if (node === undefined || isNull(node)) return undefined;
  return isMap(node) ? 'map' : isSeq(node) ? 'seq' : 'scalar';
}

function isNull(node: Node | undefined): boolean {
  return isScalar(node) && node.value === null;
}

const KIND_NAMES: Record<NodeKind, string> = {
  map: 'MappingNode',
  seq: 'SequenceNode',
  scalar: 'ScalarNode',
};

/** The null text a key keeps when only the earlier file has it (`null`, `~`; an empty value is dropped). */
function keptNull(node: Node): boolean {
  return isScalar(node) && node.value === null && (node.source ?? '') !== '';
}

/**
 * Merges `patch` over `dest` as kyaml's merge2 walker does (sources [dest, patch]); returns the
 * merged node, or undefined when the field is to be removed.
 */
function mergeNodes(dest: Node | undefined, patch: Node | undefined): Node | undefined {
  const kind = kindOf(dest) ?? kindOf(patch);
  if (kind !== undefined) {
    for (const node of [dest, patch]) {
      const other = kindOf(node);
      if (other !== undefined && other !== kind)
        throw new Error(
          `wrong node kind: expected ${KIND_NAMES[kind]} but got ${KIND_NAMES[other]}`,
        );
    }
  }
  if (kind === 'scalar' || kind === 'seq') {
    const result = patch ?? dest;
    copyComments(dest, patch);
    return result === undefined || isNull(result) ? undefined : result;
  }
  // A map, or nulls only (walked as a map by kyaml).
  copyComments(dest, patch);
  let result: Node | undefined;
  if (dest === undefined || isNull(dest)) {
    if (patch !== undefined && patchDirective(patch) === 'delete') return undefined;
    if (patch === undefined) return dest !== undefined && keptNull(dest) ? dest : undefined;
    result = patch;
    if (!isMap(result)) return undefined;
    // Walked again over itself: the nulls inside a newly added map are dropped.
    dest = result;
  } else {
    if (patch !== undefined && isNull(patch)) return undefined;
    const directive = patch === undefined ? 'merge' : patchDirective(patch);
    if (directive === 'delete') return undefined;
    if (directive === 'replace') return patch;
    result = dest;
  }
  const destMap = dest as YAMLMap<unknown, Node>;
  const patchMap = isMap(patch) ? (patch as YAMLMap<unknown, Node>) : undefined;
  const merged = result as YAMLMap<unknown, Node>;
  const names = new Set<string>();
  for (const map of [destMap, patchMap])
    for (const pair of map?.items ?? []) names.add(keyName(pair.key));
  // kyaml walks the union of the field names sorted: new fields are appended in that order.
  for (const name of [...names].sort()) {
    const destValue = fieldValue(destMap, name);
    const patchValue = patchMap ? fieldValue(patchMap, name) : undefined;
    const value = mergeNodes(destValue.value, patchValue?.value);
    setField(merged, name, value, destValue.present ? destValue.value : undefined);
  }
  return merged;
}

function keyName(key: unknown): string {
  return String(isScalar(key) ? key.value : key);
}

function fieldValue(
  map: YAMLMap<unknown, Node>,
  name: string,
): { present: boolean; value: Node | undefined } {
  const pair = map.items.find((p) => keyName(p.key) === name);
  if (!pair) return { present: false, value: undefined };
  return { present: true, value: pair.value ?? new Scalar(null) };
}

/**
 * Sets or removes one field as kyaml's FieldSetter: a replaced value takes the style of the one
 * it replaces (a quoted scalar stays quoted, a flow map stays flow), a null one is removed
 * unless it is the earlier file's kept `null`.
 */
function setField(
  map: YAMLMap<unknown, Node>,
  name: string,
  value: Node | undefined,
  previous: Node | undefined,
): void {
  const index = map.items.findIndex((p) => keyName(p.key) === name);
  if (value === undefined || (isNull(value) && !(value === previous && keptNull(value)))) {
    if (index >= 0) map.items.splice(index, 1);
    return;
  }
  if (index >= 0) {
    const pair = map.items[index]!;
    const old = pair.value;
    if (old && old !== value) {
      if (isScalar(old) && isScalar(value)) value.type = old.type;
      else if ((isMap(old) || isSeq(old)) && (isMap(value) || isSeq(value))) value.flow = old.flow;
    }
    pair.value = value;
    return;
  }
  map.add({ key: new Scalar(name), value });
}

/** kyaml's SetComments: the later file's comments, where it has some, replace the earlier ones. */
function copyComments(dest: Node | undefined, patch: Node | undefined): void {
  if (!dest || !patch || dest === patch) return;
  if (patch.commentBefore) dest.commentBefore = patch.commentBefore;
  if (patch.comment) dest.comment = patch.comment;
}

/** A `$patch` directive of a map (strategic merge patch), removed from it as kyaml does. */
function patchDirective(patch: Node): 'merge' | 'replace' | 'delete' {
  if (!isMap(patch)) return 'merge';
  const map = patch as YAMLMap<unknown, Node>;
  const index = map.items.findIndex((p) => keyName(p.key) === '$patch');
  if (index < 0) return 'merge';
  const value = map.items[index]!.value;
  const text = isScalar(value) ? String(value.value) : '';
  if (text !== 'merge' && text !== 'replace' && text !== 'delete')
    throw new Error(`unknown patch strategy '${text}'`);
  map.items.splice(index, 1);
  return text;
}

/** Strings go-yaml v3 quotes when it writes them (YAML 1.1 booleans, sexagesimal numbers). */
const OLD_BOOLEANS = new Set(
  ['y', 'yes', 'n', 'no', 'on', 'off', 'true', 'false'].flatMap((w) => [
    w,
    w.toUpperCase(),
    w[0]!.toUpperCase() + w.slice(1),
  ]),
);
const BASE_60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** The merged node as kyaml.WriteFile writes it. */
function writeAsKyaml(node: Node): string {
  visit(node, {
    Scalar(_, scalar) {
      if (
        typeof scalar.value === 'string' &&
        (scalar.type === undefined || scalar.type === 'PLAIN') &&
        (OLD_BOOLEANS.has(scalar.value) || BASE_60_FLOAT.test(scalar.value))
      )
        scalar.type = 'QUOTE_DOUBLE';
    },
  });
  const document = new Document();
  document.contents = node;
  return document.toString({ indentSeq: false, lineWidth: 0, flowCollectionPadding: false });
}
