import { describe, expect, it } from 'vitest';
import { isGantryError } from '../../errors.js';
import { harborWebhook } from './harbor-webhook.js';
import type { RepositoryRef, WebhookOutcome, WebhookRequest } from './webhook-provider.js';

const AUTH = 'Bearer hb-7Qx2-receiver';

function call(payload: unknown, authorization: string | null = AUTH): WebhookRequest {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'Go-http-client/1.1',
  };
  if (authorization !== null) headers.authorization = authorization;
  return {
    headers,
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

const DIGEST = 'sha256:954b378c375d852eb3c63ab88978f640b4348b01c1b3456a024a81536dafbbf4';

/** Shaped on Harbor's documented "Default" webhook payload. */
function event(type: string, resources: Array<{ tag?: string; resource_url: string }>) {
  return {
    type,
    occur_at: 1715675462,
    operator: 'robot$ci',
    event_data: {
      resources: resources.map((resource) => ({ digest: DIGEST, ...resource })),
      repository: {
        date_created: 1680501893,
        name: 'api',
        namespace: 'library',
        repo_full_name: 'library/api',
        repo_type: 'private',
      },
    },
  };
}

describe('harborWebhook', () => {
  it('keeps its secret under the key Kargo uses', () => {
    expect(harborWebhook.name).toBe('harbor');
    expect(harborWebhook.secretKey).toBe('auth-header');
  });

  describe('verify', () => {
    const payload = event('PUSH_ARTIFACT', [
      { tag: '1.0', resource_url: 'harbor.example.com/library/api:1.0' },
    ]);
    const cases: Array<{ name: string; request: WebhookRequest; secret?: string; want?: string }> =
      [
        { name: 'the configured auth header, verbatim', request: call(payload) },
        {
          name: 'another value of the same length',
          request: call(payload, AUTH.toUpperCase()),
          want: 'Authorization does not match',
        },
        {
          name: 'the value without its scheme (another length)',
          request: call(payload, 'hb-7Qx2-receiver'),
          want: 'Authorization does not match',
        },
        {
          name: 'no Authorization header',
          request: call(payload, null),
          want: 'missing Authorization header',
        },
        {
          name: 'any header when the Secret has no value',
          request: call(payload, ''),
          secret: '',
          want: "the receiver's Secret has no value to check the token with",
        },
      ];
    for (const { name, request, secret, want } of cases) {
      it(`${want === undefined ? 'accepts' : 'refuses'} ${name}`, () => {
        expect(harborWebhook.verify(request, secret ?? AUTH)).toBe(want);
      });
    }
  });

  describe('parse', () => {
    const API: RepositoryRef[] = [
      { type: 'image', url: 'harbor.example.com/library/api' },
      { type: 'chart', url: 'oci://harbor.example.com/library/api' },
    ];
    const cases: Array<{ name: string; request: WebhookRequest; want: WebhookOutcome }> = [
      {
        name: 'a tagged push: the repository as image and as OCI chart',
        request: call(
          event('PUSH_ARTIFACT', [
            { tag: '1.0', resource_url: 'harbor.example.com/library/api:1.0' },
          ]),
        ),
        want: {
          kind: 'refresh',
          repositories: API,
          description: 'push of harbor.example.com/library/api',
        },
      },
      {
        name: 'a push by digest',
        request: call(
          event('PUSH_ARTIFACT', [
            { tag: DIGEST, resource_url: `harbor.example.com/library/api@${DIGEST}` },
          ]),
        ),
        want: {
          kind: 'refresh',
          repositories: API,
          description: 'push of harbor.example.com/library/api',
        },
      },
      {
        name: 'several tags of one repository, named once',
        request: call(
          event('PUSH_ARTIFACT', [
            { tag: '1.0', resource_url: 'harbor.example.com/library/api:1.0' },
            { tag: 'latest', resource_url: 'harbor.example.com/library/api:latest' },
          ]),
        ),
        want: {
          kind: 'refresh',
          repositories: API,
          description: 'push of harbor.example.com/library/api',
        },
      },
      {
        name: 'a registry on a port',
        request: call(
          event('PUSH_ARTIFACT', [
            { tag: '2', resource_url: 'harbor.example.com:8443/charts/api:2' },
          ]),
        ),
        want: {
          kind: 'refresh',
          repositories: [
            { type: 'image', url: 'harbor.example.com:8443/charts/api' },
            { type: 'chart', url: 'oci://harbor.example.com:8443/charts/api' },
          ],
          description: 'push of harbor.example.com:8443/charts/api',
        },
      },
      {
        name: 'an artifact deletion',
        request: call(
          event('DELETE_ARTIFACT', [
            { tag: '1.0', resource_url: 'harbor.example.com/library/api:1.0' },
          ]),
        ),
        want: { kind: 'ignored', reason: 'Harbor event "DELETE_ARTIFACT" is not handled' },
      },
      {
        name: 'an artifact pull',
        request: call(
          event('PULL_ARTIFACT', [
            { tag: '1.0', resource_url: 'harbor.example.com/library/api:1.0' },
          ]),
        ),
        want: { kind: 'ignored', reason: 'Harbor event "PULL_ARTIFACT" is not handled' },
      },
    ];
    for (const { name, request, want } of cases) {
      it(name, () => {
        expect(harborWebhook.parse(request)).toEqual(want);
      });
    }
  });

  describe('malformed payloads', () => {
    const cases: Array<{ name: string; request: WebhookRequest; want: string }> = [
      {
        name: 'a body that is not JSON',
        request: call('PUSH_ARTIFACT'),
        want: 'Harbor event: the body is not JSON',
      },
      {
        name: 'an event without a type',
        request: call({ event_data: {} }),
        want: 'Harbor event: type is missing',
      },
      {
        name: 'a push without event data',
        request: call({ type: 'PUSH_ARTIFACT' }),
        want: 'Harbor PUSH_ARTIFACT event: event_data is missing',
      },
      {
        name: 'a push listing no resources',
        request: call(event('PUSH_ARTIFACT', [])),
        want: 'Harbor PUSH_ARTIFACT event: event_data.resources is empty',
      },
      {
        name: 'a resource without its URL',
        request: call({ type: 'PUSH_ARTIFACT', event_data: { resources: [{ tag: '1.0' }] } }),
        want: 'Harbor PUSH_ARTIFACT event: event_data.resources[0].resource_url is missing',
      },
    ];
    for (const { name, request, want } of cases) {
      it(`rejects ${name} as invalid input`, () => {
        const err = thrown(() => harborWebhook.parse(request));
        expect(isGantryError(err, 'Invalid')).toBe(true);
        expect((err as Error).message).toContain(want);
      });
    }
  });
});
