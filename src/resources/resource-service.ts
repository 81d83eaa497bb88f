import type { Freight } from '../api/freight.js';
import { randomFreightAlias } from '../api/freight-alias.js';
import { createYielder, yieldToEventLoop, type Yielder } from '../event-loop.js';
import { ALIAS_LABEL, FORCED_BY_ANNOTATION, SHARD_LABEL } from '../api/labels.js';
import { kindInfo, kindOrder, type KindInfo } from '../api/kinds.js';
import {
  describeKey,
  type ObjectKey,
  type Resource,
  type StoredResource,
} from '../api/resource.js';
import { describeDocument, validateManifest } from '../api/validate-manifest.js';
import { foreignKindWarning } from '../api/compat/foreign-kinds.js';
import type { StageSpec } from '../api/stage.js';
import { stageReferenceProblems } from '../api/stage-references.js';
import type { WarehouseSpec } from '../api/warehouse.js';
import { fieldIssuesFromZod } from '../api/zod-issues.js';
import { createUlidGenerator } from '../ids/ulid.js';
import { inputError, notAllowedError, notFoundError, type FieldIssue } from '../errors.js';
import type {
  ListJsonResult,
  Lease,
  ListOptions,
  ListResult,
  Store,
  WriteCheck,
  WriteOp,
  WriteOutcome,
} from '../store/store.js';
import {
  admitNewPromotion,
  promotionSpecImmutable,
  type PromotionLookups,
} from './promotion-admission.js';
import type { PromotionTaskSpec } from '../api/promotion-task.js';
import type { Claim, Role } from '../api/role.js';
import { KARGO_RBAC_API_VERSION } from '../api/api-versions.js';
import { kindName } from '../api/kind-names.js';
import { SHARED_RESOURCES_PROJECT } from '../api/shared-resources.js';
import type { AuditEntry, AuditLog } from '../audit/audit-log.js';
import { PROJECT_ROLES } from '../auth/builtin-roles.js';
import type { WriteAuthorization } from '../auth/write-authorization.js';
import {
  admittedFreightName,
  defaultFreight,
  freightImmutable,
  freightMatchesWarehouse,
} from './freight-admission.js';
import {
  checkFreightSources,
  type FreightSourceLookups,
  type FreightSourceMode,
} from './freight-sources.js';

export type WriteMode = 'apply' | 'create' | 'update';

export interface ApplyRequest {
  documents: unknown[];
  mode: WriteMode;
  dryRun?: boolean | undefined;
  /**
   * Treat `metadata.resourceVersion` as an optimistic-lock precondition. Off for bulk apply,
   * where manifests exported from elsewhere carry versions that mean nothing here.
   */
  honorResourceVersion?: boolean | undefined;
  /** Fills `metadata.namespace` of namespaced documents that have none. */
  defaultProject?: string | undefined;
  /** Who asks, recorded on new Promotions (kargo.akuity.io/create-actor) and in the audit trail. */
  actor?: string | undefined;
  /**
   * The caller's authorization: each document is checked against its own project before
   * anything is admitted. Absent only for the server's own writes.
   */
  authorize?: WriteAuthorization | undefined;
  /**
   * Hand-made Freight (the API and the CLI): `check` checks new Freight against its sources
   * (the registry has the tag; digests filled in), `force` skips the lookups and marks it.
   * Absent for the server's own Freight, which comes from discovery.
   */
  freightSources?: FreightSourceMode | undefined;
  /** A controller's write under a lease (Store WriteOptions.fence). Absent for users' writes. */
  fence?: Lease | undefined;
  /**
   * Store `metadata.managedFields` as given (the Kubernetes API's writes, which compute field
   * ownership). Off elsewhere: an export's managedFields are ignored and the stored ones kept.
   */
  managedFields?: boolean | undefined;
}

export interface AppliedObject {
  /** `ignored`: a Kubernetes kind Gantry does not use (compat/foreign-kinds.ts), not stored. */
  outcome: WriteOutcome | 'ignored';
  object: StoredResource;
  /**
   * What was accepted but looks wrong, as Kubernetes admission warnings: a Stage requesting
   * Freight from a Warehouse or Stage that does not exist (`stage "dev" requests Freight from …`).
   */
  warnings?: string[] | undefined;
}

