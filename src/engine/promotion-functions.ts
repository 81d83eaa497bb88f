import type { FreightReference } from '../api/common.js';
import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from '../api/repo-urls.js';
import { CRED_TYPE_LABEL } from '../api/secret.js';
import { secretDataValues, type SecretSet } from '../api/secret-set.js';
import type { Subscription } from '../api/warehouse.js';
import type { ExprFunction } from '../expr/evaluator.js';
import { stringMap } from '../expr/any-keyed-map.js';
import { GoStruct, goTypeOf, isFreightOrigin } from '../expr/functions/go-struct.js';
import { floatValue, isPlainObject } from '../expr/values.js';
import {
  findArtifact,
  findChart,
  findCommit,
  findImage,
  type FreightFinderContext,
  type FreightOriginRef,
  type FreightRequestRef,
} from './freight-finder.js';
import { TASK_ALIAS_SEPARATOR } from './inflate-steps.js';

export interface StepRecord {
  alias: string;
  status: string;
  continueOnError?: boolean | undefined;
}

/** Kargo's credential types, the second argument of `repoCredentials()`. */
export type RepoCredentialType = 'git' | 'helm' | 'image';

/** Resolved repository credentials, as the git steps and discovery use them. */
export interface ResolvedCredentials {
  username: string;
  password: string;
  sshPrivateKey?: string | undefined;
}

/** A Secret of the shared resources project: its data and the labels that decide access. */
export interface LabeledSecretData {
  data: Record<string, string>;
  labels?: Record<string, string> | undefined;
}

/**
 * Project data some functions read: read once per step, before its expressions run (the
 * functions themselves never reach into storage).
 */
export interface ProjectLookups {
  /** `status.metadata` of each Freight that has some, by name. */
  freightMetadata: Record<string, unknown>;
  /** `status.metadata` of each Stage that has some, by name. */
  stageMetadata: Record<string, unknown>;
  /**
   * The `spec.subscriptions` of the project's Warehouses, by name: which requested origin can
   * provide an artifact (imageFrom() & co. without warehouse()).
   */
  warehouses?: Record<string, Subscription[]> | undefined;
  /** The `status` of every Freight of the project, by name (`freightStatus()`). */
  freightStatus?: Record<string, Record<string, unknown>> | undefined;
  /** The project's ConfigMaps' `data`, by name (`configMap()`). */
  configMaps?: Record<string, Record<string, string>> | undefined;
  /** The shared resources project's ConfigMaps' `data`, by name (`sharedConfigMap()`). */
  sharedConfigMaps?: Record<string, Record<string, string>> | undefined;
  /** Decoded Secret data by name; absent where secrets must not be readable (gantry expr). */
  secrets?: Record<string, Record<string, string>> | undefined;
  /** The shared resources project's Secrets (`sharedSecret()`); absent like `secrets`. */
  sharedSecrets?: Record<string, LabeledSecretData> | undefined;
  /**
   * Resolves a repository's credentials as the steps do (`repoCredentials()`); absent where
   * credentials must not be readable.
   */
  repoCredentials?:
    ((repoURL: string, type: RepoCredentialType) => ResolvedCredentials | undefined) | undefined;
}

/** Kargo's label value for credentials any expression may read through `sharedSecret()`. */
const GENERIC_CREDENTIALS = 'generic';
const CREDENTIAL_TYPES: readonly string[] = ['git', 'helm', 'image'];

/**
 * Kargo's functions that read a promotion's context (pkg/expressions/function): `imageFrom`,
 * `commitFrom`, `chartFrom`, `artifactFrom` over the Freight being promoted (and the Stage's
 * other Freight); `freightMetadata`, `freightStatus`, `stageMetadata`, `configMap`,
 * `sharedConfigMap`, `secret`, `sharedSecret`, `repoCredentials` over project data; and
 * `success`, `failure`, `always`, `status` over the steps run so far. Arguments are checked
 * with Kargo's messages (`expected 1-2 arguments, got 0`, `first argument must be string, got
 * int`); Kargo's results keep their Go shape (structs read by Go field names, maps).
 */
