import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../errors.js';
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
        name: 'a pull request event (not handled yet)',
        request: call('pull_request', { action: 'closed', number: 3, repository }),
        want: { kind: 'ignored', reason: 'Gitea event "pull_request" is not handled' },
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
