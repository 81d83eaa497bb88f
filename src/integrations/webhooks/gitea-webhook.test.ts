import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { readBody } from '../../../test/forges/double-git.js';
import { startGiteaDouble } from '../../../test/forges/gitea-double.js';
import { startGitServer } from '../../../test/git-server.js';
import { isGantryError } from '../../errors.js';
import { GiteaForge } from '../../forges/gitea/gitea-forge.js';
import { giteaWebhook } from './gitea-webhook.js';
import type { RepositoryRef, WebhookOutcome, WebhookRequest } from './webhook-provider.js';

const SECRET = 'gitea-receiver-secret';

function sign(body: Buffer, secret = SECRET): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function call(event: string | undefined, payload: unknown): WebhookRequest {
  const body = Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-gitea-delivery': 'f6266f16-1bf3-46a5-9ea4-602e06ead473',
    'x-gitea-event-type': event ?? '',
    'x-gitea-signature': sign(body),
    'x-hub-signature-256': `sha256=${sign(body)}`,
  };
  if (event !== undefined) headers['x-gitea-event'] = event;
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
  id: 140,
  owner: { id: 1, login: 'acme', username: 'acme' },
  name: 'gitops',
  full_name: 'acme/gitops',
  private: false,
  html_url: 'https://gitea.example.com/acme/gitops',
  ssh_url: 'ssh://git@gitea.example.com:2222/acme/gitops.git',
  clone_url: 'https://gitea.example.com/acme/gitops.git',
  default_branch: 'main',
};

function commit(id: string, files: { added?: string[]; modified?: string[]; removed?: string[] }) {
  return {
    id,
    message: `change ${id}\n`,
    url: `https://gitea.example.com/acme/gitops/commit/${id}`,
    author: { name: 'Ada', email: 'ada@acme.example', username: 'ada' },
    committer: { name: 'Ada', email: 'ada@acme.example', username: 'ada' },
    verification: null,
    timestamp: '2024-05-14T10:31:02+02:00',
    added: files.added ?? [],
    removed: files.removed ?? [],
    modified: files.modified ?? [],
  };
}

/** Shaped on Gitea's push payload (api.PushPayload). */
function push(overrides: Record<string, unknown> = {}) {
  return {
    ref: 'refs/heads/main',
    before: '28e1879d029cb852e4844d9c718537df08844e03',
    after: 'bffeb74224043ba2feb48d137756c8a9331c449a',
    compare_url: 'https://gitea.example.com/acme/gitops/compare/28e1879d...bffeb742',
    commits: [
      commit('a1', { added: ['apps/web/kustomization.yaml'] }),
      commit('b2', { modified: ['apps/web/kustomization.yaml'], removed: ['apps/old.yaml'] }),
    ],
    total_commits: 2,
    head_commit: commit('b2', {}),
    repository,
    pusher: { id: 1, login: 'ada' },
    sender: { id: 1, login: 'ada' },
    ...overrides,
  };
}

/** Shaped on Gitea's pull_request payload (api.PullRequestPayload), as it sends a merge. */
function pullRequest(action: string, merged: boolean) {
  return {
    action,
    number: 3,
    pull_request: {
      id: 31,
      url: 'https://gitea.example.com/acme/gitops/pulls/3',
      number: 3,
      user: { id: 1, login: 'kargo' },
      title: 'Promote fruitful-ferret to prod',
      body: '',
      state: action === 'closed' ? 'closed' : 'open',
      html_url: 'https://gitea.example.com/acme/gitops/pulls/3',
      mergeable: !merged,
      merged,
      merged_at: merged ? '2024-05-14T10:31:02+02:00' : null,
      merge_commit_sha: merged ? 'bffeb74224043ba2feb48d137756c8a9331c449a' : null,
      base: { label: 'main', ref: 'main', sha: '28e1879d029cb852e4844d9c718537df08844e03' },
      head: {
        label: 'kargo/promotion/prod',
        ref: 'kargo/promotion/prod',
        sha: '9c718537df08844e0328e1879d029cb852e4844d',
      },
    },
    requested_reviewer: null,
    repository,
    sender: { id: 1, login: 'ada' },
    commit_id: '',
  };
}