export function promotionFunctions(options: {
  freight: FreightReference[];
  lookups?: ProjectLookups | undefined;
  steps: () => StepRecord[];
  /** The project, named in errors about its Warehouses. */
  project?: string | undefined;
  /**
   * The origins the Stage requests (its `spec.requestedFreight`). Given, imageFrom() & co.
   * without warehouse() find their artifact as Kargo does: the one requested origin whose
   * Warehouse (`lookups.warehouses`) subscribes to it. Absent (no Stage: `gantry expr` alone),
   * they look through the Freight itself, and fail when Freight of several origins has it.
   */
  freightRequests?: readonly FreightRequestRef[] | undefined;
  /** The alias of the step being evaluated, for status('x') inside a task. */
  currentAlias?: string | undefined;
  /**
   * Where values read by secret(), sharedSecret() and repoCredentials() are registered, so
   * they are masked wherever the work writes them out (statuses, logs, errors).
   */
  secrets?: SecretSet | undefined;
}): Record<string, ExprFunction> {
  const lookups = options.lookups;
  const finder: FreightFinderContext | undefined = options.freightRequests && {
    project: options.project ?? '',
    freightRequests: options.freightRequests,
    warehouses: lookups?.warehouses,
    freight: options.freight,
  };
  // Without the Stage's requests: the origin is the one whose Freight holds the artifact.
  const pick = <T>(
    kind: string,
    repo: string,
    matches: (ref: FreightReference) => T[],
    origin: FreightOriginRef | undefined,
  ): T | null => {
    const found = options.freight
      .filter((ref) => origin === undefined || sameOrigin(ref, origin))
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
  // Kargo: a step inside a task sees the statuses of its task's steps only; a top-level step
  // those of top-level steps only.
  const [namespace] = splitAlias(options.currentAlias ?? '');

  return {
    imageFrom: (args) => {
      const { repo, origin } = repoAndOrigin(args);
      const image = finder
        ? findImage(finder, origin, repo)
        : pick(
            'image',
            repo,
            (ref) =>
              (ref.images ?? []).filter(
                (i) => normalizeImageRepo(i.repoURL ?? '') === normalizeImageRepo(repo),
              ),
            origin,
          );
      return image && imageStruct(image);
    },
    commitFrom: (args) => {
      const { repo, origin } = repoAndOrigin(args);
      const commit = finder
        ? findCommit(finder, origin, repo)
        : pick(
            'repository',
            repo,
            (ref) =>
              (ref.commits ?? []).filter(
                (c) => normalizeGitUrl(c.repoURL ?? '') === normalizeGitUrl(repo),
              ),
            origin,
          );
      return commit && commitStruct(commit);
    },
    chartFrom: (args) => {
      if (args.length === 0 || args.length > 3)
        throw new Error(`expected 1-3 arguments, got ${args.length}`);
      const repo = firstString(args);
      let name = '';
      let origin: FreightOriginRef | undefined;
      if (args.length >= 2) {
        if (typeof args[1] === 'string') name = args[1];
        else if (isFreightOrigin(args[1])) origin = originOf(args[1]);
        else
          throw new Error(
            `second argument must be string or FreightOrigin, got ${goTypeOf(args[1])}`,
          );
      }
      if (args.length === 3) {
        if (!name)
          throw new Error(
            `when using three arguments, second argument must be string, got ${goTypeOf(args[1])}`,
          );
        if (!isFreightOrigin(args[2]))
          throw new Error(`third argument must be FreightOrigin, got ${goTypeOf(args[2])}`);
        origin = originOf(args[2]);
      }
      const chart = finder
        ? findChart(finder, origin, repo, name)
        : pick(
            'chart',
            repo,
            (ref) =>
              (ref.charts ?? []).filter(
                (c) =>
                  normalizeChartUrl(c.repoURL ?? '') === normalizeChartUrl(repo) &&
                  (!name || c.name === name),
              ),
            origin,
          );
      return chart && chartStruct(chart);
    },
    artifactFrom: (args) => {
      const { repo: subscription, origin } = repoAndOrigin(args);
      let artifact;
      try {
        artifact = finder
          ? findArtifact(finder, origin, subscription)
          : pick(
              'artifact',
              subscription,
              (ref) => (ref.artifacts ?? []).filter((a) => a.subscriptionName === subscription),
              origin,
            );
      } catch (err) {
        // Kargo's wording: artifactFrom() names the subscription in its errors.
        throw new Error(
          `error finding artifact from subscription ${subscription}: ${(err as Error).message}`,
          { cause: err },
        );
      }
      return artifact && artifactStruct(artifact);
    },
    freightMetadata: (args) => {
      const name = freightName(args);
      const metadata = lookups?.freightMetadata[name];
      return metadata === undefined || metadata === null ? null : goJson(metadata);
    },
    freightStatus: (args) => {
      const name = freightName(args);
      const status = lookups?.freightStatus?.[name];
      return status === undefined ? null : goJson(status);
    },
    stageMetadata: (args) => {
      oneArgument(args);
      const name = args[0];
      if (typeof name !== 'string')
        throw new Error(`argument must be string, got ${goTypeOf(name)}`);
      if (name === '') throw new Error('stage name must not be empty');
      const metadata = lookups?.stageMetadata[name];
      return metadata === undefined || metadata === null ? null : goJson(metadata);
    },
    configMap: (args) => stringMap({ ...lookups?.configMaps?.[resourceName(args)] }),
    sharedConfigMap: (args) => stringMap({ ...lookups?.sharedConfigMaps?.[resourceName(args)] }),
    secret: (args) => {
      const name = resourceName(args);
      if (!lookups?.secrets) throw new Error('secrets are not readable here (they would be shown)');
      const data = stringMap({ ...lookups.secrets[name] });
      options.secrets?.addAll(secretDataValues(data));
      return data;
    },
    sharedSecret: (args) => {
      const name = resourceName(args);
      if (!lookups?.sharedSecrets)
        throw new Error('secrets are not readable here (they would be shown)');
      const secret = lookups.sharedSecrets[name];
      // Kargo: only generic credentials are shared with every project's expressions.
      if (!secret || secret.labels?.[CRED_TYPE_LABEL] !== GENERIC_CREDENTIALS) return stringMap({});
      const data = stringMap({ ...secret.data });
      options.secrets?.addAll(secretDataValues(data));
      return data;
    },
    repoCredentials: (args) => {
      if (args.length !== 2) throw new Error(`expected 2 arguments, got ${args.length}`);
      const [url, type] = args;
      if (typeof url !== 'string')
        throw new Error(`first argument must be string, got ${goTypeOf(url)}`);
      if (typeof type !== 'string')
        throw new Error(`second argument must be string, got ${goTypeOf(type)}`);
      if (!CREDENTIAL_TYPES.includes(type))
        throw new Error(
          `invalid credential type ${JSON.stringify(type)}; must be one of "git", "helm", or "image"`,
        );
      if (!lookups?.repoCredentials)
        throw new Error('repoCredentials is not available in this context');
      const found = lookups.repoCredentials(url, type as RepoCredentialType);
      if (!found) return {};
      options.secrets?.addAll([found.password, found.sshPrivateKey ?? '']);
      if (found.password) options.secrets?.add(`${found.username}:${found.password}`);
      return {
        username: found.username,
        password: found.password,
        sshPrivateKey: found.sshPrivateKey ?? '',
      };
    },
    success: (args) => {
      noArguments(args);
      return !options.steps().some(failed);
    },
    failure: (args) => {
      noArguments(args);
      return options.steps().some(failed);
    },
    always: () => true,
    status: (args) => {
      oneArgument(args);
      const alias = args[0];
      if (typeof alias !== 'string')
        throw new Error(`argument must be string, got ${goTypeOf(alias)}`);
      if (alias === '') throw new Error('argument must not be empty');
      const record = options.steps().find((r) => {
        const [stepNamespace, short] = splitAlias(r.alias);
        return stepNamespace === namespace && short === alias;
      });
      return record?.status ?? '';
    },
  };
}

/** `task-1::step-2` → [`task-1`, `step-2`]; an alias outside a task has no namespace. */
function splitAlias(alias: string): [string, string] {
  const parts = alias.split(TASK_ALIAS_SEPARATOR);
  return parts.length === 2 ? [parts[0]!, parts[1]!] : ['', alias];
}

function sameOrigin(ref: FreightReference, origin: FreightOriginRef): boolean {
  return (ref.origin?.kind ?? 'Warehouse') === origin.kind && ref.origin?.name === origin.name;
}

/** A `warehouse("…")` value as an origin. */
function originOf(value: GoStruct): FreightOriginRef {
  return { kind: String(value.fields.Kind), name: String(value.fields.Name) };
}

function oneArgument(args: unknown[]): void {
  if (args.length !== 1) throw new Error(`expected 1 argument, got ${args.length}`);
}

function noArguments(args: unknown[]): void {
  if (args.length !== 0) throw new Error(`expected 0 arguments, got ${args.length}`);
}

function firstString(args: unknown[]): string {
  if (typeof args[0] !== 'string')
    throw new Error(`first argument must be string, got ${goTypeOf(args[0])}`);
  return args[0];
}

/** `(repoURL)` or `(repoURL, warehouse("…"))`, checked as Kargo checks them. */
function repoAndOrigin(args: unknown[]): { repo: string; origin: FreightOriginRef | undefined } {
  if (args.length === 0 || args.length > 2)
    throw new Error(`expected 1-2 arguments, got ${args.length}`);
  const repo = firstString(args);
  if (args.length === 1) return { repo, origin: undefined };
  if (!isFreightOrigin(args[1]))
    throw new Error(`second argument must be FreightOrigin, got ${goTypeOf(args[1])}`);
  return { repo, origin: originOf(args[1]) };
}

function freightName(args: unknown[]): string {
  oneArgument(args);
  const name = args[0];
  if (typeof name !== 'string')
    throw new Error(`first argument must be string, got ${goTypeOf(name)}`);
  if (name === '') throw new Error('freight ref name must not be empty');
  return name;
}

/** The name argument of configMap(), secret() and their shared forms. */
function resourceName(args: unknown[]): string {
  oneArgument(args);
  const name = args[0];
  if (typeof name !== 'string') throw new Error(`argument must be string, got ${goTypeOf(name)}`);
  return name;
}

/**
 * Stored JSON as Kargo's `json.Unmarshal` into `any` yields it: every number a float64 (a
 * whole one boxed, so it stays a float in expressions), a fresh copy of the rest.
 */
export function goJson(value: unknown): unknown {
  if (typeof value === 'number') return floatValue(value);
  if (Array.isArray(value)) return value.map(goJson);
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, goJson(v)]));
  return value;
}

