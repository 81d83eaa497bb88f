import type { Context } from 'hono';
import { parseManifestStream } from '../api/manifest-yaml.js';
import { contentOf, type ObjectKey, type StoredResource } from '../api/resource.js';
import type { Authorizer } from '../auth/authorizer.js';
import type { Verb } from '../auth/policy-rules.js';
import { writeAuthorization } from '../auth/write-authorization.js';
import {
  alreadyExistsError,
  conflictError,
  inputError,
  isGantryError,
  notFoundError,
} from '../errors.js';
import type { ResourceService, WriteMode } from '../resources/resource-service.js';
import { principalOf, type RouteAccess, type RouteGuard } from '../server/guarded-routes.js';
import { selectorQuery } from '../server/list-query.js';
import { readBodyText, readJsonBody } from '../server/request-body.js';
import { addWarningHeaders } from '../server/warning-headers.js';
import { validateFields } from './kube-field-validation.js';
import {
  accessOf,
  NAMED_GROUP,
  notFoundLike,
  qualifiedName,
  RESOURCE_PREFIXES,
  resourceOfPath,
  shown,
  type GroupVersionOf,
} from './kube-objects.js';
import {
  jsonEqual,
  jsonPatch,
  mergePatch,
  PATCH_MEDIA_TYPES,
  patchTypeOf,
  strategicAsMergePatch,
} from './kube-patch.js';
import { decodeKubeProtobuf, PROTOBUF_MEDIA_TYPE } from './kube-protobuf.js';
import type { KubeResource } from './kube-resources.js';
import { kubeWriteOptions, type KubeWriteOptions } from './kube-write-options.js';
import { managedFieldsAfterUpdate, serverSideApply } from './server-side-apply.js';

export interface KubeWriteDeps {
  service: ResourceService;
  now?: () => Date;
}

/** What the handlers use: the deps, with the Authorizer the RouteGuard asks. */
interface WriteDeps extends KubeWriteDeps {
  authorizer: Authorizer;
}

type KubeObject = Record<string, unknown> & { metadata?: Record<string, unknown> };

/**
 * The Kubernetes API's writes for Gantry's kinds (docs/kubernetes-api.md, "Writes"): create,
 * update, patch (JSON patch, merge patch, strategic merge as merge, server-side apply), delete
 * and deletecollection, and the status subresource, all through ResourceService (validation,
 * admission, audit, the caller's WriteAuthorization), answered as kube-apiserver answers.
 */
export function registerKubeWrites(routes: RouteGuard, options: KubeWriteDeps): void {
  const deps: WriteDeps = { ...options, authorizer: routes.authorizer };
  const now = deps.now ?? (() => new Date());
  for (const [prefix, groupOf] of RESOURCE_PREFIXES) {
    const scopes: Array<[collection: string, scoped: boolean]> = [
      [`${prefix}/namespaces/:namespace/:plural`, true],
      [`${prefix}/:plural`, false],
    ];
    for (const [collection, scoped] of scopes) {
      // The resource of the path; authorization is asked first, then whether the resource is
      // served at this scope (a namespaced kind is created in a namespace).
      const at = (c: Context): Target => targetOf(c, groupOf, scoped);
      const check = (verb: Verb, subresource = ''): RouteAccess => ({
        kind: 'check',
        requests: (c) => {
          const request = accessOf(c, resourceOfPath(c, groupOf), verb, scoped);
          return [{ ...request, resource: `${request.resource}${subresource}` }];
        },
      });
      const item = `${collection}/:name`;
      routes.post(collection, check('create'), (c) => create(c, deps, at(c), now()));
      routes.delete(collection, check('delete'), (c) => deleteCollection(c, deps, at(c)));
      routes.put(item, check('update'), (c) => update(c, deps, at(c), now()));
      routes.patch(item, check('patch'), (c) => patch(c, deps, at(c), now()));
      routes.delete(item, check('delete'), (c) => deleteOne(c, deps, at(c)));
      // Only Kargo's kinds have a status subresource (Secrets, ConfigMaps and namespaces here
      // have none).
      if (groupOf !== NAMED_GROUP) continue;
      routes.get(`${item}/status`, check('get'), async (c) => {
        const target = statusTarget(at(c));
        return c.json(shown(target.resource, await live(deps, target)));
      });
      routes.put(`${item}/status`, check('update', '/status'), (c) =>
        writeStatus(c, deps, statusTarget(at(c)), 'update'),
      );
      routes.patch(`${item}/status`, check('patch', '/status'), (c) =>
        writeStatus(c, deps, statusTarget(at(c)), 'patch'),
      );
    }
  }
}

