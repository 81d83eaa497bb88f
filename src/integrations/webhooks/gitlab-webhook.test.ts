import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../errors.js';
import { gitlabWebhook } from './gitlab-webhook.js';
import type { RepositoryRef, WebhookOutcome, WebhookRequest } from './webhook-provider.js';

const TOKEN = 'gl-receiver-token-4f1b2c';

function call(event: string | undefined, payload: unknown, token: string | null = TOKEN) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.0.0',
    'x-gitlab-instance': 'https://gitlab.example.com',
    'x-gitlab-webhook-uuid': '2f3ae5e8-0b2c-4a70-9f7e-1c9e5b9d6a11',
  };
  if (event !== undefined) headers['x-gitlab-event'] = event;
  if (token !== null) headers['x-gitlab-token'] = token;
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return { headers, body } satisfies WebhookRequest;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

const project = {
  id: 15,
  name: 'gitops',
  description: 'Deployment manifests',
  web_url: 'https://gitlab.example.com/acme/gitops',
  avatar_url: null,
  git_ssh_url: 'git@gitlab.example.com:acme/gitops.git',
  git_http_url: 'https://gitlab.example.com/acme/gitops.git',
  namespace: 'acme',
  visibility_level: 0,
  path_with_namespace: 'acme/gitops',
  default_branch: 'main',
  homepage: 'https://gitlab.example.com/acme/gitops',
  url: 'git@gitlab.example.com:acme/gitops.git',
  ssh_url: 'git@gitlab.example.com:acme/gitops.git',
  http_url: 'https://gitlab.example.com/acme/gitops.git',
};

const repository = {
  name: 'gitops',
  url: 'git@gitlab.example.com:acme/gitops.git',
  description: 'Deployment manifests',
  homepage: 'https://gitlab.example.com/acme/gitops',
  git_http_url: 'https://gitlab.example.com/acme/gitops.git',
  git_ssh_url: 'git@gitlab.example.com:acme/gitops.git',
  visibility_level: 0,
};

function commit(id: string, files: { added?: string[]; modified?: string[]; removed?: string[] }) {
  return {
    id,
    message: `change ${id}\n`,
    title: `change ${id}`,
    timestamp: '2024-05-14T10:31:02+02:00',
    url: `https://gitlab.example.com/acme/gitops/-/commit/${id}`,
    author: { name: 'Ada', email: 'ada@acme.example' },
    added: files.added ?? [],
    modified: files.modified ?? [],
    removed: files.removed ?? [],
  };
}

function pushHook(overrides: Record<string, unknown> = {}) {
  return {
    object_kind: 'push',
    event_name: 'push',
    before: '95790bf891e76fee5e1747ab589903a6a1f80f22',
    after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    ref: 'refs/heads/main',
    ref_protected: true,
    checkout_sha: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
    user_id: 4,
    user_name: 'Ada',
    user_username: 'ada',
    user_email: '',
    user_avatar: 'https://gitlab.example.com/uploads/user/avatar/4/ada.png',
    project_id: 15,
    project,
    commits: [
      commit('b6568db1', { modified: ['envs/dev/values.yaml'] }),
      commit('da156088', { added: ['envs/prod/values.yaml'], modified: ['envs/dev/values.yaml'] }),
    ],
    total_commits_count: 2,
    push_options: {},
    repository,
    ...overrides,
  };
}

/** A Merge Request Hook as GitLab sends it (webhook_events#merge-request-events), abridged. */
function mergeRequestHook(action: string, state: string) {
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: { id: 4, name: 'Ada', username: 'ada', email: '[REDACTED]' },
    project,
    object_attributes: {
      id: 99,
      iid: 7,
      title: 'Promote fruitful-ferret to prod',
      description: 'Freight fruitful-ferret',
      state,
      action,
      source_branch: 'kargo/promotion/prod.1',
      target_branch: 'main',
      merge_commit_sha: state === 'merged' ? 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7' : null,
      merge_status: 'can_be_merged',
      detailed_merge_status: state === 'opened' ? 'mergeable' : 'not_open',
      last_commit: { id: 'b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327' },
      url: 'https://gitlab.example.com/acme/gitops/-/merge_requests/7',
      created_at: '2024-05-14 08:31:02 UTC',
      updated_at: '2024-05-14 09:02:11 UTC',
    },
    labels: [{ id: 1, title: 'kargo' }],
    changes: { state_id: { previous: 1, current: state === 'merged' ? 3 : 2 } },
    repository,
  };
}