export interface ResourceServiceOptions {
  store: Store;
  now?: () => Date;
  random?: () => number;
  /** Makes the ULIDs in Promotion names (injected for deterministic tests). */
  ulid?: () => string;
  /** Where every change is recorded with who made it. */
  audit?: AuditLog | undefined;
  /** The registry lookups that check hand-made Freight (absent: structural checks only). */
  freightLookups?: FreightSourceLookups | undefined;
}

/**
 * The one way users' writes reach the store: validation against the kind's schema, Kargo's
 * defaults and admission rules (the project exists, Freight names and aliases, immutability),
 * then the store write: one atomic write for a request of up to `APPLY_CHUNK` documents, chunks
 * that each commit for a larger one. Nothing is written unless every document is valid and
 * admitted. Errors name the document and the field. Long requests yield to the event loop
 * now and then (`createYielder`), so other requests are served meanwhile.
 */
export class ResourceService {
  readonly #store: Store;
  readonly #now: () => Date;
  readonly #random: () => number;
  readonly #ulid: () => string;
  readonly #audit: AuditLog | undefined;
  readonly #freightLookups: FreightSourceLookups | undefined;

  constructor(options: ResourceServiceOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#freightLookups = options.freightLookups;
    this.#now = options.now ?? (() => new Date());
    this.#random = options.random ?? Math.random;
    this.#ulid = options.ulid ?? createUlidGenerator();
  }

