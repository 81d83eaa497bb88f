import { createHmac } from 'node:crypto';
import { constantTimeEqual } from './constant-time-equal.js';
import type { WebhookRequest } from './webhook-provider.js';

/** How a provider signs its calls: an HMAC-SHA256 of the raw body, hex, in one header. */
export interface HmacSignatureScheme {
  /** Lower-case, as requests carry header names. */
  header: string;
  /** As the provider's documentation spells it, for messages. */
  headerLabel: string;
  /** Written before the hex digest, e.g. `sha256=` for GitHub; empty for none. */
  prefix: string;
}

/**
 * Checks a signed call: undefined when the header holds the HMAC-SHA256 of the raw body keyed
 * with `secret`, else why not. Never throws, whatever the header holds.
 */
export function checkHmacSignature(
  scheme: HmacSignatureScheme,
  request: WebhookRequest,
  secret: string,
): string | undefined {
  // An empty key is a key anyone can sign with: a Secret missing its key must not open the door.
  if (secret === '') return "the receiver's Secret has no value to check the signature with";
  const received = request.headers[scheme.header];
  if (!received) return `missing ${scheme.headerLabel} header`;
  const expected = scheme.prefix + createHmac('sha256', secret).update(request.body).digest('hex');
  return constantTimeEqual(received, expected) ? undefined : 'signature does not match';
}

/**
 * Checks a call that carries the shared secret verbatim in a header (GitLab's token, Harbor's
 * auth header): undefined when it matches, else why not. Never throws.
 */
export function checkSharedToken(
  header: { name: string; label: string },
  request: WebhookRequest,
  secret: string,
): string | undefined {
  if (secret === '') return "the receiver's Secret has no value to check the token with";
  const received = request.headers[header.name];
  if (!received) return `missing ${header.label} header`;
  return constantTimeEqual(received, secret) ? undefined : `${header.label} does not match`;
}
