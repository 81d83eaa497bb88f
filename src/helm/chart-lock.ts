import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { goJsonMarshal, goJsonString } from '../expr/go-json.js';
import type { HelmDependency } from './chart-metadata.js';

/** A dependency as Chart.lock pins it. */
export interface LockedDependency {
  name: string;
  repository: string;
  version: string;
}

/** What a Chart.lock holds. */
export interface ChartLock {
  digest: string;
  generated: string;
  dependencies: LockedDependency[];
}

/**
 * Helm's lock digest (internal/resolver HashReq): SHA-256 of the JSON of the pair
 * [requested dependencies, locked dependencies], as Go's encoding/json writes them (struct
 * field order, empty optional fields left out, `<`, `>` and `&` escaped).
 */
export function lockDigest(requested: HelmDependency[], locked: LockedDependency[]): string {
  const req = requested.map((d) =>
    object([
      ['name', goJsonString(d.name)],
      ['version', d.version === '' ? undefined : goJsonString(d.version)],
      ['repository', goJsonString(d.repository)],
      ['condition', d.condition === '' ? undefined : goJsonString(d.condition)],
      ['tags', d.tags.length === 0 ? undefined : `[${d.tags.map(goJsonString).join(',')}]`],
      ['enabled', d.enabled ? 'true' : undefined],
      ['import-values', d.importValues.length === 0 ? undefined : goJsonMarshal(d.importValues)],
      ['alias', d.alias === '' ? undefined : goJsonString(d.alias)],
    ]),
  );
  const lock = locked.map((d) =>
    object([
      ['name', goJsonString(d.name)],
      ['version', d.version === '' ? undefined : goJsonString(d.version)],
      ['repository', goJsonString(d.repository)],
    ]),
  );
  const json = `[${list(req)},${list(lock)}]`;
  return `sha256:${createHash('sha256').update(json).digest('hex')}`;
}

function object(fields: Array<[string, string | undefined]>): string {
  return `{${fields
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([key, value]) => `${goJsonString(key)}:${value}`)
    .join(',')}}`;
}

function list(items: string[]): string {
  return `[${items.join(',')}]`;
}

/** A time as Go's RFC3339Nano writes it in UTC: trailing zeros of the fraction dropped. */
export function lockTime(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, 'Z');
}

/**
 * Chart.lock as Helm writes it (sigs.k8s.io/yaml: keys in alphabetical order, lists not
 * indented, strings quoted only where YAML 1.1 would read them as something else).
 */
export function renderLock(lock: ChartLock): string {
  const deps = lock.dependencies
    .map(
      (d) =>
        `- name: ${scalar(d.name)}\n  repository: ${scalar(d.repository)}\n${d.version === '' ? '' : `  version: ${scalar(d.version)}\n`}`,
    )
    .join('');
  return `dependencies:${deps === '' ? ' []\n' : `\n${deps}`}digest: ${scalar(lock.digest)}\ngenerated: ${scalar(lock.generated)}\n`;
}

/** The pinned dependencies and digest of a Chart.lock (Kargo reads only these). */
export function parseLock(text: string): { digest: string; dependencies: LockedDependency[] } {
  const doc = (parseYaml(text, { maxAliasCount: 100 }) ?? {}) as {
    digest?: unknown;
    dependencies?: unknown;
  };
  const dependencies = Array.isArray(doc.dependencies)
    ? doc.dependencies.map((entry) => {
        const fields = (entry ?? {}) as Record<string, unknown>;
        const text = (key: string) => {
          const value = fields[key];
          return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
        };
        return { name: text('name'), repository: text('repository'), version: text('version') };
      })
    : [];
  return { digest: typeof doc.digest === 'string' ? doc.digest : '', dependencies };
}

/**
 * A string as yaml.v2 writes it: double-quoted when YAML 1.1 would resolve it as another type
 * (null, bool, number, timestamp), single-quoted when a plain scalar cannot hold it.
 */
function scalar(text: string): string {
  if (resolvesAsOther(text)) return goJsonString(text);
  if (!plainAllowed(text)) return `'${text.replace(/'/g, "''")}'`;
  return text;
}

const YAML11_OTHER = [
  /^(~|null|Null|NULL)$/,
  /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^[-+]?(0b[01_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)$/,
  /^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$/,
  /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*$/,
  /^[-+]?\.(inf|Inf|INF)$/,
  /^\.(nan|NaN|NAN)$/,
  /^\d{4}-\d\d?-\d\d?(([Tt]|[ \t]+)\d\d?:\d\d:\d\d(\.\d*)?([ \t]*(Z|[-+]\d\d?(:\d\d)?))?)?$/,
];

function resolvesAsOther(text: string): boolean {
  return text === '' || YAML11_OTHER.some((pattern) => pattern.test(text));
}

function plainAllowed(text: string): boolean {
  if (/^[\s]|[\s]$/.test(text)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(text)) return false;
  if (/: |:$| #|[\n\r\t]/.test(text)) return false;
  return /^[\x20-\x7e]*$/.test(text);
}
