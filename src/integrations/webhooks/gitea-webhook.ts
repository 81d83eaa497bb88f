import { z } from 'zod';
import { inputError } from '../../errors.js';
import { changedPaths, commitFilesSchema } from './changed-paths.js';
import { checkHmacSignature } from './request-authentication.js';
import { missingFieldError, parseWebhookPayload } from './webhook-payload.js';
import type { RepositoryRef, WebhookOutcome, WebhookProvider } from './webhook-provider.js';

const pushSchema = z.looseObject({
  ref: z.string(),
  repository: z.looseObject({
    full_name: z.string().nullish(),
    clone_url: z.string().nullish(),
    html_url: z.string().nullish(),
    ssh_url: z.string().nullish(),
  }),
  commits: z.array(commitFilesSchema).nullish(),
  total_commits: z.number().nullish(),
});

/** Gitea's pull_request payload (api.PullRequestPayload): what says it was merged or closed. */
const pullRequestSchema = z.looseObject({
  action: z.string(),
  number: z.number().nullish(),
  pull_request: z.looseObject({
    number: z.number().nullish(),
    html_url: z.string(),
    merged: z.boolean().nullish(),
  }),
  repository: z.looseObject({ full_name: z.string().nullish() }).nullish(),
});

/** As for GitHub: with this many commits listed, some may have been left out. */
const MAX_TRUSTED_COMMITS = 20;

/**
 * Gitea (and Forgejo) repository webhooks, signed with the receiver's `secret` in
 * X-Gitea-Signature (hex HMAC-SHA256 of the body, no prefix). Pushes refresh the repository's
 * git subscribers, branch pushes path-filtered by the files their commits changed. A pull
 * request closed (merged or not: Gitea sends action `closed` with `pull_request.merged`) wakes
 * the Promotions waiting on it (git-wait-for-pr), named by its web page.
 */
export const giteaWebhook: WebhookProvider = {
  name: 'gitea',
  secretKey: 'secret',
  verify: (request, secret) =>
    checkHmacSignature(
      { header: 'x-gitea-signature', headerLabel: 'X-Gitea-Signature', prefix: '' },
      request,
      secret,
    ),
  parse(request) {
    const event = request.headers['x-gitea-event'];
    if (!event) throw inputError('Gitea webhook: missing X-Gitea-Event header');
    if (event === 'pull_request') return parsePullRequest(request.body);
    if (event !== 'push') {
      return { kind: 'ignored', reason: `Gitea event "${event}" is not handled` };
    }
    const push = parseWebhookPayload(request.body, pushSchema, 'Gitea push event');
    const { repository } = push;
    const url = repository.clone_url ?? repository.html_url;
    if (!url) throw missingFieldError('Gitea push event', 'repository.clone_url');
    const repositories: RepositoryRef[] = [{ type: 'git', url }];
    // Warehouses subscribed over SSH name the same repository differently.
    if (repository.ssh_url) repositories.push({ type: 'git', url: repository.ssh_url });
    const commits = push.commits ?? undefined;
    // Gitea lists only the latest few commits of a push (its FeedMaxCommitNum) and counts
    // them all in total_commits. A tag names a commit pushed earlier, so its list says
    // nothing about it.
    const trusted =
      !push.ref.startsWith('refs/tags/') &&
      commits !== undefined &&
      commits.length < MAX_TRUSTED_COMMITS &&
      (push.total_commits ?? commits.length) <= commits.length;
    return {
      kind: 'refresh',
      repositories,
      changedPaths: trusted ? changedPaths(commits) : undefined,
      description: `push to ${push.ref} of ${repository.full_name ?? url}`,
    };
  },
};

function parsePullRequest(body: Buffer): WebhookOutcome {
  const event = parseWebhookPayload(body, pullRequestSchema, 'Gitea pull_request event');
  const pull = event.pull_request;
  const number = pull.number ?? event.number;
  const name = `pull request ${number === null || number === undefined ? pull.html_url : `#${number}`}${event.repository?.full_name ? ` of ${event.repository.full_name}` : ''}`;
  if (event.action !== 'closed')
    return { kind: 'ignored', reason: `${name}: action "${event.action}" is not handled` };
  return {
    kind: 'pull-request',
    urls: [pull.html_url],
    description: `${name} ${pull.merged ? 'merged' : 'closed without merging'}`,
  };
}
