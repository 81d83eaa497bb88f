import { validateManifest } from '../../api/validate-manifest.js';
import { foreignKindWarning } from '../../api/compat/foreign-kinds.js';
import { kindName } from '../../api/kind-names.js';
import { describeIssue } from '../document-issues.js';
import { inputError, isGantryError } from '../../errors.js';
import type { BatchItem } from '../client.js';
import { qualifiedName, type CliContext } from '../context.js';
import { readManifestFiles } from '../manifest-files.js';
import { usageError } from '../usage-error.js';

export interface ApplyOptions {
  filename?: string[];
  recursive?: boolean;
  project?: string;
  dryRun?: boolean;
  /** Create hand-made Freight without checking its registries (the server marks it). */
  force?: boolean;
}

/**
 * `gantry apply -f FILE|DIR|-`: validates every document locally, then sends them all in one
 * request that the server applies atomically. Any invalid document stops everything, with
 * one line per problem: `pipeline.yaml: document 2 (Warehouse "api"): spec.…: required`.
 */
export async function applyCommand(
  ctx: CliContext,
  options: ApplyOptions,
  mode: 'apply' | 'create' = 'apply',
): Promise<void> {
  if (!options.filename || options.filename.length === 0)
    throw usageError('-f FILE is required (a file, a directory, or - for standard input)');
  // As kubectl prints the API's warnings: one `Warning: …` line each on standard error.
  const documents = readManifestFiles(options.filename, {
    recursive: options.recursive,
    warn: (message) => ctx.err(`Warning: ${message}`),
  });
  if (documents.length === 0)
    throw inputError(`no objects found in ${options.filename.join(', ')}`);
  const project = options.project ?? (ctx.env.GANTRY_PROJECT || undefined);

  const problems: string[] = [];
  documents.forEach((doc) => {
    // As kubectl: a project given on the command line must not contradict a document's own.
    // Kubernetes kinds Gantry does not use: the server sets them aside with a warning.
    if (foreignKindWarning(doc.value) !== undefined) return;
    const raw = doc.value as { kind?: unknown; metadata?: { namespace?: unknown } } | null;
    const own = raw?.metadata?.namespace;
    // A cluster-scoped kind's namespace is cleared by the server (as Kubernetes does).
    const namespaced = typeof raw?.kind !== 'string' || kindName(raw.kind)?.namespaced !== false;
    if (
      options.project !== undefined &&
      namespaced &&
      typeof own === 'string' &&
      own !== options.project
    ) {
      problems.push(
        describeIssue(doc, {
          path: 'metadata.namespace',
          message: `"${own}" does not match --project "${options.project}"; pass --project ${own}, or leave --project out`,
        }),
      );
      return;
    }
    const value = withDefaultProject(doc.value, project);
    const result = validateManifest(value);
    if (!result.ok) for (const issue of result.issues) problems.push(describeIssue(doc, issue));
  });
  if (problems.length > 0) throw inputError(problems.join('\n'));

  const query = new URLSearchParams();
  if (project) query.set('project', project);
  if (options.dryRun) query.set('dryRun', 'true');
  if (options.force) query.set('force', 'true');
  let response: { items: BatchItem[] };
  try {
    response = await ctx.client.request<{ items: BatchItem[] }>(
      mode === 'apply' ? 'PUT' : 'POST',
      `/v1/resources${query.size > 0 ? `?${query.toString()}` : ''}`,
      { items: documents.map((doc) => doc.value) },
    );
  } catch (err) {
    if (isGantryError(err) && err.issues.some((issue) => issue.document !== undefined)) {
      throw inputError(
        err.issues.map((issue) => describeIssue(documents[issue.document ?? 0]!, issue)).join('\n'),
      );
    }
    throw err;
  }
  const suffix = options.dryRun ? ' (dry run)' : '';
  // Warnings (response.warnings) came as Warning headers too: the client printed them.
  for (const item of response.items)
    ctx.out(`${qualifiedName(item.kind, item.group, item.name)} ${item.outcome}${suffix}`);
}

function withDefaultProject(value: unknown, project: string | undefined): unknown {
  if (!project || typeof value !== 'object' || value === null) return value;
  const raw = value as { metadata?: Record<string, unknown> };
  if (
    typeof raw.metadata !== 'object' ||
    raw.metadata === null ||
    raw.metadata.namespace !== undefined
  )
    return value;
  // Only namespaced kinds may get a namespace; the validator reports the rest.
  const kind = (value as { kind?: unknown }).kind;
  const clusterScoped = ['Project', 'ClusterPromotionTask', 'ClusterAnalysisTemplate'];
  if (typeof kind === 'string' && clusterScoped.includes(kind)) return value;
  return { ...raw, metadata: { ...raw.metadata, namespace: project } };
}