const BOTH_URLS: RepositoryRef[] = [
  { type: 'git', url: 'https://gitea.example.com/acme/gitops.git' },
  { type: 'git', url: 'ssh://git@gitea.example.com:2222/acme/gitops.git' },
];

describe('giteaWebhook', () => {
  it('keeps its secret under the key Kargo uses', () => {
    expect(giteaWebhook.name).toBe('gitea');
    expect(giteaWebhook.secretKey).toBe('secret');
  });

  describe('verify', () => {
    const good = call('push', push());
    const withSignature = (signature: string | undefined): WebhookRequest => {
      const headers = { ...good.headers };
      delete headers['x-gitea-signature'];
      if (signature !== undefined) headers['x-gitea-signature'] = signature;
      return { ...good, headers };
    };
    const cases: Array<{ name: string; request: WebhookRequest; secret?: string; want?: string }> =
      [
        { name: 'a correct signature', request: good },
        {
          name: 'a signature made with another secret',
          request: withSignature(sign(good.body, 'guess')),
          want: 'signature does not match',
        },
        {
          name: 'a signature with GitHub’s prefix',
          request: withSignature(`sha256=${sign(good.body)}`),
          want: 'signature does not match',
        },
        {
          name: 'a short signature',
          request: withSignature('abc123'),
          want: 'signature does not match',
        },
        {
          name: 'no signature',
          request: withSignature(undefined),
          want: 'missing X-Gitea-Signature header',
        },
        {
          name: 'an empty secret',
          request: withSignature(sign(good.body, '')),
          secret: '',
          want: "the receiver's Secret has no value to check the signature with",
        },
      ];
    for (const { name, request, secret, want } of cases) {
      it(`${want === undefined ? 'accepts' : 'refuses'} ${name}`, () => {
        expect(giteaWebhook.verify(request, secret ?? SECRET)).toBe(want);
      });
    }
  });

  describe('parse', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: WebhookOutcome }> = [
      {
        name: 'push: the union of the changed files, over HTTPS and SSH',
        request: call('push', push()),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          changedPaths: ['apps/web/kustomization.yaml', 'apps/old.yaml'],
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'push listing fewer commits than it counts: no changed paths',
        request: call('push', push({ total_commits: 12 })),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'push of 20 commits: no changed paths',
        request: call(
          'push',
          push({
            commits: Array.from({ length: 20 }, (_, i) => commit(`c${i}`, { modified: ['f'] })),
            total_commits: 20,
          }),
        ),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'push of a tag: no changed paths',
        request: call('push', push({ ref: 'refs/tags/v2.0.0' })),
        want: {
          kind: 'refresh',
          repositories: BOTH_URLS,
          description: 'push to refs/tags/v2.0.0 of acme/gitops',
        },
      },
      {
        name: 'push without clone_url falls back to html_url',
        request: call(
          'push',
          push({ repository: { full_name: 'acme/gitops', html_url: repository.html_url } }),
        ),
        want: {
          kind: 'refresh',
          repositories: [{ type: 'git', url: 'https://gitea.example.com/acme/gitops' }],
          changedPaths: ['apps/web/kustomization.yaml', 'apps/old.yaml'],
          description: 'push to refs/heads/main of acme/gitops',
        },
      },
      {
        name: 'a pull request merged: the Promotions waiting on its page',
        request: call('pull_request', pullRequest('closed', true)),
        want: {
          kind: 'pull-request',
          urls: ['https://gitea.example.com/acme/gitops/pulls/3'],
          description: 'pull request #3 of acme/gitops merged',
        },
      },
      {
        name: 'a pull request closed without merging',
        request: call('pull_request', pullRequest('closed', false)),
        want: {
          kind: 'pull-request',
          urls: ['https://gitea.example.com/acme/gitops/pulls/3'],
          description: 'pull request #3 of acme/gitops closed without merging',
        },
      },
      {
        name: 'a pull request opened',
        request: call('pull_request', pullRequest('opened', false)),
        want: {
          kind: 'ignored',
          reason: 'pull request #3 of acme/gitops: action "opened" is not handled',
        },
      },
      {
        name: 'a pull request synchronized (new commits on its branch)',
        request: call('pull_request', pullRequest('synchronized', false)),
        want: {
          kind: 'ignored',
          reason: 'pull request #3 of acme/gitops: action "synchronized" is not handled',
        },
      },
      {
        name: 'another event',
        request: call('issues', { action: 'closed', number: 3, repository }),
        want: { kind: 'ignored', reason: 'Gitea event "issues" is not handled' },
      },
    ];
    for (const { name, request, want } of cases) {
      it(name, () => {
        expect(giteaWebhook.parse(request)).toEqual(want);
      });
    }
  });

  describe('malformed payloads', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: string }> = [
      {
        name: 'a body that is not JSON',
        request: call('push', 'ref=main'),
        want: 'Gitea push event: the body is not JSON',
      },
      {
        name: 'no event header',
        request: call(undefined, push()),
        want: 'Gitea webhook: missing X-Gitea-Event header',
      },
      {
        name: 'a push without a repository URL',
        request: call('push', push({ repository: { full_name: 'acme/gitops' } })),
        want: 'Gitea push event: repository.clone_url is missing',
      },
      {
        name: 'a pull request event without its pull request',
        request: call('pull_request', { action: 'closed', number: 3, repository }),
        want: 'Gitea pull_request event: pull_request is missing',
      },
      {
        name: 'a pull request event without the page of its pull request',
        request: call('pull_request', {
          ...pullRequest('closed', true),
          pull_request: { number: 3, merged: true },
        }),
        want: 'Gitea pull_request event: pull_request.html_url is missing',
      },
      {
        name: 'a push without a ref',
        request: call('push', { ...push(), ref: undefined }),
        want: 'Gitea push event: ref is missing',
      },
    ];
    for (const { name, request, want } of cases) {
      it(`rejects ${name} as invalid input`, () => {
        const err = thrown(() => giteaWebhook.parse(request));
        expect(isGantryError(err, 'Invalid')).toBe(true);
        expect((err as Error).message).toContain(want);
      });
    }
  });
});

