import { z } from 'zod';
import { inputError } from '../../errors.js';
import { ociRepositoryRefs, untaggedRepository } from './oci-repository-refs.js';
import { checkSharedToken } from './request-authentication.js';
import { parseWebhookPayload } from './webhook-payload.js';
import type { RepositoryRef, WebhookProvider } from './webhook-provider.js';

const eventSchema = z.looseObject({ type: z.string() });

/** Harbor's "Default" payload format; the CloudEvents format is not supported (nor by Kargo). */
const pushSchema = z.looseObject({
  type: z.literal('PUSH_ARTIFACT'),
  event_data: z.looseObject({
    resources: z.array(z.looseObject({ resource_url: z.string() })),
  }),
});

/**
 * Harbor project webhooks. Harbor sends the "Auth Header" configured on the webhook verbatim
 * in Authorization, which must equal the receiver's `auth-header`. Artifact pushes refresh
 * each pushed repository's image and chart subscribers (Harbor stores both as OCI
 * artifacts, and the payload does not say which one was pushed).
 */
export const harborWebhook: WebhookProvider = {
  name: 'harbor',
  secretKey: 'auth-header',
  verify: (request, secret) =>
    checkSharedToken({ name: 'authorization', label: 'Authorization' }, request, secret),
  parse(request) {
    const { type } = parseWebhookPayload(request.body, eventSchema, 'Harbor event');
    if (type !== 'PUSH_ARTIFACT') {
      return { kind: 'ignored', reason: `Harbor event "${type}" is not handled` };
    }
    const event = 'Harbor PUSH_ARTIFACT event';
    const push = parseWebhookPayload(request.body, pushSchema, event);
    const urls = push.event_data.resources.map((resource) => resource.resource_url);
    if (urls.length === 0) {
      throw inputError(`${event}: event_data.resources is empty`, [
        { path: 'event_data.resources', message: 'must have at least one item' },
      ]);
    }
    // One push may list several tags of one repository: name each repository once.
    const repositories = new Map<string, RepositoryRef>();
    for (const ref of urls.flatMap(ociRepositoryRefs)) {
      repositories.set(`${ref.type} ${ref.url}`, ref);
    }
    const pushed = [...new Set(urls.map(untaggedRepository))].join(', ');
    return {
      kind: 'refresh',
      repositories: [...repositories.values()],
      description: `push of ${pushed}`,
    };
  },
};
