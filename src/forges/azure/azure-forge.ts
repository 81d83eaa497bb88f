import { STATUS_CODES } from 'node:http';
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import type { IGitApi } from 'azure-devops-node-api/GitApi.js';
import type { IPolicyApi } from 'azure-devops-node-api/PolicyApi.js';
import type {
  GitPullRequest,
  GitPullRequestMergeStrategy,
  GitRepository,
} from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import { normalizeGitUrl } from '../../api/repo-urls.js';
import {
  ForgeError,
  type CreatePullRequest,
  type ForgeOptions,
  type GitForge,
  type ListPullRequests,
  type MergePullRequest,
  type MergeResult,
  type PullRequest,
} from '../forge.js';

/*
 * The client's enums, by value (its enum objects live in a CommonJS module; the values are
 * Azure DevOps' own and what the client sends and reads back).
 */
const STATUS = { notSet: 0, active: 1, abandoned: 2, completed: 3, all: 4 } as const;
const MERGE_STATUS = { succeeded: 3, conflicts: 2 } as const;
const POLICY_STATUS = { approved: 2, notApplicable: 4 } as const;
/** Kargo's list: Azure DevOps takes any name and merges with its default, so it is checked here. */
const MERGE_STRATEGIES: Record<string, number> = {
  noFastForward: 1,
  squash: 2,
  rebase: 3,
  rebaseMerge: 4,
};
const PAGE = 100;

export interface AzureForgeOptions extends ForgeOptions {
  /**
   * How Azure DevOps' asynchronous completion is awaited after a merge is asked for: Kargo reads
   * the pull request up to 10 times, a second apart, and says "not yet" if it is still active.
   */
  completion?: { attempts: number; intervalMs: number } | undefined;
}

/**
 * Azure DevOps pull requests through azure-devops-node-api (docs/adr/0003), as Kargo's
 * pkg/gitprovider/azure does them. The API is the organization's: `https://dev.azure.com/{org}`
 * for both URL forms Kargo reads, or `{apiBaseUrl}/{org}` when the operator names where the
 * service is (a --forge-config host, which may then be any host serving Azure DevOps' paths).
 * The client speaks node:http (typed-rest-client), so ForgeOptions.fetch is not used; the
 * token goes as a PAT (Basic, `PAT:<token>`), never into messages.
 */
export class AzureForge implements GitForge {
  readonly organization: string;
  readonly project: string;
  readonly repository: string;
  readonly #connection: WebApi;
  readonly #completion: { attempts: number; intervalMs: number };
  #git: Promise<IGitApi> | undefined;
  #policy: Promise<IPolicyApi> | undefined;
  #repo: Promise<GitRepository> | undefined;