/** What a write's path names. */
interface Target {
  resource: KubeResource;
  /** The path's namespace (undefined for cluster-scoped resources). */
  namespace: string | undefined;
  /** The path's name (undefined for collections). */
  name: string | undefined;
}

function targetOf(c: Context, groupOf: GroupVersionOf, scoped: boolean): Target {
  const resource = resourceOfPath(c, groupOf);
  if (resource.namespaced !== scoped)
    throw notFoundError('the server could not find the requested resource');
  return {
    resource,
    namespace: scoped ? c.req.param('namespace') : undefined,
    name: c.req.param('name'),
  };
}

function statusTarget(target: Target): Target {
  if (!target.resource.status)
    throw notFoundError('the server could not find the requested resource');
  return target;
}

function keyOf(target: Target, name = target.name ?? ''): ObjectKey {
  return { kind: target.resource.gantry.kind, namespace: target.namespace ?? '', name };
}

async function live(deps: WriteDeps, target: Target): Promise<StoredResource> {
  return deps.service.get(keyOf(target)).catch((err: unknown) => {
    throw notFoundLike(err, target.resource, target.name);
  });
}

async function create(c: Context, deps: WriteDeps, target: Target, now: Date) {
  const { resource } = target;
  const options = kubeWriteOptions(c, kindLabel(resource));
  const body = await readObject(c);
  const metadata = checkedMetadata(body, target, false);
  if (!metadata.name && typeof metadata.generateName === 'string' && metadata.generateName)
    metadata.name = `${metadata.generateName}${randomSuffix()}`;
  const object: KubeObject = { ...body, metadata };
  return write(c, deps, target, options, { object, live: undefined, mode: 'create', now });
}

async function update(c: Context, deps: WriteDeps, target: Target, now: Date) {
  const { resource } = target;
  const options = kubeWriteOptions(c, kindLabel(resource));
  const body = await readObject(c);
  const metadata = checkedMetadata(body, target, true);
  const before = await live(deps, target);
  const version = metadata.resourceVersion;
  // Custom resources may not be updated unconditionally (kube-apiserver's CRD strategy:
  // AllowUnconditionalUpdate is false); core kinds may.
  if (resource.group !== '' && (typeof version !== 'string' || version === ''))
    throw inputError(
      `${kindLabel(resource)} "${target.name}" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update`,
      [{ path: 'metadata.resourceVersion', message: 'must be specified for an update' }],
    );
  checkVersion(version, before, target);
  return write(c, deps, target, options, {
    object: { ...body, metadata },
    live: before,
    mode: 'update',
    now,
  });
}

async function patch(c: Context, deps: WriteDeps, target: Target, now: Date) {
  const { resource } = target;
  const type = patchTypeOf(c.req.header('content-type'));
  if (!type) return unsupportedMediaType(c);
  const options = kubeWriteOptions(c, kindLabel(resource));
  if (type !== 'apply' && options.force !== undefined)
    throw inputError(
      `PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch`,
      [{ path: 'force', message: 'may not be specified for non-apply patch' }],
    );
  if (type === 'apply') return apply(c, deps, target, options, now);
  const body = await readJsonBody(c);
  const before = await live(deps, target);
  if (type === 'json' && resource.gantry.redacted) refuseValueReads(body);
  const object = patchedObject(type, kubeViewOf(resource, before), body);
  const metadata = checkedMetadata(object, target, true);
  // A patch that sets metadata.resourceVersion makes it a precondition (kubectl edit does).
  checkVersion(metadata.resourceVersion, before, target);
  return write(c, deps, target, options, {
    object: { ...object, metadata },
    live: before,
    mode: 'update',
    now,
  });
}

