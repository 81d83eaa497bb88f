import { getEventListeners } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PromotionLogs } from '../engine/promotion-logs.js';
import { sseReader } from '../../test/sse.js';
import { until } from '../../test/in-process-cli.js';
import { silentLogger } from '../logger.js';
import { ResourceService } from '../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createApp } from './app.js';
import { unavailableError } from '../errors.js';
import { bearer, testAuth } from '../../test/auth-fixtures.js';

const api = 'kargo.akuity.io/v1alpha1';
const stage = (name: string, labels?: Record<string, string>) => ({
  apiVersion: api,
  kind: 'Stage',
  metadata: { name, ...(labels ? { labels } : {}) },
  spec: {
    requestedFreight: [{ origin: { kind: 'Warehouse', name: 'web' }, sources: { direct: true } }],
  },
});

describe('HTTP API', () => {
  let store: SqliteStore;
  let shutdown: AbortController;
  let app: ReturnType<typeof createApp>;
  let admin: Record<string, string>;

  const send = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    app.request(path, {
      method,
      headers:
        body === undefined
          ? { ...admin, ...headers }
          : { 'content-type': 'application/json', ...admin, ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  /** What a controller does: status is the server's to write. */
  const writeStatus = (name: string, status: unknown) =>
    store.write([{ op: 'updateStatus', key: { kind: 'Stage', namespace: 'demo', name }, status }]);
  /** A request as the test's admin. */
  const authed = (path: string, init: RequestInit = {}) =>
    app.request(path, {
      ...init,
      headers: { ...admin, ...(init.headers as Record<string, string> | undefined) },
    });
  const json = async (response: Response) => (await response.json()) as Record<string, any>;

  let tokenFor: (role: string, project?: string, name?: string) => Promise<string>;
  const appOn = async (target: SqliteStore) => {
    const fixture = await testAuth(target);
    admin = bearer(fixture.adminToken);
    tokenFor = (role, project, name) => fixture.tokenFor(role, project, name);
    return createApp({
      auth: fixture.auth,
      watchHeartbeatMs: 50,
      service: new ResourceService({ store: target }),
      store: target,
      logger: silentLogger,
      shutdown: shutdown.signal,
      storeKind: 'sqlite',
      logs: new PromotionLogs(join(tmpdir(), 'gantry-app-test-logs')),
    });
  };

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:', pollIntervalMs: 50 });
    shutdown = new AbortController();
    app = await appOn(store);
    expect(
      (
        await send('POST', '/v1/projects', {
          apiVersion: api,
          kind: 'Project',
          metadata: { name: 'demo' },
        })
      ).status,
    ).toBe(201);
  });
  afterEach(async () => {
    shutdown.abort();
    await store.close();
  });

  it('creates, reads, updates and deletes a Stage', async () => {
    const created = await send('POST', '/v1/projects/demo/stages', stage('dev'));
    expect(created.status).toBe(201);
    const body = await json(created);
    expect(body.metadata).toMatchObject({ name: 'dev', namespace: 'demo', generation: 1 });

    const got = await json(await send('GET', '/v1/projects/demo/stages/dev'));
    expect(got.spec.requestedFreight[0].sources.availabilityStrategy).toBe('OneOf');

    const update = {
      ...stage('dev'),
      spec: { ...stage('dev').spec, vars: [{ name: 'x', value: '1' }] },
      metadata: { name: 'dev', resourceVersion: body.metadata.resourceVersion },
    };
    const updated = await send('PUT', '/v1/projects/demo/stages/dev', update);
    expect(updated.status).toBe(200);
    expect(updated.headers.get('gantry-outcome')).toBe('configured');
    expect((await json(updated)).metadata.generation).toBe(2);

    const stale = await send('PUT', '/v1/projects/demo/stages/dev', update);
    expect(stale.status).toBe(409);
    expect(await json(stale)).toMatchObject({
      error: {
        code: 'Conflict',
        message: expect.stringMatching(
          /^Stage "dev" in project "demo" was modified \(resourceVersion \d+, the write expected \d+\): read it again and retry$/,
        ),
      },
    });

    const again = await send('POST', '/v1/projects/demo/stages', stage('dev'));
    expect(again.status).toBe(409);
    expect((await json(again)).error.code).toBe('AlreadyExists');

    expect((await send('DELETE', '/v1/projects/demo/stages/dev')).status).toBe(200);
    const gone = await send('GET', '/v1/projects/demo/stages/dev');
    expect(gone.status).toBe(404);
    expect(await json(gone)).toEqual({
      error: { code: 'NotFound', message: 'Stage "dev" in project "demo" not found' },
    });
  });

  it('answers 503 with Retry-After while the store is unavailable, and recovers with it', async () => {
    const away = () => Promise.reject(unavailableError('the store is unavailable (test)'));
    Object.assign(store, { list: away, listJson: away, get: away });
    try {
      const response = await send('GET', '/v1/projects/demo/stages');
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('5');
      expect((await json(response)).error).toEqual({
        code: 'Unavailable',
        message: 'the store is unavailable (test)',
      });
    } finally {
      for (const method of ['list', 'listJson', 'get']) Reflect.deleteProperty(store, method);
    }
    expect((await send('GET', '/v1/projects/demo/stages')).status).toBe(200);
  });

  it('answers bad requests with one error shape naming the problem', async () => {
    const cases: Array<[Response, number, string]> = [
      [
        await send('POST', '/v1/projects/demo/stages', '{not json'),
        400,
        'the request body is not valid JSON',
      ],
      [
        await send('PUT', '/v1/projects/demo/stages/dev', { ...stage('other') }),
        400,
        'metadata.name "other" does not match the URL\'s name "dev"',
      ],
      [
        await send('PUT', '/v1/projects/demo/stages/dev', { ...stage('dev'), kind: 'Warehouse' }),
        400,
        'kind "Warehouse" does not match the URL, which is for Stage',
      ],
      [
        await send('PUT', '/v1/projects/demo/stages/dev', {
          ...stage('dev'),
          metadata: { name: 'dev', namespace: 'x' },
        }),
        400,
        'metadata.namespace "x" does not match the URL\'s project "demo"',
      ],
      [
        await send('GET', '/v1/projects/demo/stages?limit=zero'),
        400,
        'limit must be a whole number from 1 to 10000, got "zero"',
      ],
      [
        await send('GET', '/v1/projects/demo/stages?labelSelector=a%20b'),
        400,
        'labelSelector: "a b" is not a label requirement',
      ],
      [await send('GET', '/v1/nothing-here'), 404, 'no such API path: GET /v1/nothing-here'],
      [
        await send('POST', '/v1/projects/nope/stages', stage('dev')),
        404,
        'project "nope" does not exist',
      ],
    ];
    for (const [response, status, message] of cases) {
      expect(response.status).toBe(status);
      const body = await json(response);
      expect(Object.keys(body)).toEqual(['error']);
      expect(body.error.message).toContain(message);
    }
    const invalid = await json(
      await send('POST', '/v1/projects/demo/stages', {
        ...stage('dev'),
        spec: { requestedFreight: [] },
      }),
    );
    expect(invalid).toEqual({
      error: {
        code: 'Invalid',
        message: 'document 1: spec.requestedFreight: must have at least one item',
        issues: [
          { document: 0, path: 'spec.requestedFreight', message: 'must have at least one item' },
        ],
      },
    });
  });

  it('lists with label selectors and pages, in one project or all', async () => {
    await send('POST', '/v1/projects', {
      apiVersion: api,
      kind: 'Project',
      metadata: { name: 'other' },
    });
    for (let i = 0; i < 7; i++) {
      await send(
        'POST',
        '/v1/projects/demo/stages',
        stage(`s${i}`, { parity: i % 2 ? 'odd' : 'even' }),
      );
    }
    await send('POST', '/v1/projects/other/stages', stage('elsewhere'));
    const list = await json(
      await send('GET', '/v1/projects/demo/stages?labelSelector=parity%3Dodd'),
    );
    expect(list.kind).toBe('StageList');
    expect(list.items.map((o: any) => o.metadata.name)).toEqual(['s1', 's3', 's5']);
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);

    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await json(
        await send('GET', `/v1/projects/demo/stages?limit=3${token ? `&continue=${token}` : ''}`),
      );
      names.push(...page.items.map((o: any) => o.metadata.name));
      token = page.metadata.continue;
    } while (token);
    expect(names).toEqual(['s0', 's1', 's2', 's3', 's4', 's5', 's6']);

    const all = await json(await send('GET', '/v1/stages'));
    expect(all.items).toHaveLength(8);
    const bad = await send('GET', '/v1/projects/demo/stages?continue=garbage');
    expect(bad.status).toBe(400);
  });

  it('serves status as its own sub-resource, which no user can write (controllers own it)', async () => {
    await send('POST', '/v1/projects/demo/stages', stage('dev'));
    await writeStatus('dev', { health: { status: 'Healthy' } });
    const forged = await send('PUT', '/v1/projects/demo/stages/dev/status', {
      status: { health: { status: 'Unknown' } },
    });
    expect(forged.status).toBe(403);
    expect((await json(forged)).error.message).toBe(
      'token:test-admin may not update stages/status "dev" in project "demo"',
    );
    // A normal write never touches status either.
    await send('PUT', '/v1/projects/demo/stages/dev', {
      ...stage('dev'),
      status: { health: { status: 'Unknown' } },
    });
    expect((await json(await send('GET', '/v1/projects/demo/stages/dev/status'))).status).toEqual({
      health: { status: 'Healthy' },
    });
  });

  it('applies multi-document YAML atomically', async () => {
    const yaml = [
      'apiVersion: kargo.akuity.io/v1alpha1',
      'kind: Warehouse',
      'metadata: {name: web}',
      'spec:',
      '  subscriptions:',
      '  - image: {repoURL: ghcr.io/acme/web}',
      '---',
      'apiVersion: kargo.akuity.io/v1alpha1',
      'kind: Stage',
      'metadata: {name: dev}',
      'spec:',
      '  requestedFreight:',
      '  - origin: {kind: Warehouse, name: web}',
      '    sources: {direct: true}',
    ].join('\n');
    const response = await authed('/v1/resources?project=demo', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: yaml,
    });
    expect(response.status).toBe(200);
    expect(
      (await json(response)).items.map((i: any) => `${i.kind}/${i.name} ${i.outcome}`),
    ).toEqual(['Warehouse/web created', 'Stage/dev created']);

    const broken = await authed('/v1/resources', {
      method: 'PUT',
      headers: { 'content-type': 'application/yaml' },
      body: 'kind: [',
    });
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.message).toMatch(
      /^the YAML body is malformed at line \d+, column \d+/,
    );

    const deleted = await send('DELETE', '/v1/resources?project=demo', {
      items: [
        { kind: 'Stage', metadata: { name: 'dev' } },
        { kind: 'Stage', metadata: { name: 'nope' } },
      ],
    });
    expect(deleted.status).toBe(404);
    expect(await store.get({ kind: 'Stage', namespace: 'demo', name: 'dev' })).toBeDefined();
    const tolerant = await json(
      await send('DELETE', '/v1/resources?project=demo&ignoreNotFound=true', {
        items: [
          { kind: 'Stage', metadata: { name: 'dev' } },
          { kind: 'Stage', metadata: { name: 'nope' } },
        ],
      }),
    );
    expect(tolerant.items.map((i: any) => i.outcome)).toEqual(['deleted', 'not found']);
  });

  it('streams a watch: current objects, a bookmark, then changes with resumable ids', async () => {
    await send('POST', '/v1/projects/demo/stages', stage('a'));
    const controller = new AbortController();
    const response = await authed('/v1/projects/demo/stages?watch=true', {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = sseReader(response.body!);
    expect(await events.json()).toMatchObject({
      type: 'ADDED',
      object: { metadata: { name: 'a' } },
    });
    const bookmark = await events.json();
    expect(bookmark.type).toBe('BOOKMARK');
    await send('POST', '/v1/projects/demo/stages', stage('b'));
    await writeStatus('b', { freightSummary: 'x' });
    const added = await events.json();
    expect(added).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    expect(added.id).toBe(added.object.metadata.resourceVersion);
    const modified = await events.json();
    expect(modified.type).toBe('MODIFIED');
    await events.close();
    controller.abort();

    // Resume from the first change, as an EventSource would with Last-Event-ID.
    const resumed = sseReader(
      (
        await authed('/v1/projects/demo/stages?watch=true', {
          headers: { 'last-event-id': added.id! },
        })
      ).body!,
    );
    expect(await resumed.json()).toMatchObject({ type: 'MODIFIED', id: modified.id });
    await resumed.close();
  });

  it('leaves no listener on the shutdown signal after many requests and dropped watches', async () => {
    await send('POST', '/v1/projects/demo/stages', stage('a'));
    const baseline = getEventListeners(shutdown.signal, 'abort').length;
    for (let index = 0; index < 50; index++) {
      expect((await authed('/v1/projects/demo/stages')).status).toBe(200);
      await send('PUT', '/v1/projects/demo/stages/a', {
        ...stage('a'),
        spec: { ...stage('a').spec, vars: [{ name: 'n', value: String(index) }] },
      });
      const dropping = new AbortController();
      const events = sseReader(
        (await authed('/v1/projects/demo/stages?watch=true', { signal: dropping.signal })).body!,
      );
      expect((await events.json()).type).toBe('ADDED');
      await events.close();
      dropping.abort();
    }
    // Each watch lets go of the shutdown signal once its stream has ended.
    await until(
      () => Promise.resolve(getEventListeners(shutdown.signal, 'abort').length <= baseline),
      'the dropped watches to end',
    );
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(baseline);
  });

  it('ends a watch on a compacted version with an Expired error event', async () => {
    await store.close();
    store = openSqliteStore({ path: ':memory:', historyLimit: 2, pollIntervalMs: 50 });
    app = await appOn(store);
    await send('POST', '/v1/projects', {
      apiVersion: api,
      kind: 'Project',
      metadata: { name: 'demo' },
    });
    for (let i = 0; i < 5; i++) await send('POST', '/v1/projects/demo/stages', stage(`s${i}`));
    store.compact();
    const events = sseReader(
      (await authed('/v1/projects/demo/stages?watch=true&resourceVersion=1')).body!,
    );
    const error = await events.json<{ type: string; error: { code: string; message: string } }>();
    expect(error.type).toBe('ERROR');
    expect(error.error.code).toBe('Expired');
    await events.close();
  });

  it('watches one object, and several kinds of a project on one stream', async () => {
    await send('POST', '/v1/projects/demo/stages', stage('a'));
    const one = sseReader((await authed('/v1/projects/demo/stages/a?watch=true')).body!);
    expect((await one.json()).type).toBe('ADDED');
    expect((await one.json()).type).toBe('BOOKMARK');
    const start = (await json(await send('GET', '/v1/projects/demo/stages'))).metadata
      .resourceVersion;
    const many = sseReader(
      (await authed(`/v1/watch?kinds=stages,warehouses&project=demo&resourceVersion=${start}`))
        .body!,
    );
    await send('POST', '/v1/projects/demo/stages', stage('b'));
    await writeStatus('a', { freightSummary: 'y' });
    await send('POST', '/v1/projects/demo/warehouses', {
      apiVersion: api,
      kind: 'Warehouse',
      metadata: { name: 'web' },
      spec: { subscriptions: [{ image: { repoURL: 'a/b' } }] },
    });
    expect((await one.json()).object.metadata.name).toBe('a');
    expect((await many.json()).object.metadata.name).toBe('b');
    expect((await many.json()).object.metadata.name).toBe('a');
    expect((await many.json()).object.kind).toBe('Warehouse');
    await one.close();
    await many.close();
    const badKind = await send('GET', '/v1/watch?kinds=gizmos');
    expect(badKind.status).toBe(400);
  });

  it('never shows the values of Secrets', async () => {
    const created = await send('POST', '/v1/projects/demo/secrets', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'git-creds', labels: { 'kargo.akuity.io/cred-type': 'git' } },
      stringData: { repoURL: 'https://git.example.com/x', password: 'hunter2' },
    });
    expect(created.status).toBe(201);
    const texts = [
      await created.text(),
      await (await send('GET', '/v1/projects/demo/secrets/git-creds')).text(),
      await (await send('GET', '/v1/projects/demo/secrets')).text(),
      await (await send('GET', '/v1/secrets')).text(),
    ];
    for (const text of texts) {
      expect(text).toContain('"password":"***"');
      expect(text).not.toContain('hunter2');
      expect(text).not.toContain(Buffer.from('hunter2').toString('base64'));
    }
    const events = sseReader((await authed('/v1/projects/demo/secrets?watch=true')).body!);
    const added = await events.next();
    expect(added.data).toContain('"password":"***"');
    expect(added.data).not.toContain(Buffer.from('hunter2').toString('base64'));
    await events.close();
  });

  it('ends a watch whose token is revoked, within a heartbeat', async () => {
    const token = await tokenFor('kargo-viewer', 'demo', 'watcher');
    const events = sseReader(
      (await app.request('/v1/watch?project=demo', { headers: bearer(token) })).body!,
    );
    expect((await send('DELETE', '/v1/projects/demo/tokens/watcher')).status).toBe(200);
    expect(await events.json()).toMatchObject({
      type: 'ERROR',
      error: { code: 'Unauthenticated' },
    });
    await expect(events.next(2_000)).rejects.toThrow('the event stream ended');
  });

  it('ends every watch when the server shuts down', async () => {
    const events = sseReader((await authed('/v1/watch?project=demo')).body!);
    shutdown.abort();
    await expect(events.next(2_000)).rejects.toThrow('the event stream ended');
  });
});
