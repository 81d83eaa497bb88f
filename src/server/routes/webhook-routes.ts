import type { Hono } from 'hono';
import type { WebhookReceivers } from '../../integrations/webhooks/webhook-receivers.js';
import { inputError } from '../../errors.js';

/** Providers send small JSON documents; anything bigger is not a webhook. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/**
 * `POST /webhook/<provider>/<hash>`: the webhook receivers of ProjectConfigs (their URLs are
 * published in the ProjectConfig's `status.webhookReceivers`). Unauthenticated by design: the
 * unguessable path and the provider's signature are the authentication.
 */
export function registerWebhookRoutes(
  app: Hono,
  deps: { webhooks?: WebhookReceivers | undefined },
): void {
  app.post('/webhook/:provider/:hash', async (c) => {
    if (!deps.webhooks) return c.json({ message: 'no webhook receiver at this URL' }, 404);
    const length = Number(c.req.header('content-length') ?? '0');
    if (length > MAX_BODY_BYTES) throw inputError(`webhook body too large (${length} bytes)`);
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > MAX_BODY_BYTES)
      throw inputError(`webhook body too large (${body.length} bytes)`);
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