/** Server-side apply (`application/apply-patch+yaml`): server-side-apply.ts computes the object. */
async function apply(
  c: Context,
  deps: WriteDeps,
  target: Target,
  options: KubeWriteOptions,
  now: Date,
) {
  const { resource } = target;
  if (!options.managerGiven)
    throw inputError(
      `PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch`,
      [{ path: 'fieldManager', message: 'is required for apply patch' }],
    );
  const applied = await readApplyBody(c);
  const metadata = checkedMetadata(applied, target, true);
  const before = await deps.service.get(keyOf(target)).catch((err: unknown) => {
    if (isGantryError(err, 'NotFound')) return undefined;
    throw err;
  });
  const base = before && kubeViewOf(resource, before);
  const result = serverSideApply(
    base,
    { ...applied, metadata: { ...metadata, name: target.name } },
    { resource, manager: options.manager, force: options.force ?? false, now },
  ) as KubeObject;
  const version = before?.metadata.resourceVersion;
  return write(c, deps, target, options, {
    object: { ...result, metadata: { ...result.metadata, resourceVersion: version } },
    live: before,
    mode: before ? 'update' : 'create',
    now,
    managedFieldsDone: true,
  });
}

/**
 * The write shared by create, update and patch: field validation, field ownership, the kube
 * object made a Gantry document, then ResourceService (authorization, validation, admission,
 * audit) and the answer as kube-apiserver gives it.
 */
async function write(
  c: Context,
  deps: WriteDeps,
  target: Target,
  options: KubeWriteOptions,
  request: {
    object: KubeObject;
    live: StoredResource | undefined;
    mode: WriteMode;
    now: Date;
    /** Server-side apply computed metadata.managedFields itself. */
    managedFieldsDone?: boolean;
  },
) {
  const { resource } = target;
  let object: KubeObject = {
    ...request.object,
    apiVersion: apiVersionOf(resource),
    kind: resource.kind,
    metadata: {
      ...request.object.metadata,
      ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
    },
  };
  // The status subresource owns status: the main resource's writes ignore it.
  if (resource.status) delete object.status;
  let warnings: string[] = [];
  if (resource.kind !== 'Namespace') {
    const validated = validateFields(object, options.fieldValidation);
    object = validated.object;
    warnings = validated.warnings;
  }
  if (!request.managedFieldsDone) {
    const before = request.live && kubeViewOf(resource, request.live);
    object.metadata = {
      ...object.metadata,
      managedFields:
        before && sameObject(before, object)
          ? (before.metadata?.managedFields ?? [])
          : managedFieldsAfterUpdate(before, object, options.manager, request.now),
    };
  }
  const document = documentOf(resource, object, request.live);
  const principal = principalOf(c);
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : target.name;
  const [result] = await deps.service
    .apply({
      documents: [document],
      mode: request.mode,
      dryRun: options.dryRun,
      honorResourceVersion: true,
      managedFields: true,
      actor: principal.actor,
      authorize: writeAuthorization(deps.authorizer, principal),
      freightSources: 'check',
    })
    .catch((err: unknown) => {
      throw kubeWriteError(err, target, name);
    });
  addWarningHeaders(c, [...warnings, ...(result!.warnings ?? [])]);
  return c.json(
    shown(resource, result!.object),
    result!.outcome === 'created' || request.mode === 'create' ? 201 : 200,
  );
}

