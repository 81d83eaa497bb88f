import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REFRESH_ANNOTATION } from '../../api/labels.js';
import { isGantryError } from '../../errors.js';
import { ResourceService } from '../../resources/resource-service.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/sqlite-store.js';
import { receiverPath, WebhookReceivers } from './webhook-receivers.js';

const api = 'kargo.akuity.io/v1alpha1';

describe('WebhookReceivers', () => {
  let store: SqliteStore;
  let receivers: WebhookReceivers;

  const warehouse = (name: string, subscriptions: unknown[], labels?: Record<string, string>) => ({
    apiVersion: api,
    kind: 'Warehouse',
    metadata: { name, namespace: 'shop', ...(labels ? { labels } : {}) },
    spec: { subscriptions },
  });
  const receiver = (name: string, provider: Record<string, unknown>) => ({ name, ...provider });

  beforeEach(async () => {
    store = openSqliteStore({ path: ':memory:' });
    receivers = new WebhookReceivers({ store });
    await new ResourceService({ store }).apply({
      mode: 'apply',
      documents: [
        { apiVersion: api, kind: 'Project', metadata: { name: 'shop' } },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'gitlab', namespace: 'shop' },
          stringData: { 'secret-token': 'gl-token' },
        },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'url-only', namespace: 'shop' },
          stringData: { secret: 'some-random-value' },
        },
        {
          apiVersion: api,
          kind: 'ProjectConfig',
          metadata: { name: 'shop', namespace: 'shop' },
          spec: {
            webhookReceivers: [
              receiver('gl', { gitlab: { secretRef: { name: 'gitlab' } } }),
              receiver('hub', { dockerhub: { secretRef: { name: 'url-only' } } }),
              receiver('ci', {
                generic: {
                  secretRef: { name: 'url-only' },
                  actions: [
                    {
                      action: 'Refresh',
                      // Kargo's request: body, header(), params(), and normalizeImage().
                      whenExpression:
                        "request.body.event == 'built' && request.header('X-Build') != 'skip' && request.params('dry') != 'true' && request.body.count > 0.5",
                      targetSelectionCriteria: [
                        {
                          kind: 'Warehouse',
                          indexSelector: {
                            matchIndices: [
                              {
                                key: 'subscribedURLs',
                                operator: 'Equals',
                                value: '${{ normalizeImage(request.body.image) }}',
                              },
                            ],
                          },
                        },
                        { kind: 'Warehouse', labelSelector: { matchLabels: { team: 'data' } } },
                      ],
                    },
                  ],
                },
              }),
              receiver('orphan', { quay: { secretRef: { name: 'missing' } } }),
            ],
          },
        },
        warehouse('app', [{ git: { repoURL: 'https://gitlab.example.com/acme/app.git' } }]),
        warehouse('api', [{ image: { repoURL: 'acme/api' } }]),
        warehouse('worker', [{ image: { repoURL: 'docker.io/acme/worker' } }]),
        warehouse('reports', [{ image: { repoURL: 'ghcr.io/acme/reports' } }], { team: 'data' }),
      ],
    });
  });
  afterEach(async () => {
    await store.close();
  });

  const pathOf = (
    name: string,
    secret: Record<string, string>,
    provider: Record<string, unknown>,
  ) => receiverPath('shop', receiver(name, provider), secret);
  const call = (path: string, body: unknown, headers: Record<string, string> = {}, query = '') => {
    const [, , provider, hash] = path.split('/');
    return receivers.handle(provider!, hash!, {
      headers: { 'content-type': 'application/json', ...headers },
      body: Buffer.from(JSON.stringify(body)),
      method: 'POST',
      url: `http://gantry.test${path}${query}`,
    });
  };
  const refreshed = async () => {
    const { items } = await store.list('Warehouse', { namespace: 'shop' });
    return items
      .filter((w) => w.metadata.annotations?.[REFRESH_ANNOTATION])
      .map((w) => w.metadata.name)
      .sort();
  };

  const gitlabPath = () =>
    pathOf('gl', { 'secret-token': 'gl-token' }, { gitlab: { secretRef: { name: 'gitlab' } } });
  const push = {
    ref: 'refs/heads/main',
    project: {
      git_http_url: 'https://gitlab.example.com/acme/app.git',
      path_with_namespace: 'acme/app',
    },
    commits: [],
    total_commits_count: 0,
  };

  it('derives an unguessable path from the project, the receiver and its Secret', () => {
    const path = gitlabPath();
    expect(path).toMatch(/^\/webhook\/gitlab\/[0-9a-f]{64}$/);
    expect(pathOf('gl', { 'secret-token': 'rotated' }, { gitlab: {} })).not.toBe(path);
  });

  it('refuses a call with the wrong token and changes nothing', async () => {
    const answer = await call(gitlabPath(), push, {
      'x-gitlab-event': 'Push Hook',
      'x-gitlab-token': 'guess',
    });
    expect(answer.status).toBe(401);
    expect(await refreshed()).toEqual([]);
  });

  it('refreshes exactly the Warehouses subscribed to the pushed repository', async () => {
    const answer = await call(gitlabPath(), push, {
      'x-gitlab-event': 'Push Hook',
      'x-gitlab-token': 'gl-token',
    });
    expect(answer).toEqual({
      status: 200,
      body: {
        message: 'push to refs/heads/main of acme/app: refreshed 1 Warehouse',
        refreshed: ['app'],
      },
    });
    expect(await refreshed()).toEqual(['app']);
  });

  it('filters by changed paths with RE2, and refreshes a Warehouse whose pattern was stored before RE2', async () => {
    const gitWarehouse = (name: string, includePaths: string[]) =>
      warehouse(name, [
        { git: { repoURL: 'https://gitlab.example.com/acme/app.git', includePaths } },
      ]);
    await new ResourceService({ store }).apply({
      mode: 'apply',
      documents: [
        gitWarehouse('apps-only', ['regex:(?i)^APPS/']),
        gitWarehouse('docs-only', ['glob:docs/**']),
      ],
    });
    // Admission refuses lookaround now; this one bypasses it, as if stored by an older Gantry.
    await store.write([{ op: 'create', object: gitWarehouse('legacy', ['regex:^(?!docs)']) }]);
    const files = (paths: string[]) => ({
      id: 'c1',
      message: 'change\n',
      timestamp: '2024-05-14T10:31:02+02:00',
      added: [],
      modified: paths,
      removed: [],
    });
    const answer = await call(
      gitlabPath(),
      { ...push, commits: [files(['apps/web/values.yaml'])], total_commits_count: 1 },
      { 'x-gitlab-event': 'Push Hook', 'x-gitlab-token': 'gl-token' },
    );
    expect(answer.status).toBe(200);
    expect(await refreshed()).toEqual(['app', 'apps-only', 'legacy']);
  });

  it('matches Docker Hub names however they are written', async () => {
    const path = pathOf('hub', { secret: 'some-random-value' }, { dockerhub: {} });
    const answer = await call(path, {
      push_data: { tag: '1.2.3' },
      repository: { repo_name: 'acme/worker' },
    });
    expect(answer.body.refreshed).toEqual(['worker']);
  });

  it('runs generic actions: a when-expression, then URL and label criteria', async () => {
    const path = pathOf('ci', { secret: 'some-random-value' }, { generic: {} });
    const skipped = await call(path, { event: 'tested', image: 'acme/api' });
    expect(skipped.body.refreshed).toEqual([]);
    const built = { event: 'built', image: 'docker.io/acme/api', count: 1 };
    expect((await call(path, built, { 'x-build': 'skip' })).body.refreshed).toEqual([]);
    // (another body: the same one again would be a duplicate delivery)
    expect((await call(path, { ...built, count: 2 }, {}, '?dry=true')).body.refreshed).toEqual([]);
    const answer = await call(path, { ...built, count: 3 });
    expect(answer.body.refreshed).toEqual(['api', 'reports']);
    expect(await refreshed()).toEqual(['api', 'reports']);
    const broken = await receivers
      .handle('generic', path.split('/')[3]!, {
        headers: {},
        body: Buffer.from('{not json'),
        method: 'POST',
        url: 'http://gantry.test/',
      })
      .catch((err: unknown) => err);
    expect(isGantryError(broken, 'Invalid')).toBe(true);
  });

  describe('replays', () => {
    const gitlabHeaders = (delivery?: string) => ({
      'x-gitlab-event': 'Push Hook',
      'x-gitlab-token': 'gl-token',
      ...(delivery ? { 'idempotency-key': delivery } : {}),
    });
    const appVersion = async () =>
      (await store.get({ kind: 'Warehouse', namespace: 'shop', name: 'app' }))!.metadata
        .resourceVersion;

    it('accepts a delivery replayed five times once, and says the others are duplicates', async () => {
      const answers = [];
      for (let i = 0; i < 5; i++)
        answers.push(await call(gitlabPath(), push, gitlabHeaders('d-1')));
      expect(answers[0]!.body.refreshed).toEqual(['app']);
      const after = await appVersion();
      for (const answer of answers.slice(1)) {
        expect(answer).toEqual({
          status: 200,
          body: { message: 'duplicate delivery: handled already, ignored', duplicate: true },
        });
      }
      expect(await appVersion()).toBe(after);
      // A new delivery of new content is accepted.
      const next = await call(gitlabPath(), { ...push, after: 'abc' }, gitlabHeaders('d-2'));
      expect(next.body.refreshed).toEqual(['app']);
    });

    it('knows a replay by its signed content when its delivery id was changed', async () => {
      expect((await call(gitlabPath(), push, gitlabHeaders('d-1'))).body.duplicate).toBeUndefined();
      expect((await call(gitlabPath(), push, gitlabHeaders('forged'))).body.duplicate).toBe(true);
      expect((await call(gitlabPath(), push, gitlabHeaders())).body.duplicate).toBe(true);
    });

    it('lets exactly one of two replicas sharing the store accept a delivery', async () => {
      const other = new WebhookReceivers({ store });
      const [path, hash] = [gitlabPath(), gitlabPath().split('/')[3]!];
      const request = {
        headers: { 'content-type': 'application/json', ...gitlabHeaders('d-9') },
        body: Buffer.from(JSON.stringify(push)),
        method: 'POST',
        url: `http://gantry.test${path}`,
      };
      const answers = await Promise.all([
        receivers.handle('gitlab', hash, request),
        other.handle('gitlab', hash, request),
        receivers.handle('gitlab', hash, request),
      ]);
      expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(2);
      expect(answers.filter((a) => a.body.refreshed?.[0] === 'app')).toHaveLength(1);
    });

    it('accepts a delivery again once its window has passed', async () => {
      let now = new Date('2026-11-22T10:00:00Z');
      const clocked = new WebhookReceivers({ store, now: () => now });
      const path = pathOf('hub', { secret: 'some-random-value' }, { dockerhub: {} });
      const hub = (body: unknown) => {
        const [, , provider, hash] = path.split('/');
        return clocked.handle(provider!, hash!, {
          headers: { 'content-type': 'application/json' },
          body: Buffer.from(JSON.stringify(body)),
          method: 'POST',
          url: `http://gantry.test${path}`,
        });
      };
      const body = { push_data: { tag: '1.2.3' }, repository: { repo_name: 'acme/worker' } };
      expect((await hub(body)).body.refreshed).toEqual(['worker']);
      now = new Date('2026-11-22T10:04:00Z');
      expect((await hub(body)).body.duplicate).toBe(true);
      // Docker Hub authenticates by URL only: identical content is a replay for five minutes.
      now = new Date('2026-11-22T10:06:00Z');
      expect((await hub(body)).body.refreshed).toEqual(['worker']);
      expect((await hub(body)).body.duplicate).toBe(true);

      const gitlab = (headers: Record<string, string>) =>
        clocked.handle('gitlab', gitlabPath().split('/')[3]!, {
          headers,
          body: Buffer.from(JSON.stringify(push)),
          method: 'POST',
          url: 'http://gantry.test/',
        });
      expect((await gitlab(gitlabHeaders('g-1'))).body.refreshed).toEqual(['app']);
      // GitLab authenticates its calls: a delivery is remembered for 24 hours.
      now = new Date('2026-11-23T10:05:00Z');
      expect((await gitlab(gitlabHeaders('g-1'))).body.duplicate).toBe(true);
      now = new Date('2026-11-23T10:06:01Z');
      expect((await gitlab(gitlabHeaders('g-1'))).body.refreshed).toEqual(['app']);
    });

    it('records deliveries as internal objects, and refreshes nothing for a refused call', async () => {
      await call(gitlabPath(), push, { ...gitlabHeaders('d-1'), 'x-gitlab-token': 'guess' });
      expect((await store.list('WebhookDelivery', { namespace: 'shop' })).items).toEqual([]);
      await call(gitlabPath(), push, gitlabHeaders('d-1'));
      const records = (await store.list('WebhookDelivery', { namespace: 'shop' })).items;
      expect(records).toHaveLength(2);
      expect(JSON.stringify(records)).not.toContain('gl-token');
    });
  });

  it('answers 404 for an unknown URL, and for a receiver whose Secret is missing', async () => {
    expect((await call('/webhook/gitlab/0123', push)).status).toBe(404);
    expect((await call(pathOf('orphan', {}, { quay: {} }), {})).status).toBe(404);
  });
});