/** A struct's JSON form: `omitempty` fields dropped when empty. */
function omitEmpty(json: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(json).filter(
      ([, v]) =>
        v !== undefined &&
        v !== null &&
        v !== '' &&
        !(isPlainObject(v) && Object.keys(v).length === 0),
    ),
  );
}

type ImageRef = NonNullable<FreightReference['images']>[number];
type CommitRef = NonNullable<FreightReference['commits']>[number];
type ChartRef = NonNullable<FreightReference['charts']>[number];
type ArtifactRef = NonNullable<FreightReference['artifacts']>[number];

/** Kargo's `*v1alpha1.Image`. */
function imageStruct(image: ImageRef): GoStruct {
  return new GoStruct(
    '*v1alpha1.Image',
    {
      RepoURL: image.repoURL ?? '',
      Tag: image.tag ?? '',
      Digest: image.digest ?? '',
      Annotations: stringMap({ ...image.annotations }),
      SubscriptionName: image.subscriptionName ?? '',
    },
    omitEmpty({
      repoURL: image.repoURL,
      tag: image.tag,
      digest: image.digest,
      annotations: image.annotations,
      subscriptionName: image.subscriptionName,
    }),
  );
}

/** Kargo's `*v1alpha1.GitCommit`. */
function commitStruct(commit: CommitRef): GoStruct {
  return new GoStruct(
    '*v1alpha1.GitCommit',
    {
      RepoURL: commit.repoURL ?? '',
      ID: commit.id ?? '',
      Branch: commit.branch ?? '',
      Tag: commit.tag ?? '',
      Message: commit.message ?? '',
      Author: commit.author ?? '',
      Committer: commit.committer ?? '',
      SubscriptionName: commit.subscriptionName ?? '',
    },
    omitEmpty({
      repoURL: commit.repoURL,
      id: commit.id,
      branch: commit.branch,
      tag: commit.tag,
      message: commit.message,
      author: commit.author,
      committer: commit.committer,
      subscriptionName: commit.subscriptionName,
    }),
  );
}

/** Kargo's `*v1alpha1.Chart`. */
export function chartStruct(chart: ChartRef): GoStruct {
  return new GoStruct(
    '*v1alpha1.Chart',
    {
      RepoURL: chart.repoURL ?? '',
      Name: chart.name ?? '',
      Version: chart.version ?? '',
      SubscriptionName: chart.subscriptionName ?? '',
    },
    omitEmpty({
      repoURL: chart.repoURL,
      name: chart.name,
      version: chart.version,
      subscriptionName: chart.subscriptionName,
    }),
  );
}

/**
 * Kargo's `expressionFriendlyArtifactReference`: a generic artifact with its metadata as a map
 * (an empty one when it has none). It has no json tags, so its JSON uses the Go names.
 */
export function artifactStruct(artifact: Partial<ArtifactRef>): GoStruct {
  const fields = {
    ArtifactType: artifact.artifactType ?? '',
    SubscriptionName: artifact.subscriptionName ?? '',
    Version: artifact.version ?? '',
    Metadata: goJson(artifact.metadata ?? {}),
  };
  return new GoStruct('function.expressionFriendlyArtifactReference', fields, {
    ...fields,
    Metadata: artifact.metadata ?? {},
  });
}