async function deleteOne(c: Context, deps: WriteDeps, target: Target) {
  const { resource } = target;
  const options = await deleteOptions(c, resource);
  const before = await live(deps, target);
  const { uid, resourceVersion } = options.preconditions;
  if (uid !== undefined && uid !== before.metadata.uid)
    throw preconditionFailed(target, 'UID', uid, before.metadata.uid);
  if (resourceVersion !== undefined && resourceVersion !== before.metadata.resourceVersion)
    throw preconditionFailed(
      target,
      'ResourceVersion',
      resourceVersion,
      before.metadata.resourceVersion,
    );
  const [deleted] = await deps.service
    .delete([{ key: keyOf(target), resourceVersion: resourceVersion ?? undefined }], {
      dryRun: options.dryRun,
      authorize: writeAuthorization(deps.authorizer, principalOf(c)),
    })
    .catch((err: unknown) => {
      throw kubeWriteError(err, target, target.name);
    });
  const answer = shown(resource, deleted ?? before);
  // A namespace's deletion is under way when answered (kube-apiserver: phase Terminating).
  if (resource.kind === 'Namespace') answer.status = { phase: 'Terminating' };
  return c.json(answer, 200);
}

/**
 * DELETE on a collection: every object the label and field selectors match, each deleted as
 * ResourceService.delete allows (Freight in use stays, and the whole request fails). Not for
 * namespaces, as kube-apiserver does not offer it for them either.
 */
async function deleteCollection(c: Context, deps: WriteDeps, target: Target) {
  const { resource } = target;
  if (resource.kind === 'Namespace' || resource.kind === 'Project')
    return c.json(
      {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'the server does not allow this method on the requested resource',
        reason: 'MethodNotAllowed',
        details: {},
        code: 405,
      },
      405,
    );
  const options = await deleteOptions(c, resource);
  const matches = fieldSelectorOf(c.req.query('fieldSelector'));
  const page = await deps.service.list(resource.gantry.kind, {
    namespace: target.namespace,
    labelSelector: selectorQuery(c),
  });
  const chosen = page.items.filter(matches);
  const deleted =
    chosen.length === 0
      ? []
      : await deps.service.delete(
          chosen.map((object) => ({ key: keyOf(target, object.metadata.name) })),
          {
            dryRun: options.dryRun,
            authorize: writeAuthorization(deps.authorizer, principalOf(c)),
          },
        );
  return c.json({
    kind: `${resource.kind}List`,
    apiVersion: apiVersionOf(resource),
    metadata: { resourceVersion: page.resourceVersion },
    items: deleted.map((object) => shown(resource, object)),
  });
}

/** PUT and PATCH of `/status`: only the status changes (validated by the kind's status schema). */
async function writeStatus(c: Context, deps: WriteDeps, target: Target, verb: 'update' | 'patch') {
  const { resource } = target;
  const options = kubeWriteOptions(c, kindLabel(resource));
  const before = await live(deps, target);
  let object: KubeObject;
  if (verb === 'update') {
    object = await readObject(c);
    checkedMetadata(object, target, true);
  } else {
    const type = patchTypeOf(c.req.header('content-type'));
    if (!type) return unsupportedMediaType(c);
    if (type === 'apply')
      throw inputError('server-side apply of the status subresource is not served');
    object = patchedObject(type, kubeViewOf(resource, before), await readJsonBody(c));
  }
  checkVersion(object.metadata?.resourceVersion, before, target);
  if (options.dryRun) return c.json(shown(resource, { ...before, status: object.status }));
  const updated = await deps.service
    .updateStatus(keyOf(target), object.status ?? {}, before.metadata.resourceVersion)
    .catch((err: unknown) => {
      throw kubeWriteError(err, target, target.name);
    });
  return c.json(shown(resource, updated));
}

/** The object as the Kubernetes API shows it, unredacted (what a patch applies to). */
function kubeViewOf(resource: KubeResource, object: StoredResource): KubeObject {
  return resource.kind === 'Namespace' ? shown(resource, object) : object;
}