  /**
   * Documents of Kubernetes kinds Gantry does not use (a project's Namespace, ServiceAccounts,
   * Kubernetes RBAC) are set aside with a warning and not stored; the rest is applied, and the
   * answer keeps the documents' order.
   */
  async apply(request: ApplyRequest): Promise<AppliedObject[]> {
    const foreign = request.documents.map((document) => foreignKindWarning(document));
    if (foreign.every((warning) => warning === undefined)) return this.#applyKargo(request);
    const kept = foreign.flatMap((warning, index) => (warning === undefined ? [index] : []));
    let applied: AppliedObject[] = [];
    if (kept.length > 0) {
      try {
        applied = await this.#applyKargo({
          ...request,
          documents: kept.map((index) => request.documents[index]),
        });
      } catch (err) {
        if (!isInputIssues(err)) throw err;
        throw invalidDocuments(
          err.issues.map((issue) =>
            issue.document === undefined ? issue : { ...issue, document: kept[issue.document] },
          ),
        );
      }
    }
    const results = request.documents.map((document, index): AppliedObject => {
      const warning = foreign[index];
      if (warning === undefined) return applied[kept.indexOf(index)]!;
      return { outcome: 'ignored', object: foreignObject(document), warnings: [warning] };
    });
    return results;
  }

  async #applyKargo(request: ApplyRequest): Promise<AppliedObject[]> {
    // Authorization comes first: a caller without the right learns nothing from validation.
    let created = new Set<string>();
    if (request.authorize) {
      created = await this.#authorizeAll(request, request.authorize);
      request = withCreatorRoles(request, created, request.authorize.creator);
    }
    const tick = createYielder();
    const validated = await this.#validateAll(request, tick);
    if (request.authorize) await this.#authorizeGrants(validated, request.authorize, created);
    const batch = new Map<string, Resource>();
    for (const { object } of validated) batch.set(mapKey(object), object);
    // Aliases given or generated in this request: two new Freight must not get the same one.
    const batchAliases = new Set<string>();
    for (const { object } of validated)
      if (object.kind === 'Freight' && typeof object.alias === 'string' && object.alias)
        batchAliases.add(object.alias);

    const planned: Array<{ index: number; ops: WriteOp[]; main: number; warnings: string[] }> = [];
    const issues: FieldIssue[] = [];
    // Whether each object Stages name exists, looked up once per request (1,000 Stages naming
    // one Warehouse make one read, not 1,000).
    const existing = new Map<string, Promise<boolean>>();
    for (const [index, { object, info, warnings }] of validated.entries()) {
      await tick();
      try {
        const ops = await this.#admit(object, info, index, request, batch, batchAliases);
        planned.push({
          index,
          ops,
          main: ops.findIndex((op) => op.op === request.mode),
          warnings: [...warnings, ...(await this.#warnings(object, batch, existing))],
        });
      } catch (err) {
        if (isInputIssues(err)) issues.push(...err.issues);
        else throw err;
      }
    }
    if (issues.length > 0) throw invalidDocuments(issues);

    // Projects (and other containers) first, whatever the order of the documents.
    planned.sort(
      (a, b) =>
        kindOrder(validated[a.index]!.object.kind) - kindOrder(validated[b.index]!.object.kind) ||
        a.index - b.index,
    );
    // Everything is validated and admitted: only now is anything written. A large apply is
    // written in chunks that each commit (as kubectl applies object by object), so other
    // writers and probes are served in between instead of waiting for one huge transaction.
    const byDocument = new Map<number, AppliedObject>();
    const chunks =
      request.dryRun || planned.length <= APPLY_CHUNK
        ? [planned]
        : Array.from({ length: Math.ceil(planned.length / APPLY_CHUNK) }, (_, index) =>
            planned.slice(index * APPLY_CHUNK, (index + 1) * APPLY_CHUNK),
          );
    for (const [index, chunk] of chunks.entries()) {
      if (index > 0) await yieldToEventLoop();
      const results = await this.#store.write(this.#withAudit(chunk, request), {
        dryRun: request.dryRun,
        fence: request.fence,
      });
      let offset = 0;
      for (const p of chunk) {
        const result = results[offset + p.main]!;
        byDocument.set(p.index, {
          outcome: result.outcome,
          object: result.object!,
          ...(p.warnings.length > 0 ? { warnings: p.warnings } : {}),
        });
        offset += p.ops.length;
      }
    }
    return validated.map((_, index) => byDocument.get(index)!);
  }

  /**
   * Asks the caller's authorization for every document before anything else is done with it:
   * create or update by whether the object exists; a Promotion also needs `promote` on its
   * Stage (Kargo). A Project created by this batch may be filled by the same batch once its
   * creation is allowed (its creator becomes its admin). Documents too malformed to say what
   * they are (no known kind) are left to validation, which refuses them.
   */
  async #authorizeAll(request: ApplyRequest, authorize: WriteAuthorization): Promise<Set<string>> {
    const newProjects = new Set<string>();
    const documents = request.documents.map((document) => prepareDocument(document, request));
    // Projects first, as the write orders them.
    const order = documents
      .map((document, index) => ({ document, index }))
      .sort((a, b) => kindOrder(kindOfRaw(a.document)) - kindOrder(kindOfRaw(b.document)));
    const tick = createYielder();
    for (const { document } of order) {
      await tick();
      const raw = document as {
        kind?: unknown;
        metadata?: { name?: unknown; namespace?: unknown };
        spec?: { stage?: unknown };
      } | null;
      const info = typeof raw?.kind === 'string' ? kindInfo(raw.kind) : undefined;
      if (!info) continue;
      const name = typeof raw?.metadata?.name === 'string' ? raw.metadata.name : undefined;
      const namespace =
        typeof raw?.metadata?.namespace === 'string' ? raw.metadata.namespace : undefined;
      const project = info.namespaced ? namespace : undefined;
      if (info.namespaced && !project) continue; // validation says the namespace is missing
      if (project !== undefined && newProjects.has(project)) continue;
      const exists =
        request.mode === 'create'
          ? false
          : request.mode === 'update'
            ? true
            : name !== undefined &&
              (await this.#store.get({ kind: info.kind, namespace: project ?? '', name })) !==
                undefined;
      await authorize.require({
        verb: exists ? 'update' : 'create',
        resource: info.plural,
        project,
        name,
      });
      if (
        info.kind === 'Project' &&
        !exists &&
        name === SHARED_RESOURCES_PROJECT &&
        authorize.creator
      )
        // Every project reads its ConfigMaps and generic Secrets (sharedConfigMap(),
        // sharedSecret()): whoever creates it must not be a mere project creator, who would
        // become its admin.
        throw notAllowedError(
          `${authorize.actor} may not create project "${name}": it holds the Secrets and ConfigMaps every project shares; only a system admin may create it`,
        );
      if (info.kind === 'Project' && !exists && name) newProjects.add(name);
      if (info.kind === 'Promotion') {
        const stage = raw?.spec?.stage;
        await authorize.require({
          verb: 'promote',
          resource: 'stages',
          project,
          name: typeof stage === 'string' ? stage : undefined,
        });
      }
    }
    return newProjects;
  }

  /**
   * No escalation: a Role may not grant what the caller does not hold in its project. Roles in
   * a project this batch creates are the creator's to set up (it becomes the project's admin).
   */
  async #authorizeGrants(
    validated: Array<{ object: Resource; info: KindInfo }>,
    authorize: WriteAuthorization,
    createdProjects: Set<string>,
  ): Promise<void> {
    for (const { object } of validated) {
      if (object.kind !== 'Role' || createdProjects.has(object.metadata.namespace ?? '')) continue;
      const role = object as unknown as Role;
      const rules = PROJECT_ROLES[role.metadata.name] ?? role.rules ?? [];
      await authorize.requireCovers(role.metadata.namespace, rules, `role "${role.metadata.name}"`);
    }
  }

  async get(key: ObjectKey): Promise<StoredResource> {
    const object = await this.#store.get(key);
    if (!object) throw notFoundError(`${describeKey(key)} not found`);
    return object;
  }

  /** `list` with items as JSON text, for passing large lists straight to a response. */
  listJson(kind: string, options: ListOptions): Promise<ListJsonResult> {
    return this.#store.listJson(kind, options);
  }

  list(kind: string, options: ListOptions): Promise<ListResult> {
    return this.#store.list(kind, options);
  }

  /**
   * Deletes objects. Deleting a Project deletes everything in it; Freight that a Stage is
   * using cannot be deleted.
   */
  async delete(
    targets: Array<{
      key: ObjectKey;
      resourceVersion?: string | undefined;
      document?: number | undefined;
    }>,
    options: {
      dryRun?: boolean | undefined;
      /** Who deletes, for the audit trail. */
      actor?: string | undefined;
      /** The caller's authorization: `delete` on each object. */
      authorize?: WriteAuthorization | undefined;
    } = {},
  ): Promise<StoredResource[]> {
    if (options.authorize)
      for (const target of targets) {
        const plural = kindName(target.key.kind)?.plural ?? target.key.kind;
        await options.authorize.require({
          verb: 'delete',
          resource: plural,
          project: target.key.namespace || undefined,
          name: target.key.name,
        });
      }
    const ops: WriteOp[] = [];
    for (const target of targets) {
      const source = target.document === undefined ? undefined : { document: target.document };
      if (target.key.kind === 'Freight') await this.#checkFreightUnused(target.key);
      ops.push({ op: 'delete', key: target.key, resourceVersion: target.resourceVersion, source });
      if (target.key.kind === 'Project') {
        ops.push({ op: 'deleteNamespace', namespace: target.key.name, source });
      }
    }
    // A delete either happens or fails the batch: its record goes in the same transaction.
    const audit = options.dryRun ? undefined : this.#audit;
    const records = audit
      ? ops.flatMap((op) =>
          op.op === 'delete'
            ? [
                audit.op({
                  actor: options.actor ?? options.authorize?.actor ?? 'system:unknown',
                  action: 'delete',
                  kind: op.key.kind,
                  project: op.key.kind === 'Project' ? op.key.name : op.key.namespace,
                  name: op.key.name,
                }),
              ]
            : [],
        )
      : [];
    const results = await this.#store.write([...ops, ...records], { dryRun: options.dryRun });
    return results
      .slice(0, ops.length)
      .filter((r, i) => ops[i]!.op === 'delete')
      .map((r) => r.object!);
  }

  /** Replaces an object's status after validating it against the kind's status schema. */
  async updateStatus(
    key: ObjectKey,
    status: unknown,
    resourceVersion?: string,
  ): Promise<StoredResource> {
    const info = kindInfo(key.kind);
    if (!info?.statusSchema) throw inputError(`${key.kind} has no status sub-resource`);
    const parsed = info.statusSchema.safeParse(status);
    if (!parsed.success) {
      const issues = fieldIssuesFromZod(parsed.error, status).map((issue) => ({
        ...issue,
        path: issue.path === '' ? 'status' : `status.${issue.path}`,
      }));
      throw inputError(
        `invalid status for ${describeKey(key)}: ${formatIssue(issues[0]!)}`,
        issues,
      );
    }
    const [result] = await this.#store.write([
      { op: 'updateStatus', key, status: parsed.data, resourceVersion },
    ]);
    return result!.object!;
  }

  /** Merges labels and annotations (null removes a key), e.g. Kargo's refresh annotation. */
  async patchMetadata(
    key: ObjectKey,
    patch: { labels?: Record<string, string | null>; annotations?: Record<string, string | null> },
    /** The action this patch is (a freeze, a refresh, an abort), for the audit trail. */
    audit?: { actor: string; action: string; message?: string | undefined },
  ): Promise<StoredResource> {
    const ops: WriteOp[] = [{ op: 'patchMetadata', key, ...patch }];
    if (audit && this.#audit)
      ops.push(
        this.#audit.op({
          ...audit,
          kind: key.kind,
          project: key.kind === 'Project' ? key.name : key.namespace,
          name: key.name,
        }),
      );
    const [result] = await this.#store.write(ops);
    return result!.object!;
  }

  /** The write of planned documents, with their audit records. */
  #withAudit(planned: Array<{ ops: WriteOp[]; main: number }>, request: ApplyRequest): WriteOp[] {
    const ops = planned.flatMap((p) => p.ops);
    // The audit trail is written in the change's own transaction (one commit, not two): a
    // record per possible outcome, each kept only if the write turns out to have it.
    if (this.#audit && !request.dryRun) {
      let offset = 0;
      const records: WriteOp[] = [];
      for (const p of planned) {
        const index = offset + p.main;
        const main = ops[index];
        offset += p.ops.length;
        if (main?.op !== 'create' && main?.op !== 'update' && main?.op !== 'apply') continue;
        for (const outcome of ['created', 'configured'] as const)
          if (main.op === 'apply' || (main.op === 'create') === (outcome === 'created'))
            records.push(
              this.#audit.op(auditEntryOf(main.object, outcome, request.actor), {
                op: index,
                outcome,
              }),
            );
      }
      ops.push(...records);
    }
    return ops;
  }

  async #validateAll(
    request: ApplyRequest,
    tick: Yielder,
  ): Promise<Array<{ object: Resource; info: KindInfo; warnings: string[] }>> {
    const issues: FieldIssue[] = [];
    const out: Array<{ object: Resource; info: KindInfo; warnings: string[] }> = [];
    const seen = new Map<string, number>();
    for (const [index, document] of request.documents.entries()) {
      await tick();
      const prepared = prepareDocument(document, request);
      const result = validateManifest(prepared);
      if (!result.ok) {
        issues.push(...result.issues.map((issue) => ({ ...issue, document: index })));
        continue;
      }
      const { object, info, warnings } = result;
      const metaIssue = scopeIssue(object, info);
      if (metaIssue) {
        issues.push({ ...metaIssue, document: index });
        continue;
      }
      if (!request.honorResourceVersion) delete object.metadata.resourceVersion;
      if (!request.managedFields) delete object.metadata.managedFields;
      const key = mapKey(object);
      const first = seen.get(key);
      if (first !== undefined && object.kind !== 'Freight' && object.kind !== 'Promotion') {
        issues.push({
          document: index,
          path: 'metadata.name',
          message: `${describeDocument(object)} appears twice in this request (also document ${first + 1})`,
        });
        continue;
      }
      seen.set(key, index);
      out.push({ object, info, warnings });
    }
    if (issues.length > 0) throw invalidDocuments(issues);
    return out;
  }

  async #admit(
    object: Resource,
    info: KindInfo,
    document: number,
    request: ApplyRequest,
    batch: Map<string, Resource>,
    batchAliases: Set<string> = new Set(),
  ): Promise<WriteOp[]> {
    const ops: WriteOp[] = [];
    const namespace = object.metadata.namespace ?? '';
    if (info.namespaced) {
      ops.push({
        op: 'assertExists',
        key: { kind: 'Project', namespace: '', name: namespace },
        message: `project "${namespace}" does not exist (create it first: gantry create project ${namespace})`,
        source: { document, path: 'metadata.namespace' },
      });
    }
    let check: WriteCheck | undefined;
    let admitted = object;
    switch (object.kind) {
      case 'Warehouse':
      case 'Stage':
        admitted = syncShardLabel(object);
        break;
      case 'Promotion': {
        const existing = object.metadata.name
          ? await this.#store.get({ kind: 'Promotion', namespace, name: object.metadata.name })
          : undefined;
        if (existing) {
          check = promotionSpecImmutable;
          break;
        }
        try {
          admitted = await admitNewPromotion(object, this.#promotionLookups(namespace, batch), {
            ulid: this.#ulid,
            now: this.#now(),
            actor: request.actor,
          });
        } catch (err) {
          if (isInputIssues(err))
            throw invalidDocuments(err.issues.map((issue) => ({ ...issue, document })));
          throw err;
        }
        ops.push({
          op: 'assertExists',
          key: { kind: 'Stage', namespace, name: (object.spec as { stage: string }).stage },
          message: `Stage "${(object.spec as { stage: string }).stage}" does not exist in project "${namespace}"`,
          source: { document, path: 'spec.stage' },
        });
        break;
      }
      case 'Freight': {
        let freight = object as unknown as Freight;
        const givenKey = { kind: 'Freight', namespace, name: object.metadata.name };
        const existing = await this.#store.get(givenKey);
        const warehouse = await this.#findWarehouse(namespace, freight.origin.name, batch);
        if (!warehouse) {
          throw invalidDocuments([
            {
              document,
              path: 'origin.name',
              message: `Warehouse "${freight.origin.name}" does not exist in project "${namespace}"`,
            },
          ]);
        }
        let fromStore =
          existing ?? (await this.#store.get({ ...givenKey, name: admittedFreightName(freight) }));
        if (!fromStore) {
          const mismatches = freightMatchesWarehouse(freight, warehouse);
          if (mismatches.length > 0)
            throw invalidDocuments(mismatches.map((issue) => ({ ...issue, document })));
          if (request.freightSources) {
            try {
              freight = await checkFreightSources(freight, warehouse, {
                project: namespace,
                mode: request.freightSources,
                actor: request.actor,
                lookups: this.#freightLookups,
              });
            } catch (err) {
              if (isInputIssues(err))
                throw invalidDocuments(err.issues.map((issue) => ({ ...issue, document })));
              throw err;
            }
            // A filled-in digest is part of the name: the same Freight may exist already.
            fromStore = await this.#store.get({ ...givenKey, name: admittedFreightName(freight) });
          }
        }
        const name = existing ? existing.metadata.name : admittedFreightName(freight);
        const generated =
          freight.alias || (fromStore as Partial<Freight> | undefined)?.alias
            ? undefined
            : await this.#freeAlias(namespace, batchAliases);
        const defaulted = defaultFreight(
          { ...freight, metadata: { ...freight.metadata, name } },
          fromStore,
          { now: this.#now(), newAlias: () => generated ?? randomFreightAlias(this.#random) },
        );
        if (defaulted.alias) batchAliases.add(defaulted.alias);
        // Once forced, always marked: a later apply of the manifest does not wash it off.
        const forcedBy = fromStore?.metadata.annotations?.[FORCED_BY_ANNOTATION];
        if (forcedBy && !defaulted.metadata.annotations?.[FORCED_BY_ANNOTATION])
          defaulted.metadata.annotations = {
            ...defaulted.metadata.annotations,
            [FORCED_BY_ANNOTATION]: forcedBy,
          };
        admitted = defaulted;
        check = freightImmutable;
        ops.push({
          op: 'assertLabelUnique',
          kind: 'Freight',
          namespace,
          label: ALIAS_LABEL,
          value: defaulted.alias!,
          exceptName: name,
          message: `alias "${defaulted.alias}" is already used by another Freight in project "${namespace}"`,
          source: { document, path: 'alias' },
        });
        break;
      }
    }
    ops.push({ op: request.mode, object: admitted, check, source: { document } });
    return ops;
  }

  /**
   * Warnings about an accepted object: a Stage requesting Freight from a Warehouse or Stage
   * that neither exists nor comes in the same request (Kargo accepts it; so do we).
   */
  async #warnings(
    object: Resource,
    batch: Map<string, Resource>,
    existing: Map<string, Promise<boolean>>,
  ): Promise<string[]> {
    if (object.kind !== 'Stage') return [];
    const namespace = object.metadata.namespace ?? '';
    const spec = object.spec as StageSpec;
    const names = (kind: string) => [
      ...new Set(
        kind === 'Warehouse'
          ? spec.requestedFreight.map((r) => r.origin.name)
          : spec.requestedFreight.flatMap((r) => r.sources.stages ?? []),
      ),
    ];
    const present = async (kind: string) => {
      const found = new Set<string>();
      for (const name of names(kind)) {
        const key = { kind, namespace, name };
        const mapKey = mapKeyOf(key);
        if (batch.has(mapKey)) {
          found.add(name);
          continue;
        }
        let exists = existing.get(mapKey);
        if (!exists) {
          exists = this.#store.get(key).then((stored) => !!stored);
          existing.set(mapKey, exists);
        }
        if (await exists) found.add(name);
      }
      return found;
    };
    const [warehouses, stages] = await Promise.all([present('Warehouse'), present('Stage')]);
    return stageReferenceProblems(namespace, spec, {
      warehouse: (name) => warehouses.has(name),
      stage: (name) => stages.has(name),
    }).map((problem) => `stage "${object.metadata.name}" ${problem.message}`);
  }

  #promotionLookups(namespace: string, batch: Map<string, Resource>): PromotionLookups {
    const read = async (kind: string, name: string, inNamespace = namespace) =>
      batch.get(mapKeyOf({ kind, namespace: inNamespace, name })) ??
      (await this.#store.get({ kind, namespace: inNamespace, name }));
    return {
      stage: (name) => read('Stage', name),
      freight: async (nameOrAlias) => {
        const byName = await read('Freight', nameOrAlias);
        if (byName) return byName;
        const { items } = await this.#store.list('Freight', {
          namespace,
          labelSelector: [{ key: ALIAS_LABEL, operator: 'In', values: [nameOrAlias] }],
        });
        return items[0];
      },
      project: () => this.#store.get({ kind: 'Project', namespace: '', name: namespace }),
      config: () => read('ProjectConfig', namespace),
      task: async (name, kind) => {
        const task =
          kind === 'ClusterPromotionTask' ? await read(kind, name, '') : await read(kind, name);
        return task?.spec as PromotionTaskSpec | undefined;
      },
    };
  }

  async #findWarehouse(
    namespace: string,
    name: string,
    batch: Map<string, Resource>,
  ): Promise<WarehouseSpec | undefined> {
    const key = { kind: 'Warehouse', namespace, name };
    const inBatch = batch.get(mapKeyOf(key));
    const warehouse = inBatch ?? (await this.#store.get(key));
    return warehouse?.spec as WarehouseSpec | undefined;
  }

  /**
   * An alias no Freight of the project (nor of this request) has, in Kargo's style
   * (`adjective-animal`). Like Kargo's admission webhook, it draws a candidate and looks only
   * that one up by its label: a few store reads whatever the project's size. Once the ~10,000
   * pairs grow crowded, a numeric suffix widens the space. The write still asserts uniqueness,
   * so a concurrent writer taking the same alias meanwhile makes a Conflict, never a duplicate.
   */
  async #freeAlias(namespace: string, batchAliases: Set<string>): Promise<string> {
    let candidate = '';
    for (let attempt = 0; attempt < ALIAS_ATTEMPTS; attempt++) {
      candidate = randomFreightAlias(this.#random);
      if (attempt >= ALIAS_ATTEMPTS / 2)
        candidate = `${candidate}-${Math.floor(this.#random() * 100_000)}`;
      if (batchAliases.has(candidate)) continue;
      const { items } = await this.#store.list('Freight', {
        namespace,
        labelSelector: [{ key: ALIAS_LABEL, operator: 'In', values: [candidate] }],
        limit: 1,
      });
      if (items.length === 0) return candidate;
    }
    return candidate;
  }

  async #checkFreightUnused(key: ObjectKey): Promise<void> {
    const { items } = await this.#store.list('Stage', { namespace: key.namespace });
    for (const stage of items) {
      const history = (
        stage.status as
          { freightHistory?: Array<{ items?: Record<string, { name?: string }> }> } | undefined
      )?.freightHistory;
      const current = history?.[0]?.items ?? {};
      if (Object.values(current).some((ref) => ref.name === key.name)) {
        throw notAllowedError(
          `Freight "${key.name}" is in use by Stage "${stage.metadata.name}"; promote other Freight there before deleting it`,
        );
      }
    }
  }
}

