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
                      whenExpression: "request.body.event == 'built'",
                      targetSelectionCriteria: [
                        {
                          kind: 'Warehouse',
                          indexSelector: {
                            matchIndices: [
                              {
                                key: 'subscribedURLs',
                                operator: 'Equals',
                                value: '${{ request.body.image }}',
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
  const call = (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const [, , provider, hash] = path.split('/');
    return receivers.handle(provider!, hash!, {
      headers: { 'content-type': 'application/json', ...headers },
      body: Buffer.from(JSON.stringify(body)),
      method: 'POST',
      url: `http://gantry.test${path}`,
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
    const answer = await call(path, { event: 'built', image: 'docker.io/acme/api' });
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

  it('answers 404 for an unknown URL, and for a receiver whose Secret is missing', async () => {
    expect((await call('/webhook/gitlab/0123', push)).status).toBe(404);
    expect((await call(pathOf('orphan', {}, { quay: {} }), {})).status).toBe(404);
  });
});
