import { parse as parseYaml } from 'yaml';
import { parseVersion } from '../api/semver-constraint.js';

/**
 * A dependency as Helm reads it from Chart.yaml (helm.sh/helm/v3 pkg/chart Dependency): the
 * fields `helm dependency update` hashes into Chart.lock's digest, in Helm's order.
 */
export interface HelmDependency {
  name: string;
  version: string;
  repository: string;
  condition: string;
  tags: string[];
  enabled: boolean;
  importValues: unknown[];
  alias: string;
}

export interface ChartMetadata {
  apiVersion: string;
  name: string;
  version: string;
  /** Whether Chart.yaml has a `dependencies` list at all (Helm does nothing without one). */
  declaresDependencies: boolean;
  dependencies: HelmDependency[];
}

const ALIAS = /^[a-zA-Z0-9_-]+$/;

/**
 * Reads Chart.yaml as Helm's loader does, with its validation (`validation: …` messages) and
 * its sanitising of strings (whitespace becomes a space, unprintable characters go). Scalars
 * of another type in a string field become their text, as sigs.k8s.io/yaml converts them.
 * Throws an Error naming what is wrong.
 */
export function parseChartMetadata(text: string): ChartMetadata {
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new Error(`cannot load Chart.yaml: ${(err as Error).message.split('\n')[0]}`);
  }
  if (document === null || document === undefined) document = {};
  if (typeof document !== 'object' || Array.isArray(document))
    throw new Error('cannot load Chart.yaml: it is not a mapping');
  const fields = document as Record<string, unknown>;
  const apiVersion = text0(fields.apiVersion, 'apiVersion');
  const name = sanitize(text0(fields.name, 'name'));
  const version = text0(fields.version, 'version');
  const type = text0(fields.type, 'type');
  if (apiVersion === '') throw validation('chart.metadata.apiVersion is required');
  if (name === '') throw validation('chart.metadata.name is required');
  if (name === '.' || name === '..' || name.includes('/'))
    throw validation(
      `chart.metadata.name ${JSON.stringify(name)} is ${name.includes('/') ? 'invalid' : 'not allowed'}`,
    );
  if (version === '') throw validation('chart.metadata.version is required');
  if (!parseVersion(version, false))
    throw validation(`chart.metadata.version ${JSON.stringify(version)} is invalid`);
  if (type !== '' && type !== 'application' && type !== 'library')
    throw validation('chart.metadata.type must be application or library');
  const declaresDependencies = fields.dependencies !== undefined && fields.dependencies !== null;
  const raw = fields.dependencies ?? [];
  if (!Array.isArray(raw)) throw new Error('cannot load Chart.yaml: dependencies is not a list');
  const dependencies = raw.map((entry, index) => dependency(entry, index));
  const seen = new Set<string>();
  for (const dep of dependencies) {
    const key = dep.alias || dep.name;
    if (seen.has(key))
      throw validation(`more than one dependency with name or alias ${JSON.stringify(key)}`);
    seen.add(key);
  }
  return { apiVersion, name, version, declaresDependencies, dependencies };
}

function dependency(entry: unknown, index: number): HelmDependency {
  if (entry === null || entry === undefined)
    throw validation('dependencies must not contain empty or null nodes');
  if (typeof entry !== 'object' || Array.isArray(entry))
    throw new Error(`cannot load Chart.yaml: dependencies[${index}] is not a mapping`);
  const fields = entry as Record<string, unknown>;
  const field = (key: string) => text0(fields[key], `dependencies[${index}].${key}`);
  const tags = fields.tags ?? [];
  if (!Array.isArray(tags))
    throw new Error(`cannot load Chart.yaml: dependencies[${index}].tags is not a list`);
  const importValues = fields['import-values'] ?? [];
  if (!Array.isArray(importValues))
    throw new Error(`cannot load Chart.yaml: dependencies[${index}].import-values is not a list`);
  const enabled = fields.enabled ?? false;
  if (typeof enabled !== 'boolean')
    throw new Error(`cannot load Chart.yaml: dependencies[${index}].enabled is not a boolean`);
  const dep: HelmDependency = {
    name: sanitize(field('name')),
    version: sanitize(field('version')),
    repository: sanitize(field('repository')),
    condition: sanitize(field('condition')),
    tags: tags.map((tag, i) => sanitize(text0(tag, `dependencies[${index}].tags[${i}]`))),
    enabled,
    importValues,
    alias: field('alias'),
  };
  if (dep.alias !== '' && !ALIAS.test(dep.alias))
    throw validation(
      `dependency ${JSON.stringify(dep.name)} has disallowed characters in the alias`,
    );
  return dep;
}

/** A string field: missing is empty; numbers and booleans become their text; others refused. */
function text0(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`cannot load Chart.yaml: ${field} is not a string`);
}

/** Helm's sanitizeString: whitespace becomes a space, unprintable characters are dropped. */
function sanitize(text: string): string {
  return text.replace(/\s/gu, ' ').replace(/[\p{C}\p{Zl}\p{Zp}]/gu, '');
}

function validation(message: string): Error {
  return new Error(`validation: ${message}`);
}