/** The Gantry document a Kubernetes object is: a namespace is its Project. */
function documentOf(
  resource: KubeResource,
  object: KubeObject,
  before: StoredResource | undefined,
): Record<string, unknown> {
  if (resource.kind !== 'Namespace') return object;
  const metadata = object.metadata ?? {};
  const kept: Record<string, unknown> = {};
  for (const field of ['name', 'labels', 'annotations', 'resourceVersion', 'managedFields'])
    if (metadata[field] !== undefined) kept[field] = metadata[field];
  return {
    ...(before ? contentOf(before) : {}),
    apiVersion: resource.gantry.apiVersion,
    kind: resource.gantry.kind,
    metadata: kept,
  };
}

/** Whether a write changes nothing the store keeps (then field ownership stays as it was). */
function sameObject(before: KubeObject, after: KubeObject): boolean {
  const meta = (object: KubeObject) => ({
    labels: object.metadata?.labels ?? {},
    annotations: object.metadata?.annotations ?? {},
  });
  const content = (object: KubeObject) => contentOf(object as unknown as StoredResource);
  return jsonEqual(meta(before), meta(after)) && jsonEqual(content(before), content(after));
}

/** A request body with one object: JSON, or YAML with a YAML content type. */
async function readObject(c: Context): Promise<KubeObject> {
  const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const value =
    mediaType === PROTOBUF_MEDIA_TYPE
      ? decodeKubeProtobuf(new Uint8Array(await c.req.arrayBuffer()))
      : /yaml$/.test(mediaType)
        ? await readYaml(c)
        : await readJsonBody(c);
  if (!isObject(value))
    throw inputError('the request body must be one object (with apiVersion, kind and metadata)');
  return value;
}

/** Server-side apply's body: YAML (JSON is YAML too), one object. */
async function readApplyBody(c: Context): Promise<KubeObject> {
  const value = await readYaml(c);
  if (!isObject(value))
    throw inputError('the apply patch must be one object (with apiVersion, kind and metadata)');
  return value;
}

async function readYaml(c: Context): Promise<unknown> {
  const text = await readBodyText(c);
  const parsed = parseManifestStream(text);
  if (!parsed.ok) {
    const first = parsed.problems[0]!;
    throw inputError(
      `the request body is not valid YAML: line ${first.line}, column ${first.column}: ${first.message}`,
    );
  }
  if (parsed.documents.length !== 1)
    throw inputError(
      `the request body must hold one object, not ${parsed.documents.length} documents`,
    );
  return parsed.documents[0]!.value;
}

/** The object after a JSON, merge or strategic merge patch. */
function patchedObject(type: 'json' | 'merge' | 'strategic', base: KubeObject, body: unknown) {
  const patched =
    type === 'json'
      ? jsonPatch(base, body)
      : type === 'merge'
        ? mergePatch(base, checkedMergePatch(body))
        : strategicAsMergePatch(base, checkedMergePatch(body));
  if (!isObject(patched)) throw inputError('the patched object is not a JSON object');
  return patched as KubeObject;
}

/**
 * A JSON patch of a Secret may write its values but not read them: `copy` and `move` from, or
 * `test` of, `data` and `stringData` would tell or carry a value the API never shows.
 */
function refuseValueReads(operations: unknown): void {
  if (!Array.isArray(operations)) return;
  for (const operation of operations) {
    if (!isObject(operation)) continue;
    const read = operation.op === 'test' ? operation.path : operation.from;
    if (typeof read === 'string' && /^\/(data|stringData)(\/|$)/.test(read))
      throw inputError(
        `a JSON patch may not ${String(operation.op)} a Secret's values (${read}): they are never shown`,
      );
  }
}

function checkedMergePatch(body: unknown): unknown {
  if (!isObject(body)) throw inputError('a merge patch must be a JSON object');
  return body;
}