  constructor(options: AzureForgeOptions) {
    if (!options.token)
      throw new ForgeError('token is required for Azure DevOps provider', 0, false);
    const { organization, project, repository } = parseAzureRepo(
      options.repoURL,
      options.apiBaseUrl !== undefined,
    );
    this.organization = organization;
    this.project = project;
    this.repository = repository;
    const root = (options.apiBaseUrl ?? 'https://dev.azure.com').replace(/\/+$/, '');
    this.#connection = new WebApi(
      `${root}/${encodeURIComponent(organization)}`,
      getPersonalAccessTokenHandler(options.token),
      { ignoreSslError: options.insecureSkipTLSVerify === true },
      { productName: 'gantry', productVersion: '1', userAgent: 'gantry' },
    );
    this.#completion = options.completion ?? { attempts: 10, intervalMs: 1000 };
  }

  async createPullRequest(options: CreatePullRequest): Promise<PullRequest> {
    const repository = await this.#repository();
    const created = await this.#call(async () =>
      (await this.#gitApi()).createPullRequest(
        {
          title: options.title,
          description: options.description ?? '',
          sourceRefName: `refs/heads/${options.head}`,
          targetRefName: `refs/heads/${options.base}`,
          labels: (options.labels ?? []).map((name) => ({ name })),
        },
        repository.id!,
        this.project,
      ),
    );
    if (!created)
      throw notFound(`could not create a pull request from ${options.head} to ${options.base}`);
    return toPullRequest(created);
  }

  async getPullRequest(number: number): Promise<PullRequest> {
    return toPullRequest(await this.#get(number));
  }

  /**
   * Kargo's filters: open is active, closed is completed (an abandoned one is neither), any is
   * all; head and base as the source and target refs. The head commit, which Kargo's Azure
   * provider leaves aside, is checked here against lastMergeSourceCommit.
   */
  async listPullRequests(options: ListPullRequests): Promise<PullRequest[]> {
    const status =
      options.state === 'open'
        ? STATUS.active
        : options.state === 'closed'
          ? STATUS.completed
          : STATUS.all;
    const found: GitPullRequest[] = [];
    for (let skip = 0; ; skip += PAGE) {
      const page = await this.#call(async () =>
        (await this.#gitApi()).getPullRequests(
          this.repository,
          {
            status,
            ...(options.head ? { sourceRefName: `refs/heads/${options.head}` } : {}),
            ...(options.base ? { targetRefName: `refs/heads/${options.base}` } : {}),
          },
          this.project,
          undefined,
          skip,
          PAGE,
        ),
      );
      // A repository Azure does not know answers 404, which the client reads as nothing.
      if (!page) break;
      found.push(...page);
      if (page.length < PAGE) break;
    }
    return found
      .map(toPullRequest)
      .filter((pr) => !options.headCommit || pr.headSha === options.headCommit);
  }

  /**
   * Kargo's MergePullRequest: completed is merged; abandoned is final; an active one merges only
   * when it is no draft and its mergeStatus is succeeded, else "not yet". Two differences, both
   * the port's: a conflict is final (Kargo waits on it), and blocking branch policies not yet
   * approved are "not yet" (Kargo asks and fails on Azure's refusal). The completion carries
   * lastMergeSourceCommit, so a source moved meanwhile is refused; Azure completes
   * asynchronously, so the pull request is read again until it is completed.
   */
  async mergePullRequest(number: number, options: MergePullRequest = {}): Promise<MergeResult> {
    const pr = await this.#get(number);
    switch (pr.status as number | undefined) {
      case STATUS.completed:
        return { merged: true, pullRequest: toPullRequest(pr) };
      case STATUS.abandoned:
        throw new ForgeError(
          `pull request ${number} is abandoned (closed without merging)`,
          422,
          false,
        );
      case STATUS.active:
        if (pr.isDraft) return { merged: false };
        if ((pr.mergeStatus as number | undefined) === MERGE_STATUS.conflicts)
          throw new ForgeError(
            `pull request ${number} has conflicts and cannot be merged`,
            409,
            false,
          );
        if ((pr.mergeStatus as number | undefined) !== MERGE_STATUS.succeeded)
          return { merged: false };
        break;
      default:
        return { merged: false };
    }
    let strategy: number | undefined;
    if (options.method) {
      strategy = MERGE_STRATEGIES[options.method];
      if (strategy === undefined)
        throw new ForgeError(
          `unsupported merge method ${JSON.stringify(options.method)}`,
          400,
          false,
        );
    }
    if (await this.#policiesPending(number)) return { merged: false };
    const updated = await this.#call(async () =>
      (await this.#gitApi()).updatePullRequest(
        {
          status: STATUS.completed,
          lastMergeSourceCommit: pr.lastMergeSourceCommit,
          ...(strategy !== undefined
            ? { completionOptions: { mergeStrategy: strategy as GitPullRequestMergeStrategy } }
            : {}),
        },
        this.repository,
        number,
        this.project,
      ),
    );
    if (!updated) throw notFound(`unexpected nil response after merging pull request ${number}`);
    for (let attempt = 0; attempt < this.#completion.attempts; attempt++) {
      if (attempt > 0)
        await new Promise((resolve) => setTimeout(resolve, this.#completion.intervalMs));
      const now = await this.#get(number);
      if ((now.status as number | undefined) === STATUS.completed)
        return { merged: true, pullRequest: toPullRequest(now) };
    }
    return { merged: false };
  }

  /** Whether a blocking, enabled branch policy has not approved the pull request yet. */
  async #policiesPending(number: number): Promise<boolean> {
    const repository = await this.#repository();
    const projectId = repository.project?.id;
    if (!projectId) return false;
    const evaluations = await this.#call(async () =>
      (await this.#policyApi()).getPolicyEvaluations(
        this.project,
        `vstfs:///CodeReview/CodeReviewId/${projectId}/${number}`,
      ),
    );
    return (evaluations ?? []).some(
      (evaluation) =>
        evaluation.configuration?.isBlocking === true &&
        evaluation.configuration.isEnabled !== false &&
        !([POLICY_STATUS.approved, POLICY_STATUS.notApplicable] as number[]).includes(
          evaluation.status ?? -1,
        ),
    );
  }

  async #get(number: number): Promise<GitPullRequest> {
    const pr = await this.#call(async () =>
      (await this.#gitApi()).getPullRequest(this.repository, number, this.project),
    );
    if (!pr) throw notFound(`pull request ${number} not found`);
    return pr;
  }

  /** The repository (its id and project id), read once, as Kargo reads it to create one. */
  #repository(): Promise<GitRepository> {
    this.#repo ??= this.#call(async () =>
      (await this.#gitApi()).getRepository(this.repository, this.project),
    ).then((repository) => {
      if (!repository?.id)
        throw notFound(
          `error getting repository ${JSON.stringify(this.repository)}: not found in project ${JSON.stringify(this.project)}`,
        );
      return repository;
    });
    this.#repo.catch(() => (this.#repo = undefined));
    return this.#repo;
  }

  /** One API call: its answer (null for a 404), or a ForgeError with Azure's status and message. */
  async #call<T>(request: () => Promise<T>): Promise<T | null> {
    try {
      return (await request()) ?? null;
    } catch (err) {
      throw toForgeError(err);
    }
  }

  /** The git area's client; the client looks up where the area lives on first use. */
  #gitApi(): Promise<IGitApi> {
    this.#git ??= this.#connection.getGitApi();
    this.#git.catch(() => (this.#git = undefined));
    return this.#git;
  }

  #policyApi(): Promise<IPolicyApi> {
    this.#policy ??= this.#connection.getPolicyApi();
    this.#policy.catch(() => (this.#policy = undefined));
    return this.#policy;
  }
}

