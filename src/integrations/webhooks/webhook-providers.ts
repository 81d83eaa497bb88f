import { dockerhubWebhook } from './dockerhub-webhook.js';
import { giteaWebhook } from './gitea-webhook.js';
import { githubWebhook } from './github-webhook.js';
import { gitlabWebhook } from './gitlab-webhook.js';
import { harborWebhook } from './harbor-webhook.js';
import { quayWebhook } from './quay-webhook.js';
import type { WebhookProvider } from './webhook-provider.js';

/**
 * Every webhook provider Gantry implements, listed explicitly (nothing registers itself).
 * Kargo's `generic` receiver is handled by the receivers themselves; bitbucket, azure and
 * artifactory are not implemented yet, so their receivers answer 404.
 */
export const WEBHOOK_PROVIDER_LIST: WebhookProvider[] = [
  githubWebhook,
  gitlabWebhook,
  giteaWebhook,
  dockerhubWebhook,
  quayWebhook,
  harborWebhook,
];

/** The provider named `name` (a receiver's provider key), or undefined when not implemented. */
export function webhookProvider(name: string): WebhookProvider | undefined {
  return WEBHOOK_PROVIDER_LIST.find((provider) => provider.name === name);
}
