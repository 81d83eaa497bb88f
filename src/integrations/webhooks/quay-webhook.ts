import { z } from 'zod';
import { missingFieldError, parseWebhookPayload } from './webhook-payload.js';
import type { WebhookProvider } from './webhook-provider.js';

const notificationSchema = z.looseObject({
  docker_url: z.string().nullish(),
  repository: z.string().nullish(),
  updated_tags: z.array(z.string()).nullish(),
});

/**
 * Quay "Push to Repository" notifications. Quay cannot sign its calls, so the receiver's
 * unguessable URL (seeded by its `secret`) is the only protection, as in Kargo. A push
 * refreshes the repository's image subscribers and its chart subscribers (`oci://…`): the
 * payload does not say whether an image or a Helm chart was pushed.
 */
export const quayWebhook: WebhookProvider = {
  name: 'quay',
  secretKey: 'secret',
  verify: () => undefined,
  parse(request) {
    const event = 'Quay repository push';
    const notification = parseWebhookPayload(request.body, notificationSchema, event);
    // Only the push notification lists updated tags; build and vulnerability notifications,
    // which may be sent to the same URL, announce nothing new to discover.
    if (!notification.updated_tags) {
      return { kind: 'ignored', reason: 'Quay notification is not a repository push' };
    }
    const repository =
      notification.docker_url ??
      (notification.repository ? `quay.io/${notification.repository}` : undefined);
    if (!repository) throw missingFieldError(event, 'docker_url');
    const tags = notification.updated_tags.join(', ');
    return {
      kind: 'refresh',
      repositories: [
        { type: 'image', url: repository },
        { type: 'chart', url: `oci://${repository}` },
      ],
      description: tags ? `push of ${repository} (${tags})` : `push of ${repository}`,
    };
  },
};