/**
 * Documents written in one transaction. An apply of more is written in chunks of this many,
 * each committed (docs/api.md); smaller ones stay all-or-nothing.
 */
export const APPLY_CHUNK = 100;

/** Candidate aliases drawn for one new Freight before giving up on finding a free one. */
const ALIAS_ATTEMPTS = 10;

function prepareDocument(document: unknown, request: ApplyRequest): unknown {
  if (!request.defaultProject || typeof document !== 'object' || document === null) return document;
  const raw = document as { kind?: unknown; metadata?: Record<string, unknown> };
  const info = typeof raw.kind === 'string' ? kindInfo(raw.kind) : undefined;
  if (!info?.namespaced || typeof raw.metadata !== 'object' || raw.metadata === null)
    return document;
  if (raw.metadata.namespace !== undefined) return document;
  return { ...raw, metadata: { ...raw.metadata, namespace: request.defaultProject } };
}

function scopeIssue(object: Resource, info: KindInfo): FieldIssue | undefined {
  if (
    !info.namespaced &&
    object.metadata.namespace !== undefined &&
    object.metadata.namespace !== ''
  ) {
    return {
      path: 'metadata.namespace',
      message: `${info.kind} is not in a project: remove metadata.namespace`,
    };
  }
  if (info.namespaced && !object.metadata.namespace) {
    return {
      path: 'metadata.namespace',
      message: `required: the project this ${info.kind} belongs to`,
    };
  }
  return undefined;
}