/**
 * A body's metadata, checked against the path: apiVersion and kind, the namespace (filled in
 * from the path) and, for an existing object, the name.
 */
function checkedMetadata(
  object: KubeObject,
  target: Target,
  named: boolean,
): Record<string, unknown> {
  checkTypeMeta(object, target.resource);
  const metadata = { ...object.metadata };
  checkNamespace(metadata, target);
  if (named) checkName(metadata, target);
  return metadata;
}

/** A resourceVersion the request names must be the live object's. */
function checkVersion(version: unknown, before: StoredResource, target: Target): void {
  if (typeof version === 'string' && version !== '' && version !== before.metadata.resourceVersion)
    throw modifiedConflict(target);
}

/** The body's apiVersion and kind must be the path's (either may be left out). */
function checkTypeMeta(object: KubeObject, resource: KubeResource): void {
  const expected = apiVersionOf(resource);
  const { apiVersion, kind, metadata } = object;
  if (apiVersion !== undefined && apiVersion !== expected)
    throw inputError(
      `the API version in the data (${text(apiVersion)}) does not match the expected API version (${expected})`,
      [{ path: 'apiVersion', message: `must be ${expected}` }],
    );
  if (kind !== undefined && kind !== resource.kind)
    throw inputError(
      `${text(kind)}${resource.group ? `.${resource.group}` : ''} "${text((metadata as { name?: unknown } | undefined)?.name ?? '')}" is invalid: kind: Invalid value: "${text(kind)}": must be ${resource.kind}`,
      [{ path: 'kind', message: `must be ${resource.kind}` }],
    );
  if (metadata !== undefined && !isObject(metadata))
    throw inputError('metadata must be an object', [
      { path: 'metadata', message: 'must be an object' },
    ]);
}

/** The path's namespace wins; a body naming another one is refused (kube-apiserver). */
function checkNamespace(metadata: Record<string, unknown>, target: Target): void {
  if (target.namespace === undefined) return;
  const given = metadata.namespace;
  if (given !== undefined && given !== '' && given !== target.namespace)
    throw inputError(
      'the namespace of the provided object does not match the namespace sent on the request',
      [{ path: 'metadata.namespace', message: `must be "${target.namespace}"` }],
    );
  metadata.namespace = target.namespace;
}

function checkName(metadata: Record<string, unknown>, target: Target): void {
  const given = metadata.name;
  if (given !== undefined && given !== target.name)
    throw inputError(
      `the name of the object (${text(given)}) does not match the name on the URL (${target.name ?? ''})`,
      [{ path: 'metadata.name', message: `must be "${target.name ?? ''}"` }],
    );
  metadata.name = target.name;
}

interface DeleteOptions {
  dryRun: boolean;
  preconditions: { uid?: string | undefined; resourceVersion?: string | undefined };
}

/** DeleteOptions from the query and the (optional) body kubectl sends. */
async function deleteOptions(c: Context, resource: KubeResource): Promise<DeleteOptions> {
  const query = kubeWriteOptions(c, kindLabel(resource));
  const text = (await readBodyText(c)).trim();
  let body: Record<string, unknown> = {};
  if (text !== '') {
    const parsed = (() => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        throw inputError('the DeleteOptions in the request body are not valid JSON');
      }
    })();
    if (!isObject(parsed)) throw inputError('the request body must be a DeleteOptions object');
    body = parsed;
  }
  const dryRun = body.dryRun;
  if (dryRun !== undefined && (!Array.isArray(dryRun) || dryRun.some((v) => v !== 'All')))
    throw inputError('dryRun: Unsupported value: supported values: "All"');
  const preconditions = isObject(body.preconditions) ? body.preconditions : {};
  const text2 = (value: unknown) => (typeof value === 'string' ? value : undefined);
  return {
    dryRun: query.dryRun || (Array.isArray(dryRun) && dryRun.length > 0),
    preconditions: {
      uid: text2(preconditions.uid),
      resourceVersion: text2(preconditions.resourceVersion),
    },
  };
}

