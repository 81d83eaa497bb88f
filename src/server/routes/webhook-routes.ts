import type { RouteGuard } from '../guarded-routes.js';
import type { WebhookReceivers } from '../../integrations/webhooks/webhook-receivers.js';
import { bodyTooLargeError, DEFAULT_MAX_BODY_BYTES } from '../request-limits.js';

/**
 * `POST /webhook/<provider>/<hash>`: the webhook receivers of ProjectConfigs (their URLs are
 * published in the ProjectConfig's `status.webhookReceivers`). Unauthenticated by design: the
 * unguessable path and the provider's signature are the authentication.
 */
export function registerWebhookRoutes(
  routes: RouteGuard,
  deps: {
    webhooks?: WebhookReceivers | undefined;
    /** The server's body limit, which webhooks share (413 beyond it). */
    maxBodyBytes?: number | undefined;
  },
): void {
  const signed = {
    kind: 'public' as const,
    why: 'webhook senders authenticate by the unguessable URL and their signature',
  };
  routes.post('/webhook/:provider/:hash', signed, async (c) => {
    if (!deps.webhooks) return c.json({ message: 'no webhook receiver at this URL' }, 404);
    // The app's request limits refuse bigger bodies before this route runs; checked again so
    // a receiver is never handed more than the limit.
    const limit = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (Number(c.req.header('content-length') ?? '0') > limit) throw bodyTooLargeError(limit);
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > limit) throw bodyTooLargeError(limit);
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
    const answer = await deps.webhooks.handle(c.req.param('provider'), c.req.param('hash'), {
      headers,
      body,
      method: c.req.method,
      url: c.req.url,
    });
    return c.json(answer.body, answer.status);
  });
}
