import { z } from 'zod';
import { inputError } from '../../errors.js';
import { changedPaths, commitFilesSchema } from './changed-paths.js';
import { ociRepositoryRefs } from './oci-repository-refs.js';
import { checkHmacSignature } from './request-authentication.js';
import { missingFieldError, parseWebhookPayload } from './webhook-payload.js';
import type { RepositoryRef, WebhookOutcome, WebhookProvider } from './webhook-provider.js';

const pingSchema = z.looseObject({
  zen: z.string().nullish(),
  hook_id: z.number().nullish(),
});

const pushSchema = z.looseObject({
  ref: z.string(),
  deleted: z.boolean().nullish(),
  repository: z.looseObject({
    full_name: z.string().nullish(),
    clone_url: z.string().nullish(),
    html_url: z.string().nullish(),
    ssh_url: z.string().nullish(),
  }),
  commits: z.array(commitFilesSchema).nullish(),
});

const pullRequestSchema = z.looseObject({
  action: z.string(),
  pull_request: z.looseObject({
    number: z.number(),
    html_url: z.string(),
    merged: z.boolean().nullish(),
  }),
  repository: z.looseObject({ full_name: z.string().nullish() }).nullish(),
});

/** The package object, alike in `package` and `registry_package` events. */
const packageSchema = z.looseObject({
  name: z.string().nullish(),
  package_type: z.string(),
  owner: z.looseObject({ login: z.string() }).nullish(),
  package_version: z.looseObject({ package_url: z.string().nullish() }).nullish(),
});

const packageEventSchema = z.looseObject({ action: z.string(), package: packageSchema });
const registryPackageEventSchema = z.looseObject({
  action: z.string(),
  registry_package: packageSchema,
});

/**
 * GitHub's push payloads used to list at most 20 commits (more are only in the API). With 20
 * or more listed we cannot tell whether some were left out, and a file changed only in an
 * unlisted commit would wrongly skip a path-filtered Warehouse.
 */
const MAX_TRUSTED_COMMITS = 20;

/**
 * Package types that live in GHCR as OCI artifacts (images and Helm charts); `docker` is the
 * older GitHub Packages Docker registry, which Kargo accepts too.
 */
const OCI_PACKAGE_TYPES = new Set(['container', 'docker']);

/** Which actions announce a new version; deletions and the like refresh nothing. */
const PUBLISHING_ACTIONS = {
  package: ['published'],
  registry_package: ['published', 'updated'],
} as const;

/**
 * GitHub repository, organisation and App webhooks, signed with the receiver's `secret` in
 * X-Hub-Signature-256. Pushes refresh the repository's git subscribers (path-filtered by the
 * files the commits changed); GHCR package events refresh its image and chart subscribers; a
 * pull request closed or merged wakes the Promotions waiting on it.
 */
export const githubWebhook: WebhookProvider = {
  name: 'github',
  secretKey: 'secret',
  verify: (request, secret) =>
    checkHmacSignature(
      { header: 'x-hub-signature-256', headerLabel: 'X-Hub-Signature-256', prefix: 'sha256=' },
      request,
      secret,
    ),
  parse(request) {
    const event = request.headers['x-github-event'];
    if (!event) throw inputError('GitHub webhook: missing X-GitHub-Event header');
    switch (event) {
      case 'ping': {
        const ping = parseWebhookPayload(request.body, pingSchema, 'GitHub ping event');
        const hook = ping.hook_id === null || ping.hook_id === undefined ? '' : ` ${ping.hook_id}`;
        return {
          kind: 'ping',
          message: `GitHub ping received for hook${hook}: the webhook is configured correctly`,
        };
      }
      case 'push':
        return parsePush(request.body);
      case 'package': {
        const payload = parseWebhookPayload(
          request.body,
          packageEventSchema,
          'GitHub package event',
        );
        return parsePackage('package', payload.action, payload.package);
      }
      case 'registry_package': {
        const payload = parseWebhookPayload(
          request.body,
          registryPackageEventSchema,
          'GitHub registry_package event',
        );
        return parsePackage('registry_package', payload.action, payload.registry_package);
      }
      case 'pull_request':
        return parsePullRequest(request.body);
      default:
        return { kind: 'ignored', reason: `GitHub event "${event}" is not handled` };
    }
  },
};

/**
 * A pull request closed (merged or not) wakes the Promotions waiting on it (git-wait-for-pr);
 * other actions (opened, synchronize, labeled, …) change nothing they wait for.
 */
function parsePullRequest(body: Buffer): WebhookOutcome {
  const event = 'GitHub pull_request event';
  const payload = parseWebhookPayload(body, pullRequestSchema, event);
  const { number, html_url: url, merged } = payload.pull_request;
  const name = payload.repository?.full_name ?? url;
  if (payload.action !== 'closed')
    return {
      kind: 'ignored',
      reason: `pull request #${number} of ${name} ${payload.action}: nothing waits on that`,
    };
  return {
    kind: 'pull-request',
    urls: [url],
    description: `pull request #${number} of ${name} ${merged ? 'merged' : 'closed'}`,
  };
}

function parsePush(body: Buffer): WebhookOutcome {
  const event = 'GitHub push event';
  const push = parseWebhookPayload(body, pushSchema, event);
  const { repository } = push;
  const url = repository.clone_url ?? repository.html_url;
  if (!url) throw missingFieldError(event, 'repository.clone_url');
  const name = repository.full_name ?? url;
  if (push.deleted) return { kind: 'ignored', reason: `push deletes ${push.ref} of ${name}` };
  const repositories: RepositoryRef[] = [{ type: 'git', url }];
  // Warehouses subscribed over SSH name the same repository differently.
  if (repository.ssh_url) repositories.push({ type: 'git', url: repository.ssh_url });
  const commits = push.commits ?? undefined;
  // A tag names a commit pushed earlier: the files this push lists say nothing about it.
  const trusted =
    !push.ref.startsWith('refs/tags/') &&
    commits !== undefined &&
    commits.length < MAX_TRUSTED_COMMITS;
  return {
    kind: 'refresh',
    repositories,
    changedPaths: trusted ? changedPaths(commits) : undefined,
    description: `push to ${push.ref} of ${name}`,
  };
}

function parsePackage(
  event: keyof typeof PUBLISHING_ACTIONS,
  action: string,
  pkg: z.infer<typeof packageSchema>,
): WebhookOutcome {
  const label = pkg.name ?? 'unnamed';
  if (!(PUBLISHING_ACTIONS[event] as readonly string[]).includes(action)) {
    return {
      kind: 'ignored',
      reason: `GitHub ${event} event "${action}" of ${label} publishes no new version`,
    };
  }
  if (!OCI_PACKAGE_TYPES.has(pkg.package_type.toLowerCase())) {
    return {
      kind: 'ignored',
      reason: `GitHub package ${label} is a ${pkg.package_type} package, not a container image or chart`,
    };
  }
  const reference =
    pkg.package_version?.package_url ||
    (pkg.owner && pkg.name ? `ghcr.io/${pkg.owner.login.toLowerCase()}/${pkg.name}` : undefined);
  if (!reference)
    throw missingFieldError(`GitHub ${event} event`, `${event}.package_version.package_url`);
  return {
    kind: 'refresh',
    repositories: ociRepositoryRefs(reference),
    description: `${event} ${action}: ${reference}`,
  };
}