/**
 * A field selector on `metadata.name` and `metadata.namespace` (`=`, `==`, `!=`, comma-joined),
 * the fields every kind supports in kube-apiserver.
 */
export function fieldSelectorOf(selector: string | undefined): (object: StoredResource) => boolean {
  if (!selector) return () => true;
  const terms = selector.split(',').map((term) => {
    const match = /^\s*([^!=\s]+)\s*(==|=|!=)\s*([^,]*?)\s*$/.exec(term);
    if (!match) throw inputError(`invalid field selector: "${term}"`);
    const [, field, operator, value] = match as unknown as [string, string, string, string];
    if (field !== 'metadata.name' && field !== 'metadata.namespace')
      throw inputError(`field label not supported: ${field}`, [
        { path: 'fieldSelector', message: 'metadata.name or metadata.namespace' },
      ]);
    return { field, equal: operator !== '!=', value };
  });
  return (object) =>
    terms.every(({ field, equal, value }) => {
      const actual =
        field === 'metadata.name' ? object.metadata.name : (object.metadata.namespace ?? '');
      return (actual === value) === equal;
    });
}

/** Errors of ResourceService as kube-apiserver words them for this object. */
function kubeWriteError(err: unknown, target: Target, name: string | undefined): unknown {
  const { resource } = target;
  if (isGantryError(err, 'NotFound') && /^project "/.test(err.message))
    return notFoundError(`namespaces "${target.namespace ?? ''}" not found`);
  if (isGantryError(err, 'NotFound')) return notFoundLike(err, resource, name);
  if (isGantryError(err, 'AlreadyExists'))
    return alreadyExistsError(`${qualifiedName(resource)} "${name ?? ''}" already exists`);
  if (
    isGantryError(err, 'Conflict') &&
    /was modified \(resourceVersion|expected resourceVersion/.test(err.message)
  )
    return modifiedConflict({ ...target, name });
  if (isGantryError(err, 'Invalid') && err.issues.length > 0) {
    const described = err.issues.map((issue) =>
      issue.path ? `${issue.path}: ${issue.message}` : issue.message,
    );
    const text = described.length === 1 ? described[0]! : `[${described.join(', ')}]`;
    return inputError(
      `${kindLabel(resource)} "${name ?? ''}" is invalid: ${text}`,
      err.issues.map(({ path, message }) => ({ path, message })),
    );
  }
  return err;
}

function modifiedConflict(target: Target) {
  return conflictError(
    `Operation cannot be fulfilled on ${qualifiedName(target.resource)} "${target.name ?? ''}": the object has been modified; please apply your changes to the latest version and try again`,
  );
}

function preconditionFailed(target: Target, field: string, expected: string, actual: string) {
  return conflictError(
    `Operation cannot be fulfilled on ${qualifiedName(target.resource)} "${target.name ?? ''}": Precondition failed: ${field} in precondition: ${expected}, ${field} in object meta: ${actual}`,
  );
}

function unsupportedMediaType(c: Context) {
  const given = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
  return c.json(
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `the body of the request was in an unknown format - accepted media types include: ${PATCH_MEDIA_TYPES.join(', ')}${given ? ` (not ${given})` : ''}`,
      reason: 'UnsupportedMediaType',
      details: {},
      code: 415,
    },
    415,
  );
}

/** `Stage.kargo.akuity.io`, `Secret`: how kube-apiserver names a kind in "is invalid" messages. */
function kindLabel(resource: KubeResource): string {
  return resource.group ? `${resource.kind}.${resource.group}` : resource.kind;
}

function apiVersionOf(resource: KubeResource): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** kube-apiserver's generateName suffix: five characters without vowels or look-alikes. */
function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from(
    { length: 5 },
    () => alphabet[Math.floor(Math.random() * alphabet.length)],
  ).join('');
}

/** A body's value in a message: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