/**
 * Organization, project and repository of an Azure DevOps URL, as Kargo's parseRepoURL reads
 * them: `dev.azure.com/{org}/{project}/_git/{repo}` or `{org}.visualstudio.com/{project}/_git/
 * {repo}`, the path counted in parts (a `.git` suffix dropped, letters lowered). Any other host
 * is refused as Kargo refuses it, unless the operator named its API (`anyHost`): it is then read
 * as the first form.
 */
export function parseAzureRepo(
  repoURL: string,
  anyHost = false,
): { organization: string; project: string; repository: string } {
  let url: URL;
  try {
    url = new URL(normalizeGitUrl(repoURL));
  } catch {
    throw new ForgeError(
      `error parsing Azure DevOps repository URL ${JSON.stringify(repoURL)}`,
      0,
      false,
    );
  }
  const parts = url.pathname.split('/').map(decoded);
  const unreadable = () =>
    new ForgeError(
      `could not extract repository organization, project, and name from URL ${JSON.stringify(repoURL)}`,
      0,
      false,
    );
  if (url.host !== 'dev.azure.com' && url.host.endsWith('visualstudio.com')) {
    if (parts.length !== 4) throw unreadable();
    return {
      organization: url.host.slice(0, -'.visualstudio.com'.length),
      project: parts[1]!,
      repository: parts[3]!,
    };
  }
  if (url.host !== 'dev.azure.com' && !anyHost)
    throw new ForgeError(`unsupported host ${JSON.stringify(url.host)}`, 0, false);
  if (parts.length !== 5) throw unreadable();
  return { organization: parts[1]!, project: parts[2]!, repository: parts[4]! };
}

/** A path part as Go's url.Parse gives it: percent-escapes decoded (left as they are if bad). */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Kargo's conversion: open is active, merged is completed, the head is lastMergeSourceCommit. */
function toPullRequest(pr: GitPullRequest): PullRequest {
  const number = pr.pullRequestId ?? 0;
  const headSha = pr.lastMergeSourceCommit?.commitId;
  if (!headSha)
    throw new ForgeError(`no last merge source commit found for pull request ${number}`, 0, false);
  const merged = (pr.status as number | undefined) === STATUS.completed;
  const created = pr.creationDate as Date | string | undefined;
  return {
    number,
    url: `${pr.repository?.webUrl ?? ''}/pullrequest/${number}`,
    open: (pr.status as number | undefined) === STATUS.active,
    merged,
    // An active pull request's lastMergeCommit is Azure's trial merge, not on the target.
    mergeCommitSha: merged ? (pr.lastMergeCommit?.commitId ?? '') : '',
    headSha,
    ...(pr.sourceRefName?.startsWith('refs/heads/')
      ? { headBranch: pr.sourceRefName.slice('refs/heads/'.length) }
      : {}),
    ...(created
      ? { createdAt: created instanceof Date ? created.toISOString() : String(created) }
      : {}),
  };
}

function notFound(message: string): ForgeError {
  return new ForgeError(`Azure DevOps answered 404: ${message}`, 404, false, undefined, message);
}

/**
 * Azure's answer as a ForgeError: 5xx, 429 (Retry-After) and no answer at all are transient;
 * the message is Azure's `message`, or the status' name when the body is no JSON (Azure's HTML
 * page for a refused token).
 */
function toForgeError(err: unknown): ForgeError {
  if (err instanceof ForgeError) return err;
  const failure = err as {
    statusCode?: number;
    message?: string;
    result?: { message?: unknown };
    responseHeaders?: Record<string, string | string[] | undefined>;
    code?: string;
  };
  const status = failure.statusCode ?? 0;
  const fromBody = typeof failure.result?.message === 'string' ? failure.result.message : undefined;
  const text = fromBody ?? failure.message ?? String(err);
  const message =
    status && fromBody === undefined && (/^\s*</.test(text) || text.startsWith('Failed request'))
      ? (STATUS_CODES[status] ?? `HTTP ${status}`)
      : text;
  const retryAfterHeader = failure.responseHeaders?.['retry-after'];
  const retryAfter = Number(
    Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader,
  );
  const transient = status === 0 || status === 429 || status >= 500;
  return new ForgeError(
    `Azure DevOps answered ${status || 'nothing'}: ${message}`,
    status,
    transient,
    transient && retryAfterHeader !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0
      ? Math.ceil(retryAfter * 1000)
      : undefined,
    message,
  );
}
