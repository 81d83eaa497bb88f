import type { Context } from 'hono';
import type { Authorizer } from '../../auth/authorizer.js';
import { writeAuthorization } from '../../auth/write-authorization.js';
import { principalOf, type RouteGuard } from '../guarded-routes.js';
import { kindInfo } from '../../api/kinds.js';
import type { StoredResource } from '../../api/resource.js';
import { inputError, isGantryError, type FieldIssue } from '../../errors.js';
import type { ResourceService, WriteMode } from '../../resources/resource-service.js';
import { booleanQuery, readDocuments } from '../request-body.js';
import { addWarningHeaders } from '../warning-headers.js';
import { foreignKindWarning } from '../../api/compat/foreign-kinds.js';

/** What a batch request reports per document, in document order. */
export interface BatchResultItem {
  kind: string;
  group: string;
  name: string;
  namespace?: string | undefined;
  outcome: string;
  resourceVersion?: string | undefined;
}

/**
 * Multi-document writes, as `gantry apply -f` and `delete -f` use them:
 * `PUT /v1/resources` applies (create or update), `POST` creates, `DELETE` deletes. Every
 * document is validated before anything is written, and the whole request commits
 * atomically. `?project=P` fills a missing namespace; `?dryRun=true` checks without writing;
 * `?force=true` creates hand-made Freight without asking its registries (marked as forced).
 * What was accepted but looks wrong comes back as `warnings` and `Warning` headers.
 */
export function registerBatchRoutes(
  routes: RouteGuard,
  deps: { service: ResourceService; authorizer: Authorizer },
): void {
  const write = (mode: WriteMode) => async (c: Context) => {
    const documents = await readDocuments(c);
    const principal = principalOf(c);
    const results = await deps.service.apply({
      documents,
      mode,
      dryRun: booleanQuery(c, 'dryRun'),
      defaultProject: c.req.query('project') || undefined,
      actor: principal.actor,
      authorize: writeAuthorization(deps.authorizer, principal),
      freightSources: booleanQuery(c, 'force') ? 'force' : 'check',
    });
    const warnings = results.flatMap((r) => r.warnings ?? []);
    addWarningHeaders(c, warnings);
    return c.json({
      items: results.map((r) => summary(r.object, r.outcome)),
      ...(warnings.length > 0 ? { warnings } : {}),
    });
  };
  // Each document is checked against its own project by admission (per-object).
  routes.put('/v1/resources', { kind: 'per-object' }, write('apply'));
  routes.post('/v1/resources', { kind: 'per-object' }, write('create'));
  routes.delete('/v1/resources', { kind: 'per-object' }, async (c) => {
    const all = await readDocuments(c);
    // Kubernetes kinds a Kargo project carries that Gantry never stores (as apply ignores them):
    // left alone, never read as a Gantry kind of the same name (a Kubernetes Role is not one).
    const foreign = all.map((document) => foreignKindWarning(document));
    const positions = all.flatMap((_, i) => (foreign[i] === undefined ? [i] : []));
    const documents = positions.map((i) => all[i]);
    const project = c.req.query('project') || undefined;
    const ignoreNotFound = booleanQuery(c, 'ignoreNotFound');
    const issues: FieldIssue[] = [];
    const targets = documents.map((document, index) => {
      const raw = document as {
        kind?: unknown;
        metadata?: { name?: unknown; namespace?: unknown };
      } | null;
      const info = typeof raw?.kind === 'string' ? kindInfo(raw.kind) : undefined;
      const name = raw?.metadata?.name;
      const namespace =
        typeof raw?.metadata?.namespace === 'string' ? raw.metadata.namespace : project;
      if (!info)
        issues.push({
          document: positions[index]!,
          path: 'kind',
          message: `unknown kind ${JSON.stringify(raw?.kind)}`,
        });
      else if (typeof name !== 'string' || name === '')
        issues.push({ document: positions[index]!, path: 'metadata.name', message: 'required' });
      else if (info.namespaced && !namespace)
        issues.push({
          document: positions[index]!,
          path: 'metadata.namespace',
          message: 'required',
        });
      return {
        key: {
          kind: info?.kind ?? '',
          namespace: info?.namespaced ? (namespace ?? '') : '',
          name: String(name),
        },
        document: index,
      };
    });
    if (issues.length > 0) {
      throw inputError(
        `document ${issues[0]!.document! + 1}: ${issues[0]!.path}: ${issues[0]!.message}`,
        issues,
      );
    }
    const dryRun = booleanQuery(c, 'dryRun');
    const authorize = writeAuthorization(deps.authorizer, principalOf(c));
    // Asked before existence is looked at, so a refusal does not depend on what exists.
    for (const target of targets) {
      const info = kindInfo(target.key.kind)!;
      await authorize.require({
        verb: 'delete',
        resource: info.plural,
        project: info.namespaced ? target.key.namespace : undefined,
        name: target.key.name,
      });
    }
    const existing = ignoreNotFound
      ? await Promise.all(
          targets.map(
            async (t) => (await deps.service.get(t.key).catch(notFoundToUndefined)) !== undefined,
          ),
        )
      : targets.map(() => true);
    const deleted = await deps.service.delete(
      targets.filter((_, i) => existing[i]),
      { dryRun, authorize },
    );
    let next = 0;
    const warnings = foreign.filter((w): w is string => w !== undefined);
    addWarningHeaders(c, warnings);
    const results = targets.map((target, i) => {
      if (!existing[i]) {
        const info = kindInfo(target.key.kind)!;
        return {
          kind: info.kind,
          group: info.group,
          name: target.key.name,
          namespace: target.key.namespace || undefined,
          outcome: 'not found',
        };
      }
      return summary(deleted[next++]!, 'deleted');
    });
    let kept = 0;
    return c.json({
      items: all.map((document, i) =>
        foreign[i] === undefined ? results[kept++]! : ignoredItem(document),
      ),
      ...(warnings.length > 0 ? { warnings } : {}),
    });
  });
}

/** The answer's line for a foreign document: its kind and name, `ignored`. */
function ignoredItem(document: unknown): BatchResultItem {
  const raw = document as { apiVersion?: string; kind?: string; metadata?: { name?: unknown } };
  const apiVersion = raw.apiVersion ?? '';
  return {
    kind: raw.kind ?? '',
    // The Kubernetes group, so the line names it as kubectl would (role.rbac.authorization.k8s.io).
    group: apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '',
    name: typeof raw.metadata?.name === 'string' ? raw.metadata.name : '',
    outcome: 'ignored',
  };
}

function summary(object: StoredResource, outcome: string): BatchResultItem {
  const info = kindInfo(object.kind);
  return {
    kind: object.kind,
    group: info?.group ?? '',
    name: object.metadata.name,
    ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}),
    outcome,
    resourceVersion: object.metadata.resourceVersion,
  };
}

function notFoundToUndefined(err: unknown): undefined {
  if (isGantryError(err, 'NotFound')) return undefined;
  throw err;
}