const BOTH_URLS: RepositoryRef[] = [
  { type: 'git', url: 'https://gitlab.example.com/acme/gitops.git' },
  { type: 'git', url: 'git@gitlab.example.com:acme/gitops.git' },
];

describe('gitlabWebhook', () => {
  it('keeps its secret under the key Kargo uses', () => {
    expect(gitlabWebhook.name).toBe('gitlab');
    expect(gitlabWebhook.secretKey).toBe('secret-token');
  });

  describe('verify', () => {
    const cases: Array<{ name: string; request: WebhookRequest; secret?: string; want?: string }> =
      [
        { name: 'the right token', request: call('Push Hook', pushHook()) },
        {
          name: 'another token of the same length',
          request: call('Push Hook', pushHook(), TOKEN.replace('4f', '5f')),
          want: 'X-Gitlab-Token does not match',
        },
        {
          name: 'a token of another length',
          request: call('Push Hook', pushHook(), `${TOKEN}x`),
          want: 'X-Gitlab-Token does not match',
        },
        {
          name: 'a missing token',
          request: call('Push Hook', pushHook(), null),
          want: 'missing X-Gitlab-Token header',
        },
        {
          name: 'an empty token against an empty secret',
          request: call('Push Hook', pushHook(), ''),
          secret: '',
          want: "the receiver's Secret has no value to check the token with",
        },
      ];
    for (const { name, request, secret, want } of cases) {
      it(`${want === undefined ? 'accepts' : 'refuses'} ${name}`, () => {
        expect(gitlabWebhook.verify(request, secret ?? TOKEN)).toBe(want);
      });
    }
  });

  describe('parse', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: WebhookOutcome }> = [
      {
        name: 'Push Hook: the union of the changed files, over HTTPS and SSH',
        request: call('Push Hook', pushHook()),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          changedPaths: ['envs/dev/values.yaml', 'envs/prod/values.yaml'],
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'Push Hook with more commits than listed (GitLab caps at 20): no changed paths',
        request: call(
          'Push Hook',
          pushHook({
            commits: Array.from({ length: 20 }, (_, i) => commit(`c${i}`, { modified: [`f${i}`] })),
            total_commits_count: 31,
          }),
        ),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'Push Hook with exactly 20 commits, all listed: their changed paths',
        request: call(
          'Push Hook',
          pushHook({
            commits: Array.from({ length: 20 }, () => commit('c', { modified: ['f'] })),
            total_commits_count: 20,
          }),
        ),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          changedPaths: ['f'],
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'Push Hook without a project falls back to repository.git_http_url',
        request: call('Push Hook', { ...pushHook(), project: undefined }),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          changedPaths: ['envs/dev/values.yaml', 'envs/prod/values.yaml'],
          description: 'push to refs/heads/main of https://gitlab.example.com/acme/gitops.git',
        },
      },
      {
        name: 'Push Hook creating a branch at an existing commit (no commits): no changed paths',
        request: call(
          'Push Hook',
          pushHook({
            ref: 'refs/heads/release',
            before: '0000000000000000000000000000000000000000',
            commits: [],
            total_commits_count: 0,
          }),
        ),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          description: 'push to refs/heads/release of acme/gitops',
        },
      },
      {
        name: 'Push Hook deleting a branch',
        request: call(
          'Push Hook',
          pushHook({
            ref: 'refs/heads/feature',
            after: '0000000000000000000000000000000000000000',
            checkout_sha: null,
            commits: [],
            total_commits_count: 0,
          }),
        ),
        want: { kind: 'ignored', reason: 'push deletes refs/heads/feature of acme/gitops' },
      },
      {
        name: 'Tag Push Hook: no changed paths (the tag may name an older commit)',
        request: call(
          'Tag Push Hook',
          pushHook({
            object_kind: 'tag_push',
            event_name: 'tag_push',
            before: '0000000000000000000000000000000000000000',
            ref: 'refs/tags/v1.0.0',
            message: 'Tag message',
            commits: [commit('82b3d5ae', { modified: ['envs/dev/values.yaml'] })],
            total_commits_count: 1,
          }),
        ),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          description: 'push to refs/tags/v1.0.0 of acme/gitops',
        },
      },
      {
        name: 'Merge Request Hook, merged: wakes the Promotions waiting on its web page',
        request: call('Merge Request Hook', mergeRequestHook('merge', 'merged')),
        want: {
          kind: 'pull-request',
          urls: ['https://gitlab.example.com/acme/gitops/-/merge_requests/7'],
          description: 'merge request !7 of acme/gitops merged',
        },
      },
      {
        name: 'Merge Request Hook, closed without merging',
        request: call('Merge Request Hook', mergeRequestHook('close', 'closed')),
        want: {
          kind: 'pull-request',
          urls: ['https://gitlab.example.com/acme/gitops/-/merge_requests/7'],
          description: 'merge request !7 of acme/gitops closed',
        },
      },
      ...(['open', 'update', 'approved', 'reopen'] as const).map((action) => ({
        name: `Merge Request Hook, action ${action}: nothing to wake`,
        request: call('Merge Request Hook', mergeRequestHook(action, 'opened')),
        want: {
          kind: 'ignored' as const,
          reason: `merge request !7 of acme/gitops: action "${action}" is not handled`,
        },
      })),
      {
        name: 'a pipeline event',
        request: call('Pipeline Hook', { object_kind: 'pipeline', project }),
        want: { kind: 'ignored', reason: 'GitLab event "Pipeline Hook" is not handled' },
      },
    ];
    for (const { name, request, want } of cases) {
      it(name, () => {
        expect(gitlabWebhook.parse(request)).toEqual(want);
      });
    }
  });

  describe('malformed payloads', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: string }> = [
      {
        name: 'a body that is not JSON',
        request: call('Push Hook', '<xml/>'),
        want: 'GitLab Push Hook: the body is not JSON',
      },
      {
        name: 'no event header',
        request: call(undefined, pushHook()),
        want: 'GitLab webhook: missing X-Gitlab-Event header',
      },
      {
        name: 'a push naming no repository URL',
        request: call('Push Hook', { ...pushHook(), project: { id: 15 }, repository: undefined }),
        want: 'GitLab Push Hook: project.git_http_url is missing',
      },
      {
        name: 'a tag push without a ref',
        request: call('Tag Push Hook', { ...pushHook(), ref: undefined }),
        want: 'GitLab Tag Push Hook: ref is missing',
      },
      {
        name: 'a merge request event without its web page',
        request: call('Merge Request Hook', {
          ...mergeRequestHook('merge', 'merged'),
          object_attributes: { iid: 7, action: 'merge' },
        }),
        want: 'GitLab Merge Request Hook: object_attributes.url is missing',
      },
      {
        name: 'a merge request event without its attributes',
        request: call('Merge Request Hook', { object_kind: 'merge_request', project }),
        want: 'GitLab Merge Request Hook: object_attributes is missing',
      },
      {
        name: 'a push whose commit count is not a number',
        request: call('Push Hook', pushHook({ total_commits_count: 'many' })),
        want: 'GitLab Push Hook: total_commits_count: expected a number',
      },
    ];
    for (const { name, request, want } of cases) {
      it(`rejects ${name} as invalid input`, () => {
        const err = thrown(() => gitlabWebhook.parse(request));
        expect(isGantryError(err, 'Invalid')).toBe(true);
        expect((err as Error).message).toContain(want);
      });
    }
  });
});
