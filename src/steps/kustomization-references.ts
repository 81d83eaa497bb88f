import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { parse } from 'yaml';
import { terminalError } from '../engine/step-error.js';
import type { WorkDir } from '../engine/work-dir.js';

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Before kustomize runs: every local path a kustomization names — its resources, bases and
 * components (directories are followed into their own kustomizations), patches, generator
 * files, replacements, OpenAPI schemas, Helm values — must stay inside the promotion's working
 * directory, symbolic links included. kustomize's own load restrictor keeps *files* under a
 * kustomization's root but lets a base *directory* be anywhere, so a Stage could otherwise
 * render another project's working tree or any directory of the host into its output. Remote
 * bases (URLs) are left to kustomize, which fetches them with the git transports the operator
 * allows.
 */
export function checkKustomizationReferences(workDir: WorkDir, path: string): void {
  const seen = new Set<string>();
  const visit = (dir: string) => {
    const key = workDir.resolve(dir || '.', 'path');
    if (seen.has(key)) return;
    seen.add(key);
    const name = KUSTOMIZATION_FILES.find((file) => {
      try {
        return statSync(workDir.resolve(posix.join(dir, file), 'path')).isFile();
      } catch {
        return false;
      }
    });
    if (!name) return;
    const file = posix.join(dir, name);
    let document: unknown;
    try {
      document = parse(workDir.readFile(file, 'path').toString('utf8'), { maxAliasCount: 100 });
    } catch {
      return; // kustomize reports a malformed kustomization itself
    }
    for (const { field, reference } of localReferences(document)) {
      const where = `${file}: ${field}`;
      if (posix.isAbsolute(reference))
        throw terminalError(
          `${where}: ${JSON.stringify(reference)} is absolute; a kustomization may only name paths inside the promotion's working directory`,
        );
      const target = posix.normalize(posix.join(dir, reference));
      const resolved = workDir.resolve(target, where);
      let isDirectory = false;
      try {
        isDirectory = statSync(resolved).isDirectory();
      } catch {
        isDirectory = false; // missing: kustomize says so
      }
      if (isDirectory) visit(target);
    }
  };
  visit(posix.normalize(path));
}

/** Remote bases: URLs, `git@…`, and kustomize's host shorthands (`github.com/org/repo//dir`). */
function isRemote(reference: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(reference) ||
    /^git@/.test(reference) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(reference) ||
    /\?ref=|\?version=/.test(reference)
  );
}

function localReferences(document: unknown): Array<{ field: string; reference: string }> {
  const out: Array<{ field: string; reference: string }> = [];
  if (typeof document !== 'object' || document === null) return out;
  const doc = document as Record<string, unknown>;
  const add = (field: string, value: unknown) => {
    if (typeof value !== 'string' || value === '' || value.includes('\n') || isRemote(value))
      return;
    out.push({ field, reference: value });
  };
  const list = (field: string) => {
    const value = doc[field];
    if (Array.isArray(value)) value.forEach((item, i) => add(`${field}[${i}]`, item));
  };
  for (const field of [
    'resources',
    'bases',
    'components',
    'crds',
    'patchesStrategicMerge',
    'generators',
    'transformers',
    'validators',
    'configurations',
  ])
    list(field);
  for (const field of ['patches', 'patchesJson6902', 'replacements']) {
    const value = doc[field];
    if (Array.isArray(value))
      value.forEach((item, i) => add(`${field}[${i}].path`, (item as { path?: unknown })?.path));
  }
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    const value = doc[field];
    if (!Array.isArray(value)) continue;
    value.forEach((item, i) => {
      const generator = (item ?? {}) as { files?: unknown; envs?: unknown; env?: unknown };
      if (Array.isArray(generator.files))
        generator.files.forEach((entry, j) =>
          add(
            `${field}[${i}].files[${j}]`,
            typeof entry === 'string' ? entry.slice(entry.indexOf('=') + 1) : entry,
          ),
        );
      if (Array.isArray(generator.envs))
        generator.envs.forEach((entry, j) => add(`${field}[${i}].envs[${j}]`, entry));
      add(`${field}[${i}].env`, generator.env);
    });
  }
  const openapi = doc.openapi as { path?: unknown } | undefined;
  add('openapi.path', openapi?.path);
  const helmGlobals = doc.helmGlobals as { chartHome?: unknown } | undefined;
  add('helmGlobals.chartHome', helmGlobals?.chartHome);
  const charts = doc.helmCharts;
  if (Array.isArray(charts))
    charts.forEach((chart, i) => {
      const c = (chart ?? {}) as { valuesFile?: unknown; additionalValuesFiles?: unknown };
      add(`helmCharts[${i}].valuesFile`, c.valuesFile);
      if (Array.isArray(c.additionalValuesFiles))
        c.additionalValuesFiles.forEach((f, j) =>
          add(`helmCharts[${i}].additionalValuesFiles[${j}]`, f),
        );
    });
  return out;
}
