import type { FreightReference } from '../api/common.js';
import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from '../api/repo-urls.js';
import { secretDataValues, type SecretSet } from '../api/secret-set.js';
import type { ExprFunction } from '../expr/evaluator.js';
import { isPlainObject } from '../expr/values.js';
import { TASK_ALIAS_SEPARATOR } from './inflate-steps.js';

export interface StepRecord {
  alias: string;
  status: string;
  continueOnError?: boolean | undefined;
}

/**
 * Kargo's functions that read a promotion's context: `imageFrom`, `commitFrom`, `chartFrom`
 * over the Freight being promoted (and the Stage's other Freight), and `success`, `failure`,
 * `always`, `status` over the steps run so far.
 */
/** Project data some functions read: read once per step, before its expressions run. */
export interface ProjectLookups {
  freightMetadata: Record<string, unknown>;
  stageMetadata: Record<string, unknown>;
  /** Decoded Secret data by name; absent where secrets must not be readable (gantry expr). */
  secrets?: Record<string, Record<string, string>> | undefined;
}

export function promotionFunctions(options: {
  freight: FreightReference[];
  lookups?: ProjectLookups | undefined;
  steps: () => StepRecord[];
  /** The alias of the step being evaluated, for status('x') inside a task. */
  currentAlias?: string | undefined;
  /**
   * Where values read by secret() are registered, so they are masked wherever the work
   * writes them out (statuses, logs, errors).
   */
  secrets?: SecretSet | undefined;
}): Record<string, ExprFunction> {
  const pick = <T>(
    kind: string,
    repo: string,
    matches: (ref: FreightReference) => T[],
    origin: unknown,
  ): T | null => {
    const wanted = originName(origin);
    const found = options.freight
      .filter((ref) => wanted === undefined || ref.origin?.name === wanted)
      .flatMap((ref) => matches(ref).map((item) => ({ item, origin: ref.origin?.name })));
    if (found.length === 0) return null;
    const origins = new Set(found.map((f) => f.origin));
    if (origins.size > 1) {
      throw new Error(
        `${kind} ${repo} is in Freight from several Warehouses (${[...origins].join(', ')}); name one with warehouse("…")`,
      );
    }
    return found[0]!.item;
  };
  const failed = (record: StepRecord) =>
    (record.status === 'Failed' || record.status === 'Errored') && !record.continueOnError;
  const scope = options.currentAlias?.includes(TASK_ALIAS_SEPARATOR)
    ? options.currentAlias.slice(
        0,
        options.currentAlias.lastIndexOf(TASK_ALIAS_SEPARATOR) + TASK_ALIAS_SEPARATOR.length,
      )
    : '';

  return {
    imageFrom: ([repoURL, origin]) => {
      const repo = String(repoURL);
      const image = pick(
        'image',
        repo,
        (ref) =>
          (ref.images ?? []).filter(
            (i) => normalizeImageRepo(i.repoURL ?? '') === normalizeImageRepo(repo),
          ),
        origin,
      );
      return (
        image && {
          RepoURL: image.repoURL ?? '',
          Tag: image.tag ?? '',
          Digest: image.digest ?? '',
          Annotations: image.annotations ?? {},
        }
      );
    },
    commitFrom: ([repoURL, origin]) => {
      const repo = String(repoURL);
      const commit = pick(
        'repository',
        repo,
        (ref) =>
          (ref.commits ?? []).filter(
            (c) => normalizeGitUrl(c.repoURL ?? '') === normalizeGitUrl(repo),
          ),
        origin,
      );
      return (
        commit && {
          RepoURL: commit.repoURL ?? '',
          ID: commit.id ?? '',
          Branch: commit.branch ?? '',
          Tag: commit.tag ?? '',
          Message: commit.message ?? '',
          Author: commit.author ?? '',
          Committer: commit.committer ?? '',
        }
      );
    },
    chartFrom: (args) => {
      const repo = String(args[0]);
      const name = typeof args[1] === 'string' ? args[1] : undefined;
      const origin = typeof args[1] === 'string' ? args[2] : args[1];
      const chart = pick(
        'chart',
        repo,
        (ref) =>
          (ref.charts ?? []).filter(
            (c) =>
              normalizeChartUrl(c.repoURL ?? '') === normalizeChartUrl(repo) &&
              (name === undefined || c.name === name),
          ),
        origin,
      );
      return (
        chart && {
          RepoURL: chart.repoURL ?? '',
          Name: chart.name ?? '',
          Version: chart.version ?? '',
        }
      );
    },
    freightMetadata: ([name]) => options.lookups?.freightMetadata[String(name)] ?? null,
    stageMetadata: ([name]) => options.lookups?.stageMetadata[String(name)] ?? null,
    secret: ([name]) => {
      if (!options.lookups?.secrets)
        throw new Error('secrets are not readable here (they would be shown)');
      const secret = options.lookups.secrets[String(name)];
      if (!secret) throw new Error(`no Secret "${String(name)}" in this project`);
      options.secrets?.addAll(secretDataValues(secret));
      return { ...secret };
    },
    success: () => !options.steps().some(failed),
    failure: () => options.steps().some(failed),
    always: () => true,
    status: ([alias]) => {
      const wanted = String(alias);
      const records = options.steps();
      const record =
        records.find((r) => r.alias === `${scope}${wanted}`) ??
        records.find((r) => r.alias === wanted);
      if (!record) throw new Error(`no step "${wanted}" has run`);
      return record.status;
    },
  };
}

function originName(origin: unknown): string | undefined {
  if (origin === undefined || origin === null) return undefined;
  if (isPlainObject(origin) && typeof origin.Name === 'string') return origin.Name;
  throw new Error('the origin must come from warehouse("name")');
}
