import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGantryError, type GantryError } from '../errors.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { ListOptions } from '../store/store.js';
import { AuditLog } from '../audit/audit-log.js';
import { APPLY_CHUNK, ResourceService } from './resource-service.js';

const api = 'kargo.akuity.io/v1alpha1';
const project = (name: string) => ({ apiVersion: api, kind: 'Project', metadata: { name } });
const warehouse = (name = 'web', repoURL = 'ghcr.io/acme/web') => ({
  apiVersion: api,
  kind: 'Warehouse',
  metadata: { name, namespace: 'demo' },
  spec: { subscriptions: [{ image: { repoURL } }] },
});
const stage = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: api,
  kind: 'Stage',
  metadata: { name, namespace: 'demo' },
  spec: {
    requestedFreight: [{ origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } }],
    ...extra,
  },
});
const freight = (tag: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: api,
  kind: 'Freight',
  metadata: { name: 'anything', namespace: 'demo' },
  origin: { kind: 'Warehouse', name: 'web' },
  images: [{ repoURL: 'ghcr.io/acme/web', tag, digest: `sha256:${tag.replace(/\./g, '')}` }],
  ...extra,
});

/** A deterministic stand-in for Math.random (mulberry32). */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function failure(promise: Promise<unknown>): Promise<GantryError> {
  try {
    await promise;
  } catch (err) {
    if (isGantryError(err)) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('ResourceService', () => {
  let store: SqliteStore;
  let service: ResourceService;
  let randomValues: number[];

  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
    randomValues = [];
    service = new ResourceService({
      store,
      now: () => new Date('2026-11-22T10:00:00Z'),
      random: () => randomValues.shift() ?? 0.5,
    });
  });
  afterEach(() => store.close());

  const apply = (documents: unknown[], extra: Record<string, unknown> = {}) =>
    service.apply({ documents, mode: 'apply', ...extra });

  it('creates projects before what they contain, whatever the document order', async () => {
    const results = await apply([stage('dev'), warehouse(), project('demo')]);
    expect(results.map((r) => `${r.object.kind}/${r.object.metadata.name} ${r.outcome}`)).toEqual([
      'Stage/dev created',
      'Warehouse/web created',
      'Project/demo created',
    ]);
  });

  it('gives Freight created in one request different aliases', async () => {
    // The same two random draws for every Freight: without the batch's own aliases counted
    // as taken, all three would get the same alias.
    randomValues = [0.1, 0.1, 0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.3, 0.3];
    const created = await apply([
      project('demo'),
      warehouse(),
      freight('1.0.0', { metadata: { name: 'a', namespace: 'demo' } }),
      freight('1.0.1', { metadata: { name: 'b', namespace: 'demo' } }),
    ]);
    const aliases = created
      .filter((c) => c.object.kind === 'Freight')
      .map((c) => (c.object as { alias?: string }).alias);
    expect(new Set(aliases).size).toBe(2);
  });

  it('lets another writer through while it writes a large apply, in chunks', async () => {
    await apply([project('demo'), warehouse()]);
    const watching = new AbortController();
    const events = store.watch({
      fromResourceVersion: await store.currentResourceVersion(),
      signal: watching.signal,
    });
    const stages = Array.from({ length: 3 * APPLY_CHUNK }, (_, index) => stage(`s${index}`));
    const big = apply(stages);
    // Another writer whose request arrives once the apply has begun writing.
    const order: string[] = [];
    let other: Promise<unknown> | undefined;
    for await (const event of events) {
      order.push(event.object.metadata.name);
      if (!other) other = apply([warehouse('other', 'ghcr.io/acme/other')]);
      if (order.length === stages.length + 1) break;
    }
    watching.abort();
    await Promise.all([big, other]);
    const otherAt = order.indexOf('other');
    // It is written between two chunks of the apply, not after all of them.
    expect(otherAt).toBeGreaterThan(0);
    expect(otherAt).toBeLessThan(stages.length);
    expect(otherAt % APPLY_CHUNK).toBe(0);
  });

  it('writes nothing of a large apply when one document is invalid', async () => {
    await apply([project('demo'), warehouse()]);
    const before = await store.currentResourceVersion();
    const stages: unknown[] = Array.from({ length: 3 * APPLY_CHUNK }, (_, i) => stage(`s${i}`));
    stages.push({ ...stage('bad'), spec: { requestedFreight: 'not a list' } });
    const err = await failure(apply(stages));
    expect(err.code).toBe('Invalid');
    expect(err.issues?.[0]?.document).toBe(3 * APPLY_CHUNK);
    expect(await store.currentResourceVersion()).toBe(before);
  });

  it('reports unchanged and configured on re-apply', async () => {
    await apply([project('demo'), stage('dev')]);
    const again = await apply([project('demo'), stage('dev')]);
    expect(again.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);
    const changed = await apply([stage('dev', { vars: [{ name: 'a', value: 'b' }] })]);
    expect(changed[0]?.outcome).toBe('configured');
    expect(changed[0]?.object.metadata.generation).toBe(2);
  });

  it('refuses a resource in a project that does not exist, naming document and field', async () => {
    const err = await failure(apply([project('other'), stage('dev')]));
    expect(err.code).toBe('NotFound');
    expect(err.issues).toEqual([
      {
        document: 1,
        path: 'metadata.namespace',
        message: 'project "demo" does not exist (create it first: gantry create project demo)',
      },
    ]);
    expect((await store.list('Project')).items).toEqual([]);
  });

  it('writes nothing when any document is invalid, and reports every problem', async () => {
    const err = await failure(
      apply([
        project('demo'),
        stage('ok'),
        { ...warehouse(), spec: { interval: 'soon', subscriptions: [] } },
        stage('ok'),
      ]),
    );
    expect(err.code).toBe('Invalid');
    expect(err.issues).toEqual([
      {
        document: 2,
        path: 'spec.interval',
        message: 'not a duration: use a number with s, m or h, e.g. 30s, 5m, 1h30m',
      },
      { document: 2, path: 'spec.subscriptions', message: 'must have at least one item' },
      {
        document: 3,
        path: 'metadata.name',
        message: 'Stage "ok" appears twice in this request (also document 2)',
      },
    ]);
    expect(await store.currentResourceVersion()).toBe('0');
  });

  it('checks a dry run completely and changes nothing', async () => {
    const results = await apply([project('demo'), stage('dev')], { dryRun: true });
    expect(results.map((r) => r.outcome)).toEqual(['created', 'created']);
    expect((await store.list('Project')).items).toEqual([]);
  });

  it('fills a missing project from the request', async () => {
    await apply([project('demo')]);
    const [result] = await apply([{ ...stage('dev'), metadata: { name: 'dev' } }], {
      defaultProject: 'demo',
    });
    expect(result?.object.metadata.namespace).toBe('demo');
  });

  it('clears a namespace on cluster-scoped kinds, as Kubernetes does', async () => {
    const [result] = await apply([
      { ...project('demo'), metadata: { name: 'demo', namespace: 'x' } },
    ]);
    expect(result?.outcome).toBe('created');
    expect(result?.object.metadata.namespace).toBeUndefined();
  });

  it('sets Kubernetes kinds Gantry does not use aside with a warning, in document order', async () => {
    const results = await apply([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo' } },
      project('demo'),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'demo' } },
    ]);
    expect(results.map((r) => [r.object.kind, r.outcome])).toEqual([
      ['Namespace', 'ignored'],
      ['Project', 'created'],
      ['ServiceAccount', 'ignored'],
    ]);
    expect(results[2]?.warnings).toEqual([
      'ServiceAccount "bot" (v1) ignored, not stored: Gantry has no Kubernetes service accounts',
    ]);
    // A problem in a kept document names its place in the whole request.
    const err = await failure(
      apply([
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'bot', namespace: 'demo' } },
        { ...project('x'), metadata: { name: 'Not_A_Name' } },
      ]),
    );
    expect(err.issues[0]).toMatchObject({ document: 1, path: 'metadata.name' });
  });

  it('mirrors spec.shard into the shard label', async () => {
    await apply([project('demo')]);
    const [result] = await apply([
      {
        ...stage('dev', { shard: 'east' }),
        metadata: { name: 'dev', namespace: 'demo', labels: { a: 'b' } },
      },
    ]);
    expect(result?.object.metadata.labels).toEqual({ a: 'b', 'kargo.akuity.io/shard': 'east' });
  });

  describe('Freight', () => {
    beforeEach(async () => {
      await apply([project('demo'), warehouse()]);
    });

    it('is named by its contents, gets an alias and a discovery time', async () => {
      randomValues = [0, 0];
      const [result] = await apply([freight('1.2.2')]);
      const object = result!.object;
      expect(object.metadata.name).toMatch(/^[0-9a-f]{40}$/);
      expect(object.metadata.name).not.toBe('anything');
      expect(object.alias).toBe('agile-aardvark');
      expect(object.metadata.labels).toEqual({ 'kargo.akuity.io/alias': 'agile-aardvark' });
      expect(object.discoveredAt).toBe('2026-11-22T10:00:00.000Z');
      const again = await apply([
        { ...freight('1.2.2'), metadata: { name: object.metadata.name, namespace: 'demo' } },
      ]);
      expect(again[0]?.outcome).toBe('unchanged');
    });

    it('picks another alias when the generated one is taken', async () => {
      randomValues = [0, 0];
      await apply([freight('1.0.0')]);
      randomValues = [0, 0, 0.99, 0.99];
      const [second] = await apply([freight('1.0.1')]);
      expect(second?.object.alias).toMatch(/^zesty-[a-z]+$/);
    });

    it('looks up only the candidate alias, however many Freight the project has', async () => {
      const lists: Array<{ kind: string; selector: unknown }> = [];
      const counting = new Proxy(store, {
        get(target, property, receiver) {
          if (property === 'list')
            return (kind: string, options?: ListOptions) => {
              lists.push({ kind, selector: options?.labelSelector });
              return target.list(kind, options);
            };
          const value: unknown = Reflect.get(target, property, receiver);
          return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
        },
      });
      const counted = new ResourceService({
        store: counting,
        now: () => new Date(),
        random: seeded(17),
      });
      const freightReads = async (tag: string) => {
        lists.length = 0;
        await counted.apply({ documents: [freight(tag)], mode: 'apply' });
        return lists.filter((l) => l.kind === 'Freight');
      };
      const first = await freightReads('0.0.1');
      // Many Freight present, each with its own alias.
      await counted.apply({
        documents: Array.from({ length: 300 }, (_, index) => freight(`1.0.${index}`)),
        mode: 'apply',
      });
      expect((await store.list('Freight', { namespace: 'demo' })).items).toHaveLength(301);
      const later = await freightReads('2.0.0');
      // One read per candidate drawn (a clash is ~3% likely here; the seed makes it none),
      // each by the alias label.
      expect(first).toHaveLength(1);
      expect(later).toHaveLength(1);
      for (const read of [...first, ...later])
        expect(read.selector).toEqual([
          { key: 'kargo.akuity.io/alias', operator: 'In', values: [expect.any(String)] },
        ]);
    });

    it('keeps an alias unique in the project', async () => {
      await apply([freight('1.0.0', { alias: 'quiet-quokka' })]);
      const err = await failure(apply([freight('1.0.1', { alias: 'quiet-quokka' })]));
      expect(err.code).toBe('Conflict');
      expect(err.issues).toEqual([
        {
          document: 0,
          path: 'alias',
          message: 'alias "quiet-quokka" is already used by another Freight in project "demo"',
        },
      ]);
    });

    it('lets the alias change but never the contents', async () => {
      const [created] = await apply([freight('1.0.0')]);
      const name = created!.object.metadata.name;
      const renamed = await apply([
        { ...freight('1.0.0', { alias: 'new-name' }), metadata: { name, namespace: 'demo' } },
      ]);
      expect(renamed[0]?.object.alias).toBe('new-name');
      expect(renamed[0]?.object.metadata.labels?.['kargo.akuity.io/alias']).toBe('new-name');
      const err = await failure(
        apply([{ ...freight('9.9.9'), metadata: { name, namespace: 'demo' } }]),
      );
      expect(err.code).toBe('Conflict');
      expect(err.message).toBe(
        `Freight "${name}" is immutable: images cannot change (only alias, labels, annotations and status can)`,
      );
      expect(err.issues[0]?.document).toBe(0);
    });

    it('must match its Warehouse, one artifact per subscription', async () => {
      const err = await failure(
        apply([freight('1.0.0', { images: [{ repoURL: 'ghcr.io/acme/other', tag: '1' }] })]),
      );
      expect(err.issues).toEqual([
        {
          document: 0,
          path: 'images[0]',
          message: 'no subscription of Warehouse "web" matches image "ghcr.io/acme/other"',
        },
        {
          document: 0,
          path: '',
          message:
            'no artifact for subscriptions[0] of Warehouse "web": a Freight carries one version of each subscribed repository',
        },
      ]);
      const missing = await failure(
        apply([freight('1.0.0', { origin: { kind: 'Warehouse', name: 'nope' } })]),
      );
      expect(missing.issues).toEqual([
        {
          document: 0,
          path: 'origin.name',
          message: 'Warehouse "nope" does not exist in project "demo"',
        },
      ]);
    });

    it('may arrive in the same request as its Warehouse', async () => {
      const results = await apply([
        warehouse('api', 'ghcr.io/acme/api'),
        {
          ...freight('1.0.0'),
          origin: { kind: 'Warehouse', name: 'api' },
          images: [{ repoURL: 'ghcr.io/acme/api', tag: '1.0.0' }],
        },
      ]);
      expect(results.map((r) => r.outcome)).toEqual(['created', 'created']);
    });

    it('cannot be deleted while a Stage uses it', async () => {
      const [created] = await apply([freight('1.0.0'), stage('dev')]);
      const name = created!.object.metadata.name;
      await service.updateStatus(
        { kind: 'Stage', namespace: 'demo', name: 'dev' },
        {
          freightHistory: [
            {
              id: 'x',
              items: { 'Warehouse/web': { name, origin: { kind: 'Warehouse', name: 'web' } } },
            },
          ],
        },
      );
      const err = await failure(
        service.delete([{ key: { kind: 'Freight', namespace: 'demo', name } }]),
      );
      expect(err.code).toBe('NotAllowed');
      expect(err.message).toBe(
        `Freight "${name}" is in use by Stage "dev"; promote other Freight there before deleting it`,
      );
    });

    it('asks the registry about hand-made Freight only, all or nothing', async () => {
      const asked: string[] = [];
      const checking = new ResourceService({
        store,
        freightLookups: {
          image: (_project, _sub, reference) => {
            asked.push(reference);
            return reference === '1.0.0'
              ? Promise.resolve({ digest: `sha256:${'c'.repeat(64)}` })
              : Promise.reject(Object.assign(new Error('404'), { notFound: true }));
          },
          chartVersions: () => Promise.resolve([]),
        },
      });
      // Freight from discovery (no freightSources) is not re-checked.
      await checking.apply({ documents: [freight('7.7.7')], mode: 'create' });
      expect(asked).toEqual([]);
      const hand = (tag: string) => ({
        ...freight(tag),
        images: [{ repoURL: 'ghcr.io/acme/web', tag }],
      });
      const err = await failure(
        checking.apply({
          documents: [hand('1.0.0'), hand('1.9.9')],
          mode: 'create',
          freightSources: 'check',
        }),
      );
      expect(err.message).toBe(
        'document 2: images[0]: ghcr.io/acme/web:1.9.9: tag not found in the registry',
      );
      expect((await store.list('Freight', { namespace: 'demo' })).items).toHaveLength(1);
      const [created] = await checking.apply({
        documents: [hand('1.0.0')],
        mode: 'create',
        freightSources: 'check',
      });
      expect((created!.object as { images?: unknown }).images).toEqual([
        { repoURL: 'ghcr.io/acme/web', tag: '1.0.0', digest: `sha256:${'c'.repeat(64)}` },
      ]);
    });
  });

  describe('Promotions', () => {
    const promotion = (spec: Record<string, unknown>, name?: string) => ({
      apiVersion: api,
      kind: 'Promotion',
      metadata: { namespace: 'demo', ...(name ? { name } : {}) },
      spec,
    });
    const task = {
      apiVersion: api,
      kind: 'PromotionTask',
      metadata: { name: 'promote', namespace: 'demo' },
      spec: {
        vars: [{ name: 'envDir' }],
        steps: [
          {
            uses: 'git-commit',
            as: 'commit',
            config: { path: '${{ vars.envDir }}', message: 'm' },
          },
        ],
      },
    };
    let freightName: string;

    beforeEach(async () => {
      service = new ResourceService({
        store,
        now: () => new Date('2026-11-22T10:00:00Z'),
        random: () => 0,
        ulid: () => '01JFAKEULID0000000000000000',
      });
      const results = await apply([
        project('demo'),
        warehouse(),
        task,
        stage('dev', {
          vars: [{ name: 'a', value: '1' }],
          promotionTemplate: {
            spec: {
              steps: [
                {
                  task: { name: 'promote' },
                  as: 'p',
                  vars: [{ name: 'envDir', value: 'develop' }],
                },
              ],
            },
          },
        }),
        stage('gate'),
        freight('1.2.2'),
      ]);
      freightName = results[5]!.object.metadata.name;
    });

    it('names the Promotion and copies the Stage template with tasks inflated', async () => {
      const [created] = await service.apply({
        documents: [promotion({ stage: 'dev', freight: 'agile-aardvark' })],
        mode: 'create',
        actor: 'email:ann@example.com',
      });
      const object = created!.object;
      expect(object.metadata.name).toBe(
        `dev.01jfakeulid0000000000000000.${freightName.slice(0, 7)}`,
      );
      expect(object.metadata.labels).toEqual({ 'kargo.akuity.io/stage': 'dev' });
      expect(object.metadata.annotations).toEqual({
        'kargo.akuity.io/create-actor': 'email:ann@example.com',
      });
      expect(object.spec).toEqual({
        stage: 'dev',
        freight: freightName,
        vars: [{ name: 'a', value: '1' }],
        steps: [
          {
            uses: 'git-commit',
            as: 'p::commit',
            config: { path: '${{ vars.envDir }}', message: 'm' },
            vars: [{ name: 'envDir', value: 'develop' }],
          },
        ],
      });
    });

    it.each<[string, Record<string, unknown>, string]>([
      [
        'a missing Stage',
        { stage: 'nope', freight: 'x' },
        'spec.stage: Stage "nope" does not exist in project "demo"',
      ],
      [
        'a Stage without steps',
        { stage: 'gate', freight: 'x' },
        'spec.stage: Stage "gate" defines no promotion steps (a control-flow Stage is never promoted to)',
      ],
      [
        'a missing Freight',
        { stage: 'dev', freight: 'ghost' },
        'spec.freight: Freight "ghost" does not exist in project "demo" (by name or alias)',
      ],
    ])('refuses %s', async (_, spec, message) => {
      const err = await failure(service.apply({ documents: [promotion(spec)], mode: 'create' }));
      expect(err.code).toBe('Invalid');
      expect(err.issues[0]).toEqual({
        document: 0,
        path: message.split(':')[0],
        message: message.slice(message.indexOf(':') + 2),
      });
    });

    it('keeps the spec immutable', async () => {
      const [created] = await service.apply({
        documents: [promotion({ stage: 'dev', freight: freightName })],
        mode: 'create',
      });
      const name = created!.object.metadata.name;
      const err = await failure(
        service.apply({
          documents: [
            { ...created!.object, spec: { ...(created!.object.spec as object), vars: [] } },
          ],
          mode: 'apply',
        }),
      );
      expect(err.message).toBe(
        `Promotion "${name}" is immutable: its spec cannot change (abort it and promote again)`,
      );
    });
  });

  it('deletes a project with everything in it', async () => {
    await apply([
      project('demo'),
      project('keep'),
      stage('dev'),
      warehouse(),
      { ...stage('x'), metadata: { name: 'x', namespace: 'keep' } },
    ]);
    const deleted = await service.delete([
      { key: { kind: 'Project', namespace: '', name: 'demo' } },
    ]);
    expect(deleted.map((o) => o.metadata.name)).toEqual(['demo']);
    expect((await store.list('Stage')).items.map((o) => o.metadata.name)).toEqual(['x']);
    expect((await store.list('Warehouse')).items).toEqual([]);
  });

  it('validates status writes against the kind and keeps generation', async () => {
    await apply([project('demo'), stage('dev')]);
    const key = { kind: 'Stage', namespace: 'demo', name: 'dev' };
    const err = await failure(service.updateStatus(key, { health: { status: 'Great' } }));
    expect(err.issues).toEqual([
      {
        path: 'status.health.status',
        message: 'must be one of Healthy, Unhealthy, Progressing, Unknown, NotApplicable',
      },
    ]);
    const updated = await service.updateStatus(key, {
      health: { status: 'Healthy' },
      freightSummary: '1/1 Fulfilled',
    });
    expect(updated.status).toEqual({
      health: { status: 'Healthy' },
      freightSummary: '1/1 Fulfilled',
    });
    expect(updated.metadata.generation).toBe(1);
    const noStatus = await failure(
      service.updateStatus({ kind: 'PromotionTask', namespace: 'demo', name: 'x' }, {}),
    );
    expect(noStatus.message).toBe('PromotionTask has no status sub-resource');
  });
});

