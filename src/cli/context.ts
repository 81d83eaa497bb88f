import { resolveKindName, type KindName } from '../api/kind-names.js';
import { ApiClient } from './client.js';
import { usageError } from './usage-error.js';

/** What every command gets: the API client, where to print, and the clock. */
export interface CliContext {
  client: ApiClient;
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  now: () => Date;
}

export function kindArgument(name: string): KindName {
  const info = resolveKindName(name);
  if (!info) {
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