/**
 * A project creator becomes the admin of the projects it creates (Kargo): the batch gains a
 * `kargo-admin` Role binding the creator's subject, unless it already brings one.
 */
function withCreatorRoles(
  request: ApplyRequest,
  created: Set<string>,
  creator: Claim[] | undefined,
): ApplyRequest {
  if (!creator || created.size === 0 || request.dryRun) return request;
  const extra: unknown[] = [];
  for (const project of created) {
    const brought = request.documents.some((document) => {
      const raw = document as {
        kind?: unknown;
        metadata?: { name?: unknown; namespace?: unknown };
      };
      return (
        raw?.kind === 'Role' &&
        raw.metadata?.name === 'kargo-admin' &&
        (raw.metadata.namespace ?? request.defaultProject) === project
      );
    });
    if (!brought)
      extra.push({
        apiVersion: KARGO_RBAC_API_VERSION,
        kind: 'Role',
        metadata: { name: 'kargo-admin', namespace: project },
        claims: creator,
      });
  }
  return { ...request, documents: [...request.documents, ...extra] };
}

/** The project an audit event belongs to: a Project's own changes are in its trail. */
function auditProject(object: Resource): string {
  return object.kind === 'Project' ? object.metadata.name : (object.metadata.namespace ?? '');
}

/** The audit record of a document written with `outcome`. */
function auditEntryOf(
  object: Resource,
  outcome: 'created' | 'configured',
  actor: string | undefined,
): AuditEntry {
  return {
    actor: actor ?? 'system:unknown',
    action:
      object.kind === 'Promotion' && outcome === 'created'
        ? 'promote'
        : outcome === 'created'
          ? 'create'
          : 'update',
    kind: object.kind,
    project: auditProject(object),
    name: object.metadata.name,
    message:
      object.kind === 'Promotion'
        ? `Freight ${(object.spec as { freight?: string }).freight ?? ''} to Stage ${(object.spec as { stage?: string }).stage ?? ''}`
        : object.kind === 'Freight' &&
            outcome === 'created' &&
            object.metadata.annotations?.[FORCED_BY_ANNOTATION]
          ? 'forced: created without checking its artifacts against their registries'
          : undefined,
  };
}

