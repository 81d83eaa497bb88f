import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bearer, testAuth } from '../../test/auth-fixtures.js';
import { collectGarbage } from '../../test/collect-garbage.js';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { createApp } from '../server/app.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import type { ObjectKey } from '../api/resource.js';
import { WITHHELD_SECRET_VALUE } from './kube-secret.js';

const api = 'kargo.akuity.io/v1alpha1';
const STAGES = '/apis/kargo.akuity.io/v1alpha1/namespaces/demo/stages';
const TABLE = 'application/json;as=Table;g=meta.k8s.io;v=v1';

interface Event {
  type: string;
  object: Record<string, any>;
}

/** Reads a watch's newline-delimited JSON events as they arrive. */
function eventsOf(response: Response) {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const read = async (): Promise<Event | undefined> => {
    for (;;) {
      const newline = buffer.indexOf('\n');
      if (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        return JSON.parse(line) as Event;
      }
      const chunk = await reader.read();
      if (chunk.done) return undefined;
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  return {
    async next(): Promise<Event> {
      const event = await read();
      if (!event) throw new Error('the watch ended');
      return event;
    },
    /** The next event that is not a BOOKMARK. */
    async change(): Promise<Event> {
      for (;;) {
        const event = await this.next();
        if (event.type !== 'BOOKMARK') return event;
      }
    },
    /** Resolves when the stream ends (failing on any further event). */
    async end(): Promise<void> {
      const event = await read();
      if (event) throw new Error(`expected the end, got ${JSON.stringify(event)}`);
    },
    close: () => reader.cancel(),
  };
}

const summary = (event: Event) => `${event.type} ${event.object.metadata?.name ?? ''}`;

describe('watches on the Kubernetes API', () => {
  let store: SqliteStore;
  let shutdown: AbortController;
  let app: ReturnType<typeof createApp>;
  let admin: Record<string, string>;
  let fixture: Awaited<ReturnType<typeof testAuth>>;
  const open: Array<{ close: () => Promise<void> }> = [];

  const watch = async (path: string, headers: Record<string, string> = admin) => {
    const response = await app.request(path, { headers });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const events = eventsOf(response);
    open.push(events);
    return events;
  };
  const fail = async (path: string, headers: Record<string, string> = admin) => {
    const response = await app.request(path, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const stage = (name: string) => ({ kind: 'Stage', namespace: 'demo', name });
  const label = (key: ObjectKey, labels: Record<string, string | null>) =>
    store.write([{ op: 'patchMetadata', key, labels }]);
  const apply = async (items: unknown[]) => {
    const response = await app.request('/v1/resources', {
      method: 'PUT',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ items }),
    });
    expect(response.status).toBe(200);
  };
  const stageObject = (name: string, namespace = 'demo', labels: Record<string, string> = {}) => ({
    apiVersion: api,
    kind: 'Stage',
    metadata: { name, namespace, labels },
    spec: {
      requestedFreight: [{ origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } }],
    },
  });

  const start = (heartbeatMs?: number) => {
    app = createApp({
      auth: fixture.auth,
      service: new ResourceService({ store }),
      store,
      logger: silentLogger,
      shutdown: shutdown.signal,
      storeKind: 'sqlite',
      logs: new PromotionLogs(join(tmpdir(), 'gantry-kube-watch-logs')),
      watchHeartbeatMs: heartbeatMs,
    });
  };

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    shutdown = new AbortController();
    fixture = await testAuth(store);
    admin = bearer(fixture.adminToken);
    start();
    await apply([
      { apiVersion: api, kind: 'Project', metadata: { name: 'demo' } },
      { apiVersion: api, kind: 'Project', metadata: { name: 'other' } },
      stageObject('dev', 'demo', { tier: 'dev' }),
      stageObject('prod', 'demo', { tier: 'prod' }),
      stageObject('elsewhere', 'other'),
    ]);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((events) => events.close()));
    shutdown.abort();
    await store.close();
  });

  it('starts with the current objects as ADDED, then streams changes', async () => {
    for (const rv of ['', '&resourceVersion=0']) {
      const events = await watch(`${STAGES}?watch=true${rv}`);
      expect([summary(await events.next()), summary(await events.next())]).toEqual([
        'ADDED dev',
        'ADDED prod',
      ]);
      await events.close();
    }
    const events = await watch(`${STAGES}?watch=1`);
    await events.next();
    await events.next();
    await label(stage('dev'), { color: 'blue' });
    const modified = await events.next();
    expect(modified).toMatchObject({
      type: 'MODIFIED',
      object: {
        apiVersion: api,
        kind: 'Stage',
        metadata: { name: 'dev', labels: { color: 'blue' } },
      },
    });
    await store.write([{ op: 'delete', key: stage('prod') }]);
    const deleted = await events.next();
    expect(summary(deleted)).toBe('DELETED prod');
    expect(Number(deleted.object.metadata.resourceVersion)).toBeGreaterThan(
      Number(modified.object.metadata.resourceVersion),
    );
    // Across namespaces, on a named group's cluster-wide path.
    const all = await watch('/apis/kargo.akuity.io/v1alpha1/stages?watch=true');
    const names = [await all.next(), await all.next()].map(
      (e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`,
    );
    expect(names.sort()).toEqual(['demo/dev', 'other/elsewhere']);
  });

  it('resumes after a resourceVersion, and answers 410 Expired when the history is gone', async () => {
    const list = (await (await app.request(STAGES, { headers: admin })).json()) as {
      metadata: { resourceVersion: string };
    };
    await label(stage('prod'), { color: 'red' });
    const events = await watch(
      `${STAGES}?watch=true&resourceVersion=${list.metadata.resourceVersion}`,
    );
    const first = await events.next();
    expect(first).toMatchObject({ type: 'MODIFIED', object: { metadata: { name: 'prod' } } });
    await events.close();
    await expect(
      watch(`${STAGES}?watch=true&resourceVersion=${first.object.metadata.resourceVersion}`).then(
        async (resumed) => {
          await label(stage('dev'), { color: 'green' });
          return summary(await resumed.next());
        },
      ),
    ).resolves.toBe('MODIFIED dev');

    // A store keeping little history: an old version is answered as kube-apiserver does.
    await store.close();
    store = openSqliteStore({ path: ':memory:', historyLimit: 2 });
    fixture = await testAuth(store);
    admin = bearer(fixture.adminToken);
    start();
    await apply([{ apiVersion: api, kind: 'Project', metadata: { name: 'demo' } }]);
    for (const name of ['a', 'b', 'c', 'd']) await apply([stageObject(name)]);
    while (store.compact());
    const expired = await watch(`${STAGES}?watch=true&resourceVersion=1`);
    const error = await expired.next();
    expect(error.type).toBe('ERROR');
    expect(error.object).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(error.object.message).toMatch(/^too old resource version: 1 \(\d+\)$/);
    await expired.end();
  });

  it('refuses bad watch parameters with a Status naming them', async () => {
    const cases: Array<[string, RegExp]> = [
      ['resourceVersion=abc', /invalid resource version: "abc"/],
      ['resourceVersionMatch=NotOlderThan', /forbidden for watch unless sendInitialEvents/],
      ['sendInitialEvents=true', /requires setting resourceVersionMatch to NotOlderThan/],
      ['sendInitialEvents=true&resourceVersionMatch=Exact', /Unsupported value: "Exact"/],
      ['timeoutSeconds=soon', /timeoutSeconds must be a non-negative integer/],
      ['allowWatchBookmarks=maybe', /allowWatchBookmarks must be true or false/],
      ['fieldSelector=spec.shard%3Dx', /^field label not supported: spec.shard$/],
      ['labelSelector=tier%20%3D%3D%3D', /^labelSelector: /],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await fail(`${STAGES}?watch=true&${query}`);
      expect({ query, status }).toEqual({ query, status: 400 });
      expect(body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
      expect(body.message).toMatch(message);
    }
  });

  it('sends BOOKMARKs when allowed, marks the end of the initial events, and ends on timeout', async () => {
    start(10);
    const quiet = await watch(`${STAGES}?watch=true`);
    const marked = await watch(
      `${STAGES}?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
    );
    expect([summary(await marked.next()), summary(await marked.next())]).toEqual([
      'ADDED dev',
      'ADDED prod',
    ]);
    const end = await marked.next();
    expect(end).toMatchObject({
      type: 'BOOKMARK',
      object: {
        kind: 'Stage',
        apiVersion: api,
        metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } },
      },
    });
    // Periodic bookmarks carry the version the watch has read up to, and nothing else.
    const periodic = await marked.next();
    expect(periodic).toEqual({
      type: 'BOOKMARK',
      object: {
        kind: 'Stage',
        apiVersion: api,
        metadata: { resourceVersion: end.object.metadata.resourceVersion },
      },
    });
    await marked.next();
    // A watch that did not ask for bookmarks gets none: its next event after the initial ones
    // is the change, though several bookmark intervals have passed.
    expect([summary(await quiet.next()), summary(await quiet.next())]).toEqual([
      'ADDED dev',
      'ADDED prod',
    ]);
    await label(stage('dev'), { color: 'blue' });
    expect(summary(await quiet.next())).toBe('MODIFIED dev');
    expect(summary(await marked.change())).toBe('MODIFIED dev');
    // sendInitialEvents=false: changes only.
    const changesOnly = await watch(
      `${STAGES}?watch=true&sendInitialEvents=false&resourceVersionMatch=NotOlderThan`,
    );
    await label(stage('prod'), { color: 'blue' });
    expect(summary(await changesOnly.next())).toBe('MODIFIED prod');

    const timed = await watch(
      `${STAGES}?watch=true&timeoutSeconds=1&resourceVersion=${end.object.metadata.resourceVersion}`,
    );
    // What ends the watch after its timeout stays alive through a collection.
    await collectGarbage();
    const modified = await timed.next();
    expect(summary(modified)).toBe('MODIFIED dev');
    await timed.next();
    await timed.end();
  });

  it('ends every watch when the server shuts down', async () => {
    const events = await watch(`${STAGES}?watch=true`);
    await events.next();
    await events.next();
    shutdown.abort();
    await events.end();
    // A watch asked for while the server stops is told to come back.
    const late = await fail(`${STAGES}?watch=true`);
    expect(late).toMatchObject({
      status: 503,
      body: { kind: 'Status', reason: 'ServiceUnavailable', code: 503 },
    });
  });

  it('applies label selectors per change: starting to match is ADDED, stopping is DELETED', async () => {
    const prod = await watch(`${STAGES}?watch=true&labelSelector=tier%3Dprod`);
    expect(summary(await prod.next())).toBe('ADDED prod');
    const list = (await (await app.request(STAGES, { headers: admin })).json()) as {
      metadata: { resourceVersion: string };
    };
    // Resumed from a version, the same: the baseline is what matched at the version.
    const resumed = await watch(
      `${STAGES}?watch=true&labelSelector=tier%3Dprod&resourceVersion=${list.metadata.resourceVersion}`,
    );
    // Changes only (no selector change) pass as they are.
    await label(stage('prod'), { color: 'blue' });
    expect(summary(await prod.next())).toBe('MODIFIED prod');
    expect(summary(await resumed.next())).toBe('MODIFIED prod');
    await label(stage('dev'), { tier: 'prod' });
    expect(summary(await prod.next())).toBe('ADDED dev');
    expect(summary(await resumed.next())).toBe('ADDED dev');
    await label(stage('prod'), { tier: 'retired' });
    const gone = await prod.next();
    expect(summary(gone)).toBe('DELETED prod');
    expect(gone.object.metadata.labels.tier).toBe('retired');
    expect(summary(await resumed.next())).toBe('DELETED prod');
    // A change to an object that matched neither before nor after is not sent.
    await label(stage('prod'), { color: 'green' });
    await store.write([{ op: 'delete', key: stage('dev') }]);
    expect(summary(await prod.next())).toBe('DELETED dev');
    expect(summary(await resumed.next())).toBe('DELETED dev');
  });

  it('tells a watch resumed from before an object stopped matching that it is gone', async () => {
    const list = (await (
      await app.request(`${STAGES}?labelSelector=tier%3Dprod`, { headers: admin })
    ).json()) as { items: unknown[]; metadata: { resourceVersion: string } };
    expect(list.items).toHaveLength(1);
    await label(stage('prod'), { tier: 'retired' });
    await label(stage('dev'), { color: 'blue' });
    const late = await watch(
      `${STAGES}?watch=true&labelSelector=tier%3Dprod&resourceVersion=${list.metadata.resourceVersion}`,
    );
    expect(summary(await late.next())).toBe('DELETED prod');
    // Whether dev matched at that version is not known: it is said gone, to be sure (clients
    // ignore deletions of objects they do not hold; docs/kubernetes-api.md).
    expect(summary(await late.next())).toBe('DELETED dev');
    await label(stage('dev'), { tier: 'prod' });
    expect(summary(await late.next())).toBe('ADDED dev');
  });

  it('applies field selectors on metadata.name and metadata.namespace', async () => {
    const dev = await watch(`${STAGES}?watch=true&fieldSelector=metadata.name%3Ddev`);
    expect(summary(await dev.next())).toBe('ADDED dev');
    const notDemo = await watch(
      '/apis/kargo.akuity.io/v1alpha1/stages?watch=true&fieldSelector=metadata.namespace!%3Ddemo',
    );
    expect(summary(await notDemo.next())).toBe('ADDED elsewhere');
    await label(stage('prod'), { color: 'blue' });
    await label(stage('dev'), { color: 'blue' });
    await label({ kind: 'Stage', namespace: 'other', name: 'elsewhere' }, { color: 'blue' });
    expect(summary(await dev.next())).toBe('MODIFIED dev');
    expect(summary(await notDemo.next())).toBe('MODIFIED elsewhere');
    // Lists take them too.
    const listed = (await (
      await app.request(`${STAGES}?fieldSelector=metadata.name%3D%3Dprod`, { headers: admin })
    ).json()) as { items: Array<{ metadata: { name: string } }> };
    expect(listed.items.map((item) => item.metadata.name)).toEqual(['prod']);
  });

  it('shows each caller only the objects of the projects they may watch', async () => {
    const viewer = bearer(await fixture.tokenFor('kargo-viewer', 'demo'));
    const everywhere = await watch('/apis/kargo.akuity.io/v1alpha1/stages?watch=true', viewer);
    const namespaces = await watch('/api/v1/namespaces?watch=true', viewer);
    expect([summary(await everywhere.next()), summary(await everywhere.next())]).toEqual([
      'ADDED dev',
      'ADDED prod',
    ]);
    expect(await namespaces.next()).toMatchObject({
      type: 'ADDED',
      object: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'demo' } },
    });
    await label({ kind: 'Stage', namespace: 'other', name: 'elsewhere' }, { color: 'blue' });
    await label({ kind: 'Project', namespace: '', name: 'other' }, { color: 'blue' });
    await label({ kind: 'Project', namespace: '', name: 'demo' }, { color: 'blue' });
    await label(stage('dev'), { color: 'blue' });
    expect(summary(await everywhere.next())).toBe('MODIFIED dev');
    expect(await namespaces.next()).toMatchObject({
      type: 'MODIFIED',
      object: { kind: 'Namespace', metadata: { name: 'demo', labels: { color: 'blue' } } },
    });
    const elsewhere = await fail(
      '/apis/kargo.akuity.io/v1alpha1/namespaces/other/stages?watch=true',
      viewer,
    );
    expect(elsewhere.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
    const secrets = await fail('/api/v1/namespaces/demo/secrets?watch=true', viewer);
    expect(secrets.body).toMatchObject({ kind: 'Status', reason: 'Forbidden', code: 403 });
  });

  it('ends a watch whose token is revoked with an ERROR Status (401)', async () => {
    start(10);
    const token = await fixture.tokenFor('kargo-viewer', 'demo', 'short-lived');
    const events = await watch(`${STAGES}?watch=true`, bearer(token));
    expect([summary(await events.next()), summary(await events.next())]).toEqual([
      'ADDED dev',
      'ADDED prod',
    ]);
    await fixture.auth.tokens.delete('demo', 'short-lived');
    const error = await events.next();
    expect(error).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', reason: 'Unauthorized', code: 401 },
    });
    await events.end();
  });

  it('never shows Secret values, and watches core v1 kinds', async () => {
    await apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'demo' },
        stringData: { password: 'hunter22' },
      },
    ]);
    const secrets = await watch('/api/v1/namespaces/demo/secrets?watch=true');
    const added = await secrets.next();
    expect(added).toMatchObject({ type: 'ADDED', object: { kind: 'Secret', apiVersion: 'v1' } });
    // Values withheld, in kube's base64 shape (kube-secret.ts): base64 of Gantry's `***`.
    expect(added.object.data).toEqual({ password: WITHHELD_SECRET_VALUE });
    await apply([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'creds', namespace: 'demo' },
        stringData: { password: 'hunter23' },
      },
    ]);
    const modified = await secrets.next();
    expect(modified.type).toBe('MODIFIED');
    expect(JSON.stringify(modified)).not.toMatch(/hunter|aHVudGVy/);
  });

  it('sends one-row Tables when asked (kubectl get -w), with the columns on the first only', async () => {
    const events = await watch(`${STAGES}?watch=true`, { ...admin, accept: TABLE });
    const first = await events.next();
    expect(first.type).toBe('ADDED');
    expect(first.object).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(first.object.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      'Name',
      'Shard',
      'Current Freight',
      'Health',
      'Ready',
      'Status',
      'Age',
    ]);
    expect(first.object.rows).toHaveLength(1);
    expect(first.object.rows[0].cells[0]).toBe('dev');
    expect(first.object.rows[0].object).toMatchObject({
      kind: 'PartialObjectMetadata',
      metadata: { name: 'dev' },
    });
    const second = await events.next();
    expect(second.object.columnDefinitions).toBeNull();
    expect(second.object.rows[0].cells[0]).toBe('prod');
    await label(stage('prod'), { color: 'blue' });
    const modified = await events.next();
    expect(modified.type).toBe('MODIFIED');
    expect(modified.object.metadata.resourceVersion).toBe(
      modified.object.rows[0].object.metadata.resourceVersion,
    );
  });

  it('sends bookmarks as Tables too when a Table watch allows them', async () => {
    start(10);
    const events = await watch(`${STAGES}?watch=true&allowWatchBookmarks=true`, {
      ...admin,
      accept: TABLE,
    });
    await events.next();
    await events.next();
    const bookmark = await events.next();
    expect(bookmark).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'Table', columnDefinitions: null, rows: [{ object: { metadata: {} } }] },
    });
    expect(Number(bookmark.object.metadata.resourceVersion)).toBeGreaterThan(0);
  });
});
