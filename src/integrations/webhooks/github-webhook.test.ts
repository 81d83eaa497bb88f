import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../errors.js';
import { githubWebhook } from './github-webhook.js';
import type { RepositoryRef, WebhookOutcome, WebhookRequest } from './webhook-provider.js';

const SECRET = 'It5-a-s3cret-0nly-GitHub-kn0ws';

function sign(body: Buffer, secret = SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

function call(event: string | undefined, payload: unknown): WebhookRequest {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/2d5e4d4',
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-github-hook-id': '292430182',
    'x-hub-signature-256': sign(body),
  };
  if (event !== undefined) headers['x-github-event'] = event;
  return { headers, body };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

const repository = {
  id: 35129377,
  name: 'gitops',
  full_name: 'acme/gitops',
  private: false,
  owner: { login: 'acme', id: 21031067, type: 'Organization' },
  html_url: 'https://github.com/acme/gitops',
  url: 'https://github.com/acme/gitops',
  git_url: 'git://github.com/acme/gitops.git',
  ssh_url: 'git@github.com:acme/gitops.git',
  clone_url: 'https://github.com/acme/gitops.git',
  default_branch: 'main',
};

function commit(id: string, files: { added?: string[]; modified?: string[]; removed?: string[] }) {
  return {
    id,
    tree_id: 'f9d2a07e9488b91af2641b26b9407fe22a451433',
    distinct: true,
    message: `change ${id}`,
    timestamp: '2024-05-14T10:31:02+02:00',
    url: `https://github.com/acme/gitops/commit/${id}`,
    author: { name: 'Ada', email: 'ada@acme.example', username: 'ada' },
    committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
    added: files.added ?? [],
    removed: files.removed ?? [],
    modified: files.modified ?? [],
  };
}

function push(overrides: Record<string, unknown> = {}) {
  return {
    ref: 'refs/heads/main',
    before: '9049f1265b7d61be4a8904a9a27120d2064dab3b',
    after: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c',
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: 'https://github.com/acme/gitops/compare/9049f1265b7d...0d1a26e67d8f',
    commits: [
      commit('a1', { added: ['apps/api/values-dev.yaml'], modified: ['apps/api/Chart.yaml'] }),
      commit('b2', { modified: ['apps/api/Chart.yaml', 'README.md'], removed: ['old.txt'] }),
    ],
    head_commit: commit('b2', { modified: ['apps/api/Chart.yaml'] }),
    repository,
    pusher: { name: 'ada', email: 'ada@acme.example' },
    sender: { login: 'ada', id: 1, type: 'User' },
    ...overrides,
  };
}

const ping = {
  zen: 'Design for failure.',
  hook_id: 292430182,
  hook: {
    type: 'Repository',
    id: 292430182,
    name: 'web',
    active: true,
    events: ['push', 'package'],
    config: {
      content_type: 'json',
      insecure_ssl: '0',
      url: 'https://gantry.example/webhook/github/abc',
    },
  },
  repository,
  sender: { login: 'ada', id: 1, type: 'User' },
};

function containerPackage(packageUrl: string | null, packageType = 'container') {
  return {
    id: 1922437,
    name: 'api',
    namespace: 'acme',
    description: '',
    ecosystem: 'CONTAINER',
    package_type: packageType,
    html_url: 'https://github.com/orgs/acme/packages/container/package/api',
    created_at: '2024-05-14T08:31:02Z',
    updated_at: '2024-05-14T08:31:02Z',
    owner: { login: 'Acme', id: 21031067, type: 'Organization' },
    package_version: {
      id: 219376545,
      version: 'sha256:7c3f7a0b1e6f0d9f6fbc1a1e8a3b5c4d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b',
      name: 'sha256:7c3f7a0b1e6f0d9f6fbc1a1e8a3b5c4d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b',
      description: '',
      summary: '',
      html_url: 'https://github.com/orgs/acme/packages/container/api/219376545',
      container_metadata: {
        tag: { name: '1.2.3', digest: 'sha256:7c3f7a0b1e6f0d9f6fbc1a1e8a3b5c4d' },
        labels: { description: '', source: 'https://github.com/acme/api' },
        manifest: { config: { media_type: 'application/vnd.oci.image.config.v1+json' } },
      },
      package_files: [],
      installation_command: 'docker pull ghcr.io/acme/api:1.2.3',
      package_url: packageUrl,
    },
    registry: {
      about_url:
        'https://docs.github.com/packages/learn-github-packages/introduction-to-github-packages',
      name: 'GitHub CONTAINER registry',
      type: 'CONTAINER',
      url: 'https://ghcr.io/acme',
      vendor: 'GitHub Inc',
    },
  };
}

const GHCR_API: RepositoryRef[] = [
  { type: 'image', url: 'ghcr.io/acme/api' },
  { type: 'chart', url: 'oci://ghcr.io/acme/api' },
];

describe('githubWebhook', () => {
  it('keeps its secret under the key Kargo uses', () => {
    expect(githubWebhook.name).toBe('github');
    expect(githubWebhook.secretKey).toBe('secret');
  });

  describe('verify', () => {
    const good = call('push', push());
    const cases: Array<{ name: string; request: WebhookRequest; secret?: string; want?: string }> =
      [
        { name: 'a correct signature', request: good },
        {
          name: 'a signature made with another secret',
          request: {
            ...good,
            headers: { ...good.headers, 'x-hub-signature-256': sign(good.body, 'guess') },
          },
          want: 'signature does not match',
        },
        {
          name: 'a signature of another body',
          request: { ...good, body: Buffer.from(JSON.stringify(push({ ref: 'refs/heads/prod' }))) },
          want: 'signature does not match',
        },
        {
          name: 'a missing signature',
          request: { ...good, headers: { 'x-github-event': 'push' } },
          want: 'missing X-Hub-Signature-256 header',
        },
        {
          name: 'an empty signature',
          request: { ...good, headers: { ...good.headers, 'x-hub-signature-256': '' } },
          want: 'missing X-Hub-Signature-256 header',
        },
        {
          name: 'a truncated signature (wrong length)',
          request: {
            ...good,
            headers: { ...good.headers, 'x-hub-signature-256': sign(good.body).slice(0, 20) },
          },
          want: 'signature does not match',
        },
        {
          name: 'a signature without its sha256= prefix',
          request: {
            ...good,
            headers: { ...good.headers, 'x-hub-signature-256': sign(good.body).slice(7) },
          },
          want: 'signature does not match',
        },
        {
          name: 'a signature with multi-byte characters',
          request: {
            ...good,
            headers: { ...good.headers, 'x-hub-signature-256': `sha256=${'é'.repeat(64)}` },
          },
          want: 'signature does not match',
        },
        {
          name: 'an empty secret, even with a signature made with it',
          request: {
            ...good,
            headers: { ...good.headers, 'x-hub-signature-256': sign(good.body, '') },
          },
          secret: '',
          want: "the receiver's Secret has no value to check the signature with",
        },
      ];
    for (const { name, request, secret, want } of cases) {
      it(`${want === undefined ? 'accepts' : 'refuses'} ${name}`, () => {
        expect(githubWebhook.verify(request, secret ?? SECRET)).toBe(want);
      });
    }
  });

  describe('parse', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: WebhookOutcome }> = [
      {
        name: 'ping',
        request: call('ping', ping),
        want: {
          kind: 'ping',
          message: 'GitHub ping received for hook 292430182: the webhook is configured correctly',
        },
      },
      {
        name: 'push to a branch: the union of the changed files, over HTTPS and SSH',
        request: call('push', push()),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'git', url: 'https://github.com/acme/gitops.git' },
            { type: 'git', url: 'git@github.com:acme/gitops.git' },
          ],
          changedPaths: ['apps/api/values-dev.yaml', 'apps/api/Chart.yaml', 'README.md', 'old.txt'],
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'pull request merged: wakes what waits on it',
        request: call('pull_request', {
          action: 'closed',
          number: 7,
          pull_request: {
            number: 7,
            html_url: 'https://github.com/acme/gitops/pull/7',
            merged: true,
            merged_at: '2026-12-06T10:00:00Z',
          },
          repository: { full_name: 'acme/gitops' },
        }),
        want: {
          kind: 'pull-request',
          urls: ['https://github.com/acme/gitops/pull/7'],
          description: 'pull request #7 of acme/gitops merged',
        },
      },
      {
        name: 'pull request closed unmerged: wakes it too (to fail)',
        request: call('pull_request', {
          action: 'closed',
          pull_request: {
            number: 8,
            html_url: 'https://github.com/acme/gitops/pull/8',
            merged: false,
          },
          repository: { full_name: 'acme/gitops' },
        }),
        want: {
          kind: 'pull-request',
          urls: ['https://github.com/acme/gitops/pull/8'],
          description: 'pull request #8 of acme/gitops closed',
        },
      },
      {
        name: 'pull request opened: nothing waits on that',
        request: call('pull_request', {
          action: 'opened',
          pull_request: { number: 9, html_url: 'https://github.com/acme/gitops/pull/9' },
          repository: { full_name: 'acme/gitops' },
        }),
        want: {
          kind: 'ignored',
          reason: 'pull request #9 of acme/gitops opened: nothing waits on that',
        },
      },
      {
        name: 'push without clone_url falls back to html_url',
        request: call(
          'push',
          push({
            repository: { full_name: 'acme/gitops', html_url: 'https://github.com/acme/gitops' },
          }),
        ),
        want: {
          kind: 'refresh',
          repositories: [{ type: 'git', url: 'https://github.com/acme/gitops' }],
          changedPaths: ['apps/api/values-dev.yaml', 'apps/api/Chart.yaml', 'README.md', 'old.txt'],
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'push without a commits list: no changed paths',
        request: call('push', { ...push(), commits: undefined }),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'git', url: 'https://github.com/acme/gitops.git' },
            { type: 'git', url: 'git@github.com:acme/gitops.git' },
          ],
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'push of a new branch at an existing commit (no commits): no changed paths',
        request: call('push', push({ ref: 'refs/heads/release', created: true, commits: [] })),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'git', url: 'https://github.com/acme/gitops.git' },
            { type: 'git', url: 'git@github.com:acme/gitops.git' },
          ],
          description: 'push to refs/heads/release of acme/gitops',
        },
      },
      {
        name: 'push of 20 commits (the list may be truncated): no changed paths',
        request: call(
          'push',
          push({
            commits: Array.from({ length: 20 }, (_, i) => commit(`c${i}`, { modified: [`f${i}`] })),
          }),
        ),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'git', url: 'https://github.com/acme/gitops.git' },
            { type: 'git', url: 'git@github.com:acme/gitops.git' },
          ],
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'push of 19 commits: their changed paths',
        request: call(
          'push',
          push({
            commits: Array.from({ length: 19 }, (_, i) =>
              commit(`c${i}`, { modified: [`f${i % 2}`] }),
            ),
          }),
        ),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'git', url: 'https://github.com/acme/gitops.git' },
            { type: 'git', url: 'git@github.com:acme/gitops.git' },
          ],
          changedPaths: ['f0', 'f1'],
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'push of a tag: no changed paths (the tag may name an older commit)',
        request: call('push', push({ ref: 'refs/tags/v1.2.0', created: true })),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'git', url: 'https://github.com/acme/gitops.git' },
            { type: 'git', url: 'git@github.com:acme/gitops.git' },
          ],
          description: 'push to refs/tags/v1.2.0 of acme/gitops',
        },
      },
      {
        name: 'push that deletes a branch',
        request: call(
          'push',
          push({
            ref: 'refs/heads/feature',
            deleted: true,
            after: '0000000000000000000000000000000000000000',
            commits: [],
            head_commit: null,
          }),
        ),
        want: { kind: 'ignored', reason: 'push deletes refs/heads/feature of acme/gitops' },
      },
      {
        name: 'package published (GHCR image): the repository as image and OCI chart',
        request: call('package', {
          action: 'published',
          package: containerPackage('ghcr.io/acme/api:1.2.3'),
          repository,
          sender: { login: 'ada' },
        }),
        want: {
          kind: 'refresh',
          repositories: GHCR_API,
          description: 'package published: ghcr.io/acme/api:1.2.3',
        },
      },
      {
        name: 'package published by digest',
        request: call('package', {
          action: 'published',
          package: containerPackage('ghcr.io/acme/api@sha256:7c3f7a0b1e6f0d9f6fbc1a1e8a3b5c4d'),
        }),
        want: {
          kind: 'refresh',
          repositories: GHCR_API,
          description:
            'package published: ghcr.io/acme/api@sha256:7c3f7a0b1e6f0d9f6fbc1a1e8a3b5c4d',
        },
      },
      {
        name: 'package published without a package_url: owner (lower-cased) and name',
        request: call('package', { action: 'published', package: containerPackage(null) }),
        want: {
          kind: 'refresh',
          repositories: GHCR_API,
          description: 'package published: ghcr.io/acme/api',
        },
      },
      {
        name: 'package updated',
        request: call('package', {
          action: 'updated',
          package: containerPackage('ghcr.io/acme/api:1.2.3'),
        }),
        want: {
          kind: 'ignored',
          reason: 'GitHub package event "updated" of api publishes no new version',
        },
      },
      {
        name: 'package published of an npm package',
        request: call('package', {
          action: 'published',
          package: {
            ...containerPackage('npm.pkg.github.com/@acme/ui'),
            name: 'ui',
            package_type: 'npm',
          },
        }),
        want: {
          kind: 'ignored',
          reason: 'GitHub package ui is a npm package, not a container image or chart',
        },
      },
      {
        name: 'registry_package published (GitHub App), CONTAINER in capitals, a tag-less URL',
        request: call('registry_package', {
          action: 'published',
          registry_package: containerPackage('ghcr.io/acme/api:', 'CONTAINER'),
        }),
        want: {
          kind: 'refresh',
          repositories: GHCR_API,
          description: 'registry_package published: ghcr.io/acme/api:',
        },
      },
      {
        name: 'registry_package updated',
        request: call('registry_package', {
          action: 'updated',
          registry_package: containerPackage('ghcr.io/acme/api:latest', 'CONTAINER'),
        }),
        want: {
          kind: 'refresh',
          repositories: GHCR_API,
          description: 'registry_package updated: ghcr.io/acme/api:latest',
        },
      },
      {
        name: 'registry_package deleted',
        request: call('registry_package', {
          action: 'deleted',
          registry_package: containerPackage('ghcr.io/acme/api:1.2.3', 'CONTAINER'),
        }),
        want: {
          kind: 'ignored',
          reason: 'GitHub registry_package event "deleted" of api publishes no new version',
        },
      },
      {
        name: 'an event not handled',
        request: call('issues', { action: 'opened', repository }),
        want: { kind: 'ignored', reason: 'GitHub event "issues" is not handled' },
      },
    ];
    for (const { name, request, want } of cases) {
      it(name, () => {
        expect(githubWebhook.parse(request)).toEqual(want);
      });
    }
  });

  describe('malformed payloads', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: string }> = [
      {
        name: 'a body that is not JSON',
        request: call('push', 'payload=%7B%22ref%22'),
        want: 'GitHub push event: the body is not JSON',
      },
      {
        name: 'an empty body',
        request: call('ping', ''),
        want: 'GitHub ping event: the body is not JSON',
      },
      {
        name: 'a JSON list',
        request: call('push', [push()]),
        want: 'GitHub push event: the payload is not a JSON object',
      },
      {
        name: 'no event header',
        request: call(undefined, push()),
        want: 'GitHub webhook: missing X-GitHub-Event header',
      },
      {
        name: 'a push without a repository URL',
        request: call('push', push({ repository: { full_name: 'acme/gitops' } })),
        want: 'GitHub push event: repository.clone_url is missing',
      },
      {
        name: 'a push without a repository',
        request: call('push', { ...push(), repository: undefined }),
        want: 'GitHub push event: repository is missing',
      },
      {
        name: 'a push without a ref',
        request: call('push', { ...push(), ref: undefined }),
        want: 'GitHub push event: ref is missing',
      },
      {
        name: 'a push whose commits list files wrongly',
        request: call('push', push({ commits: [{ id: 'a1', added: 'README.md' }] })),
        want: 'GitHub push event: commits[0].added: expected a list',
      },
      {
        name: 'a package event without its package',
        request: call('package', { action: 'published' }),
        want: 'GitHub package event: package is missing',
      },
      {
        name: 'a package without a type',
        request: call('package', {
          action: 'published',
          package: { ...containerPackage('ghcr.io/acme/api:1'), package_type: undefined },
        }),
        want: 'GitHub package event: package.package_type is missing',
      },
      {
        name: 'a registry_package with neither package_url nor owner',
        request: call('registry_package', {
          action: 'published',
          registry_package: { name: 'api', package_type: 'CONTAINER', package_version: {} },
        }),
        want: 'GitHub registry_package event: registry_package.package_version.package_url is missing',
      },
    ];
    for (const { name, request, want } of cases) {
      it(`rejects ${name} as invalid input`, () => {
        const err = thrown(() => githubWebhook.parse(request));
        expect(isGantryError(err, 'Invalid')).toBe(true);
        expect((err as Error).message).toContain(want);
      });
    }
  });
});