describe('a pull request merged on the Gitea double (test/forges/gitea-double.ts)', () => {
  it('arrives signed as Gitea signs it, naming the page of the pull request', async () => {
    const git = await startGitServer();
    const double = await startGiteaDouble(git);
    let delivered!: (request: WebhookRequest) => void;
    const delivery = new Promise<WebhookRequest>((resolve) => (delivered = resolve));
    const receiver = createServer((req, res) => {
      void readBody(req).then((text) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string') headers[name] = value;
        res.end('ok');
        delivered({ headers, body: Buffer.from(text) });
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      git.createRepo('acme/gitops', { 'env/prod.yaml': 'tag: v1\n' });
      const main = git.git('acme/gitops', ['rev-parse', 'main']).trim();
      const promoted = git.commitFiles('acme/gitops', { 'env/prod.yaml': 'tag: v2\n' });
      git.git('acme/gitops', ['update-ref', 'refs/heads/kargo/promotion/prod', promoted]);
      git.git('acme/gitops', ['update-ref', 'refs/heads/main', main]);
      double.addWebhook!(
        `http://127.0.0.1:${(receiver.address() as { port: number }).port}/`,
        SECRET,
      );
      const forge = new GiteaForge({
        repoURL: 'https://gitea.example.com/acme/gitops.git',
        apiBaseUrl: double.apiUrl,
      });
      const pr = await forge.createPullRequest({
        title: 'Promote',
        head: 'kargo/promotion/prod',
        base: 'main',
      });
      expect((await forge.mergePullRequest(pr.number)).merged).toBe(true);
      const request = await delivery;
      expect(request.headers['x-gitea-event']).toBe('pull_request');
      expect(giteaWebhook.verify(request, SECRET)).toBeUndefined();
      expect(giteaWebhook.parse(request)).toEqual({
        kind: 'pull-request',
        urls: [pr.url],
        description: `pull request #${pr.number} of acme/gitops merged`,
      });
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await double.stop();
      await git.stop();
    }
  });
});
