import { z } from 'zod';
import { parseWebhookPayload } from './webhook-payload.js';
import type { WebhookProvider } from './webhook-provider.js';

const pushSchema = z.looseObject({
  push_data: z.looseObject({ tag: z.string().nullish() }).nullish(),
  repository: z.looseObject({ repo_name: z.string() }),
});

/**
 * Docker Hub repository webhooks. Docker Hub cannot sign its calls or send a header, so the
 * receiver's unguessable URL (seeded by its `secret`) is the only protection, as in Kargo.
 * Every call reports a push: it refreshes the repository's image subscribers, and its chart
 * subscribers, since Docker Hub stores Helm charts as OCI artifacts too.
 */
export const dockerhubWebhook: WebhookProvider = {
  name: 'dockerhub',
  secretKey: 'secret',
  verify: () => undefined,
  parse(request) {
    const push = parseWebhookPayload(request.body, pushSchema, 'Docker Hub push');
    // `acme/api`, or `library/nginx` or `nginx` for official images: matching normalises
    // Docker Hub names, so the name is used as sent.
    const name = push.repository.repo_name;
    const tag = push.push_data?.tag;
    return {
      kind: 'refresh',
      repositories: [
        { type: 'image', url: name },
        // Helm addresses Docker Hub charts as oci://registry-1.docker.io/<namespace>/<name>.
        { type: 'chart', url: `oci://registry-1.docker.io/${name}` },
      ],
      description: tag ? `push of ${name}:${tag}` : `push of ${name}`,
    };
  },
};