function kindOfRaw(document: unknown): string {
  const kind = (document as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' ? kind : '';
}

function syncShardLabel(object: Resource): Resource {
  const shard = (object.spec as { shard?: string } | undefined)?.shard;
  const labels = { ...object.metadata.labels };
  if (shard) labels[SHARD_LABEL] = shard;
  else delete labels[SHARD_LABEL];
  return { ...object, metadata: { ...object.metadata, labels } };
}

function mapKey(object: Resource): string {
  return mapKeyOf({
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  });
}

function mapKeyOf(key: ObjectKey): string {
  return `${key.kind}/${key.namespace}/${key.name}`;
}

/** What the answer shows of a foreign document: its kind and name, nothing stored. */
function foreignObject(document: unknown): StoredResource {
  const raw = document as { apiVersion: string; kind: string; metadata?: unknown };
  const metadata = (
    typeof raw.metadata === 'object' && raw.metadata !== null ? raw.metadata : {}
  ) as { name?: unknown; namespace?: unknown };
  return {
    apiVersion: raw.apiVersion,
    kind: raw.kind,
    metadata: {
      name: typeof metadata.name === 'string' ? metadata.name : '',
      ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    },
  } as StoredResource;
}

function invalidDocuments(issues: FieldIssue[]) {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return inputError(`${formatIssue(first)}${more}`, issues);
}

function formatIssue(issue: FieldIssue): string {
  const where = issue.document === undefined ? '' : `document ${issue.document + 1}: `;
  return `${where}${issue.path ? `${issue.path}: ` : ''}${issue.message}`;
}

function isInputIssues(err: unknown): err is { issues: FieldIssue[] } {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'GantryError' &&
    (err as { code?: unknown }).code === 'Invalid' &&
    Array.isArray((err as { issues?: unknown }).issues)
  );
}
