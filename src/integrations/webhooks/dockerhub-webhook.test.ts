import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../errors.js';
import { dockerhubWebhook } from './dockerhub-webhook.js';
import type { WebhookOutcome, WebhookRequest } from './webhook-provider.js';

function call(payload: unknown, headers: Record<string, string> = {}): WebhookRequest {
  return {
    headers: { 'content-type': 'application/json', 'user-agent': 'Go-http-client/1.1', ...headers },
    body: Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  };
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

/** Shaped on Docker Hub's documented webhook payload. */
function push(repoName: string, tag: string | undefined) {
  const [namespace, name] = repoName.includes('/') ? repoName.split('/') : ['library', repoName];
  return {
    callback_url: `https://registry.hub.docker.com/u/${repoName}/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/`,
    push_data: {
      pushed_at: 1715675462,
      pusher: 'acmebot',
      ...(tag === undefined ? {} : { tag }),
    },
    repository: {
      comment_count: 0,
      date_created: 1417494799,
      description: '',
      dockerfile: '',
      full_description: '',
      is_official: namespace === 'library',
      is_private: false,
      is_trusted: false,
      name,
      namespace,
      owner: namespace,
      repo_name: repoName,
      repo_url: `https://registry.hub.docker.com/u/${repoName}/`,
      star_count: 3,
      status: 'Active',
    },
  };
}

describe('dockerhubWebhook', () => {
  it('keeps its secret under the key Kargo uses', () => {
    expect(dockerhubWebhook.name).toBe('dockerhub');
    expect(dockerhubWebhook.secretKey).toBe('secret');
  });

  it('accepts every call: Docker Hub cannot sign, the unguessable URL is the protection', () => {
    expect(dockerhubWebhook.verify(call(push('acme/api', '1.2.3')), 'secret')).toBeUndefined();
    expect(dockerhubWebhook.verify(call('not even JSON'), '')).toBeUndefined();
  });

  describe('parse', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: WebhookOutcome }> = [
      {
        name: 'a push: the repository as image, and as OCI chart',
        request: call(push('acme/api', '1.2.3')),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'image', url: 'acme/api' },
            { type: 'chart', url: 'oci://registry-1.docker.io/acme/api' },
          ],
          description: 'push of acme/api:1.2.3',
        },
      },
      {
        name: 'a push of an official image, named as sent',
        request: call(push('library/nginx', '1.27')),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'image', url: 'library/nginx' },
            { type: 'chart', url: 'oci://registry-1.docker.io/library/nginx' },
          ],
          description: 'push of library/nginx:1.27',
        },
      },
      {
        name: 'a push naming no tag',
        request: call(push('nginx', undefined)),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'image', url: 'nginx' },
            { type: 'chart', url: 'oci://registry-1.docker.io/nginx' },
          ],
          description: 'push of nginx',
        },
      },
    ];
    for (const { name, request, want } of cases) {
      it(name, () => {
        expect(dockerhubWebhook.parse(request)).toEqual(want);
      });
    }
  });

  describe('malformed payloads', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: string }> = [
      {
        name: 'a body that is not JSON',
        request: call('repo_name=acme/api'),
        want: 'Docker Hub push: the body is not JSON',
      },
      {
        name: 'a payload without a repository',
        request: call({ push_data: { tag: '1.2.3' } }),
        want: 'Docker Hub push: repository is missing',
      },
      {
        name: 'a repository without repo_name',
        request: call({ ...push('acme/api', '1'), repository: { name: 'api' } }),
        want: 'Docker Hub push: repository.repo_name is missing',
      },
    ];
    for (const { name, request, want } of cases) {
      it(`rejects ${name} as invalid input`, () => {
        const err = thrown(() => dockerhubWebhook.parse(request));
        expect(isGantryError(err, 'Invalid')).toBe(true);
        expect((err as Error).message).toContain(want);
      });
    }
  });
});
