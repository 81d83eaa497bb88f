import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../errors.js';
import { quayWebhook } from './quay-webhook.js';
import type { WebhookOutcome, WebhookRequest } from './webhook-provider.js';

function call(payload: unknown): WebhookRequest {
  return {
    headers: { 'content-type': 'application/json', 'user-agent': 'python-requests/2.31.0' },
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

/** Shaped on Quay's documented "Push to Repository" notification. */
const push = {
  name: 'api',
  repository: 'acme/api',
  namespace: 'acme',
  docker_url: 'quay.io/acme/api',
  homepage: 'https://quay.io/repository/acme/api',
  updated_tags: ['1.2.3', 'latest'],
};

/** Quay's "Dockerfile Build Completed" notification, which a receiver may also be sent. */
const buildCompleted = {
  build_id: '296ec063-5f86-4706-a469-f0a400bf9df2',
  trigger_kind: 'github',
  name: 'api',
  repository: 'acme/api',
  namespace: 'acme',
  docker_url: 'quay.io/acme/api',
  trigger_id: '1245634',
  docker_tags: ['latest', 'foo', 'bar'],
  build_name: 'some-fake-build',
  image_id: '1245657346',
  trigger_metadata: {
    default_branch: 'main',
    ref: 'refs/heads/main',
    commit: '42d4a62c53350993ea41069e9f2cfdefb0df097d',
  },
  homepage: 'https://quay.io/repository/acme/api/build/296ec063-5f86-4706-a469-f0a400bf9df2',
};

describe('quayWebhook', () => {
  it('keeps its secret under the key Kargo uses', () => {
    expect(quayWebhook.name).toBe('quay');
    expect(quayWebhook.secretKey).toBe('secret');
  });

  it('accepts every call: Quay cannot sign, the unguessable URL is the protection', () => {
    expect(quayWebhook.verify(call(push), 'secret')).toBeUndefined();
  });

  describe('parse', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: WebhookOutcome }> = [
      {
        name: 'a repository push: docker_url as image and as OCI chart',
        request: call(push),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'image', url: 'quay.io/acme/api' },
            { type: 'chart', url: 'oci://quay.io/acme/api' },
          ],
          description: 'push of quay.io/acme/api (1.2.3, latest)',
        },
      },
      {
        name: 'a push to a self-hosted Quay',
        request: call({
          ...push,
          docker_url: 'quay.corp.example:8443/acme/api',
          updated_tags: ['2'],
        }),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'image', url: 'quay.corp.example:8443/acme/api' },
            { type: 'chart', url: 'oci://quay.corp.example:8443/acme/api' },
          ],
          description: 'push of quay.corp.example:8443/acme/api (2)',
        },
      },
      {
        name: 'a push without docker_url falls back to quay.io/<repository>',
        request: call({ ...push, docker_url: undefined, updated_tags: [] }),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'image', url: 'quay.io/acme/api' },
            { type: 'chart', url: 'oci://quay.io/acme/api' },
          ],
          description: 'push of quay.io/acme/api',
        },
      },
      {
        name: 'a build notification',
        request: call(buildCompleted),
        want: { kind: 'ignored', reason: 'Quay notification is not a repository push' },
      },
    ];
    for (const { name, request, want } of cases) {
      it(name, () => {
        expect(quayWebhook.parse(request)).toEqual(want);
      });
    }
  });

  describe('malformed payloads', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: string }> = [
      {
        name: 'a body that is not JSON',
        request: call('{'),
        want: 'Quay repository push: the body is not JSON',
      },
      {
        name: 'a push naming no repository',
        request: call({ updated_tags: ['1.2.3'] }),
        want: 'Quay repository push: docker_url is missing',
      },
      {
        name: 'updated tags that are not a list',
        request: call({ ...push, updated_tags: '1.2.3' }),
        want: 'Quay repository push: updated_tags: expected a list',
      },
    ];
    for (const { name, request, want } of cases) {
      it(`rejects ${name} as invalid input`, () => {
        const err = thrown(() => quayWebhook.parse(request));
        expect(isGantryError(err, 'Invalid')).toBe(true);
        expect((err as Error).message).toContain(want);
      });
    }
  });
});
