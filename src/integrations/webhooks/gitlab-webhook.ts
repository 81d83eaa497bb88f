import { z } from 'zod';
import { inputError } from '../../errors.js';
import { changedPaths, commitFilesSchema } from './changed-paths.js';
import { checkSharedToken } from './request-authentication.js';
import { missingFieldError, parseWebhookPayload } from './webhook-payload.js';
import type { RepositoryRef, WebhookOutcome, WebhookProvider } from './webhook-provider.js';

const gitUrlsSchema = z.looseObject({
  git_http_url: z.string().nullish(),
  git_ssh_url: z.string().nullish(),
});

/** Push Hook and Tag Push Hook payloads share this shape. */
const pushSchema = z.looseObject({
  ref: z.string(),
  after: z.string().nullish(),
  project: gitUrlsSchema.extend({ path_with_namespace: z.string().nullish() }).nullish(),
  repository: gitUrlsSchema.nullish(),
  commits: z.array(commitFilesSchema).nullish(),
  total_commits_count: z.number().nullish(),
});

const PUSH_EVENTS = new Set(['Push Hook', 'Tag Push Hook']);

/** A Merge Request Hook: what happened to which merge request, named by its web page. */
const mergeRequestSchema = z.looseObject({
  project: z.looseObject({ path_with_namespace: z.string().nullish() }).nullish(),
  object_attributes: z.looseObject({
    iid: z.number().nullish(),
    action: z.string().nullish(),
    url: z.string(),
  }),
});

/** The merge request actions that end a wait: merged, or closed without merging. */
const FINAL_ACTIONS: Record<string, string> = { merge: 'merged', close: 'closed' };

/** GitLab names no commit after a push that deletes a branch or tag. */
const NO_COMMIT = /^0+$/;

/**
 * GitLab project and group webhooks, authenticated by the receiver's `secret-token`, which
 * GitLab sends verbatim in X-Gitlab-Token. Branch and tag pushes refresh the repository's git
 * subscribers, branch pushes path-filtered by the files their commits changed. A merge request
 * merged or closed wakes the Promotions waiting on it (git-wait-for-pr), found by its web page.
 */
export const gitlabWebhook: WebhookProvider = {
  name: 'gitlab',
  secretKey: 'secret-token',
  verify: (request, secret) =>
    checkSharedToken({ name: 'x-gitlab-token', label: 'X-Gitlab-Token' }, request, secret),
  parse(request) {
    const event = request.headers['x-gitlab-event'];
    if (!event) throw inputError('GitLab webhook: missing X-Gitlab-Event header');
    if (event === 'Merge Request Hook') return parseMergeRequest(request.body);
    if (!PUSH_EVENTS.has(event)) {
      return { kind: 'ignored', reason: `GitLab event "${event}" is not handled` };
    }
    const push = parseWebhookPayload(request.body, pushSchema, `GitLab ${event}`);
    const url = push.project?.git_http_url ?? push.repository?.git_http_url;
    if (!url) throw missingFieldError(`GitLab ${event}`, 'project.git_http_url');
    const name = push.project?.path_with_namespace ?? url;
    if (push.after && NO_COMMIT.test(push.after)) {
      return { kind: 'ignored', reason: `push deletes ${push.ref} of ${name}` };
    }
    const repositories: RepositoryRef[] = [{ type: 'git', url }];
    // Warehouses subscribed over SSH name the same repository differently.
    const sshUrl = push.project?.git_ssh_url ?? push.repository?.git_ssh_url;
    if (sshUrl) repositories.push({ type: 'git', url: sshUrl });
    const commits = push.commits ?? undefined;
    // GitLab lists at most 20 commits and counts them all in total_commits_count. A tag names
    // a commit pushed earlier, so its list says nothing about it (Kargo filters neither).
    const trusted =
      event === 'Push Hook' &&
      commits !== undefined &&
      (push.total_commits_count ?? commits.length) <= commits.length;
    return {
      kind: 'refresh',
      repositories,
      changedPaths: trusted ? changedPaths(commits) : undefined,
      description: `push to ${push.ref} of ${name}`,
    };
  },
};

function parseMergeRequest(body: Buffer): WebhookOutcome {
  const hook = parseWebhookPayload(body, mergeRequestSchema, 'GitLab Merge Request Hook');
  const { action, iid, url } = hook.object_attributes;
  const name = `merge request ${iid === null || iid === undefined ? url : `!${iid}`}${
    hook.project?.path_with_namespace ? ` of ${hook.project.path_with_namespace}` : ''
  }`;
  const outcome = action ? FINAL_ACTIONS[action] : undefined;
  if (!outcome)
    return { kind: 'ignored', reason: `${name}: action "${action ?? ''}" is not handled` };
  return { kind: 'pull-request', urls: [url], description: `${name} ${outcome}` };
}
