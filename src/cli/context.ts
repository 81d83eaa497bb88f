import { KIND_NAMES, resolveKindName, type KindName } from '../api/kind-names.js';
import { ApiClient } from './client.js';
import { usageError } from './usage-error.js';

/** What every command gets: the API client, where to print, and the clock. */
export interface CliContext {
  client: ApiClient;
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Ends long-running commands (`get -w`) cleanly; Ctrl-C otherwise ends the process. */
  signal?: AbortSignal | undefined;
}

export function kindArgument(name: string): KindName {
  const info = resolveKindName(name);
  if (!info) {
    const suggestion = closestKindName(name);
    if (suggestion) throw usageError(`unknown kind "${name}"; did you mean "${suggestion}"?`);
    throw usageError(
      `unknown kind "${name}" (try projects, projectconfigs, warehouses, stages, freight, promotions, promotiontasks, clusterpromotiontasks, analysistemplates, clusteranalysistemplates)`,
    );
  }
  return info;
}

/** `--project`, else GANTRY_PROJECT; required for namespaced kinds unless all projects were asked for. */
export function projectFor(
  info: KindName,
  project: string | undefined,
  env: NodeJS.ProcessEnv,
  allowAll = false,
): string | undefined {
  if (!info.namespaced) return undefined;
  const chosen = project ?? (env.GANTRY_PROJECT || undefined);
  if (!chosen && !allowAll) {
    throw usageError(
      `${info.plural} belong to a project: pass --project NAME (or set GANTRY_PROJECT)`,
    );
  }
  return chosen;
}

/** `stage.kargo.akuity.io/dev`: how kubectl (and Kargo) name an object in messages. */
export function qualifiedName(kind: string, group: string, name: string): string {
  return `${kind.toLowerCase()}${group ? `.${group}` : ''}/${name}`;
}

export function pathFor(info: KindName, project: string | undefined, name?: string): string {
  const base =
    info.namespaced && project
      ? `/v1/projects/${encodeURIComponent(project)}/${info.plural}`
      : `/v1/${info.plural}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

/** The kind name closest to a misspelt one (at most two edits away), as kubectl suggests. */
export function closestKindName(name: string): string | undefined {
  const wanted = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const info of KIND_NAMES)
    for (const candidate of [info.plural, info.singular, ...info.aliases]) {
      const distance = editDistance(wanted, candidate);
      if (distance <= 2 && (!best || distance < best.distance))
        best = { name: candidate, distance };
    }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length]!;
}