describe('ResourceService: the audit trail', () => {
  let store: SqliteStore;
  let service: ResourceService;
  let commits: number;

  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
    commits = 0;
    // Counts the store's transactions: a change and its record are one commit, not two.
    const write = store.write.bind(store);
    store.write = (ops, options) => {
      commits++;
      return write(ops, options);
    };
    service = new ResourceService({ store, audit: new AuditLog({ store }) });
  });
  afterEach(() => store.close());

  const trail = async () =>
    (await new AuditLog({ store }).list({})).map(
      (e) => `${e.actor} ${e.action} ${e.kind}/${e.name}`,
    );
  const apply = (documents: unknown[], extra: Record<string, unknown> = {}) =>
    service.apply({ documents, mode: 'apply', actor: 'token:ci', ...extra });

  it('records what changed in the change own transaction, and nothing for what did not', async () => {
    await apply([project('demo'), stage('dev')]);
    expect(commits).toBe(1);
    expect(await trail()).toEqual(['token:ci create Stage/dev', 'token:ci create Project/demo']);
    await apply([project('demo'), stage('dev')]);
    expect(commits).toBe(2);
    expect(await trail()).toHaveLength(2);
    await apply([stage('dev', { vars: [{ name: 'a', value: 'b' }] })]);
    expect(commits).toBe(3);
    expect((await trail())[0]).toBe('token:ci update Stage/dev');
    await apply([stage('qa')], { dryRun: true });
    expect(await trail()).toHaveLength(3);
  });

  it('records deletions in the same transaction, a project deletion outliving the project', async () => {
    await apply([project('demo'), stage('dev')]);
    await service.delete([{ key: { kind: 'Stage', namespace: 'demo', name: 'dev' } }], {
      actor: 'token:ci',
    });
    expect(commits).toBe(2);
    await service.delete([{ key: { kind: 'Project', namespace: '', name: 'demo' } }], {
      actor: 'token:ci',
    });
    expect(commits).toBe(3);
    expect(await trail()).toEqual(['token:ci delete Project/demo']);
  });
});
