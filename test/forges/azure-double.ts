import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { TestGitServer } from '../git-server.js';
import { DoubleGit, listenOnLoopback, readBody, sendJson, stopServer } from './double-git.js';
import type { ForgeDouble, ForgeFailure, Mergeability, PullRequestRecord } from './forge-double.js';

/**
 * A contract double of Azure DevOps Services' REST API for pull requests (learn.microsoft.com/
 * rest/api/azure/devops/git/pull-requests, /git/repositories/get, /git/pull-request-labels,
 * /policy/evaluations/list; api-version 7.1 and 7.2-preview, which azure-devops-node-api asks
 * for), over the test git server's repositories: `org/project/_git/repo` is the git server's
 * `org/project/_git/repo.git`, and branches and merges are real git. Its root stands for
 * `https://dev.azure.com`: an organization's API is `{root}/{org}`. It models:
 * - what the official clients read before their first call: `OPTIONS {org}/_apis/{area}` (the
 *   resource locations of the Location, git and policy areas: route templates and versions) and
 *   `GET {org}/_apis/ResourceAreas` (where each area lives);
 * - `GET {org}/{project}/_apis/git/repositories/{name or id}`: the repository (id, webUrl,
 *   project id), or 404 TF401019;
 * - `POST …/repositories/{repo}/pullRequests` with sourceRefName, targetRefName, title,
 *   description, labels, isDraft: 201, `mergeStatus` queued at first (Azure computes the merge
 *   in the background); 409 TF401179 (GitPullRequestExistsException) for an active pull request
 *   with the same source and target; 400 TF401398 for a source or target branch that does not
 *   exist;
 * - `GET …/pullRequests/{id}`: status active, abandoned or completed; mergeStatus succeeded or
 *   conflicts (from real git; queued while a completion is under way); lastMergeSourceCommit,
 *   lastMergeTargetCommit, and lastMergeCommit (the preview merge of an active one, the commit
 *   on the target once completed); isDraft, labels, creationDate, closedDate; 404 TF401180;
 * - `GET …/pullRequests?searchCriteria.status=&searchCriteria.sourceRefName=
 *   &searchCriteria.targetRefName=&$top=&$skip=`: newest first, status active unless asked
 *   (names or the numbers the official clients send; `all`); `{count, value}`;
 * - `PATCH …/pullRequests/{id}` with `status: completed`, `lastMergeSourceCommit` and
 *   `completionOptions` {mergeStrategy noFastForward (the default), squash, rebase,
 *   rebaseMerge; deleteSourceBranch; bypassPolicy}: the completion is asynchronous, as Azure's:
 *   the answer (and the next `completionLag` reads) show the pull request active with mergeStatus
 *   queued, then a read completes it in real git (a conflict found then leaves it active with
 *   mergeStatus conflicts). 400 InvalidArgumentValueException "You must specify a valid
 *   LastMergeSourceCommit" when that commit is missing or not the source's head; `status:
 *   abandoned` abandons it;
 * - `POST …/pullRequests/{id}/labels` with `{name}`;
 * - `GET {org}/{project}/_apis/policy/evaluations?artifactId=vstfs:///CodeReview/
 *   CodeReviewId/{projectId}/{id}`: one blocking "Minimum number of reviewers" evaluation when a
 *   policy applies (queued while pending, approved once met); Azure keeps mergeStatus succeeded
 *   while policies block (github.com/MicrosoftDocs/vsts-rest-api-specs/issues/371);
 * - authentication: `Basic` with the token as password (the PAT handler sends `PAT:token`) or
 *   `Bearer`; a wrong one answers 401 with an HTML body, as Azure does for a bad PAT when
 *   `X-TFS-FedAuthRedirect: Suppress` is sent;
 * - errors in Azure's format `{"$id":"1","innerException":null,"message","typeName","typeKey",
 *   "errorCode":0,"eventId":3000}`; rate limits as 429 with Retry-After and X-RateLimit-*.
 * Assumed where the reference is silent (the double's choice, not a documented answer): the
 * status 400 for TF401398, for completing a draft, and for completing while a blocking policy
 * is not approved ("…requires an explicit override to bypass policies that aren't currently
 * passing."), and 409 TF401181 for completing a pull request that is not active.
 * No webhooks: Gantry has no Azure DevOps receiver, so git-wait-for-pr polls.
 */
export interface AzureDouble extends ForgeDouble {
  /**
   * Reads of a pull request whose completion was asked that still show it active (mergeStatus
   * queued) before the one that finds it completed; the PATCH answer always shows it active. 0
   * by default: the first read after the PATCH finds it completed, as Kargo's tests have it.
   */
  completionLag: number;
  /** The blocking policy's evaluation on a pull request; undefined: no policy applies. */
  setPolicy(repository: string, number: number, status: PolicyStatus | undefined): void;
  /** A mergeStatus to report for an active pull request instead of what git says. */
  setMergeStatus(repository: string, number: number, status: MergeStatus | undefined): void;
  /** The next request with this method answers this failure instead (the others go through). */
  failNextOf(method: 'GET' | 'POST' | 'PATCH' | 'OPTIONS', failure: ForgeFailure): void;
}

export type PolicyStatus =
  'queued' | 'running' | 'approved' | 'rejected' | 'notApplicable' | 'broken';
export type MergeStatus =
  'notSet' | 'queued' | 'conflicts' | 'succeeded' | 'rejectedByPolicy' | 'failure';
type Strategy = 'noFastForward' | 'squash' | 'rebase' | 'rebaseMerge';

interface Repo {
  id: string;
  org: string;
  project: string;
  projectId: string;
  name: string;
  /** The git server's repository: `org/project/_git/name`. */
  path: string;
  pulls: Pull[];
}

interface Pull {
  id: number;
  title: string;
  description: string;
  source: string;
  target: string;
  sourceSha: string;
  targetSha: string;
  status: 'active' | 'abandoned' | 'completed';
  isDraft: boolean;
  labels: string[];
  creationDate: string;
  closedDate?: string;
  mergeCommit?: string;
  mergeability: Mergeability;
  mergeStatusOverride?: MergeStatus;
  policy?: PolicyStatus;
  /** A completion asked for and not done yet. */
  completion?: { strategy: Strategy; deleteSourceBranch: boolean; reads: number; queued: string };
  /** The trial merge of an active one, by target and source commit. */
  trial?: { key: string; tree: string | undefined; commit?: string };
  /** Set by the first read after creation: Azure's mergeStatus is queued until then. */
  computed: boolean;
}

const AREAS = {
  Location: 'e81700f7-3be2-46de-8624-2eb35882fcaa',
  git: '4e080c62-fa21-4fbc-8fef-2a10a2b38049',
  policy: 'fb13a388-40dd-4a04-b530-013a739c72ef',
};

/** The resource locations the official clients look up (their ids are the clients' own). */
const LOCATIONS: Record<string, Array<[string, string, string, number]>> = {
  location: [
    ['e81700f7-3be2-46de-8624-2eb35882fcaa', 'ResourceAreas', '_apis/{resource}/{areaId}', 1],
  ],
  git: [
    [
      '9946fd70-0d40-406e-b686-b4744cbbcc37',
      'pullRequests',
      '{project}/_apis/{area}/repositories/{repositoryId}/{resource}/{pullRequestId}',
      2,
    ],
    [
      '225f7195-f9c7-4d14-ab28-a83f7ff77e1f',
      'repositories',
      '{project}/_apis/{area}/{resource}/{repositoryId}',
      2,
    ],
    [
      'f22387e3-984e-4c52-9c6d-fbb8f14c812d',
      'pullRequestLabels',
      '{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}/labels/{labelIdOrName}',
      1,
    ],
  ],
  policy: [
    ['c23ddff5-229c-4d04-a80b-0fdce9f360c8', 'evaluations', '{project}/_apis/{area}/{resource}', 1],
  ],
};

const STATUS_NUMBERS: Record<string, string> = {
  '0': 'notSet',
  '1': 'active',
  '2': 'abandoned',
  '3': 'completed',
  '4': 'all',
};
const STRATEGY_NUMBERS: Record<string, Strategy> = {
  '1': 'noFastForward',
  '2': 'squash',
  '3': 'rebase',
  '4': 'rebaseMerge',
};
const AUTHOR = { name: 'Azure DevOps', email: 'noreply@dev.azure.test' };

export async function startAzureDouble(
  git: TestGitServer,
  options: { token?: string; now?: () => Date } = {},
): Promise<AzureDouble> {
  const repos = new DoubleGit(git);
  const known = new Map<string, Repo>();
  const projectIds = new Map<string, string>();
  const requests: string[] = [];
  const failures: ForgeFailure[] = [];
  const failuresOf: Array<{ method: string; failure: ForgeFailure }> = [];
  const now = options.now ?? (() => new Date());
  let url = '';
  let nextId = 1;

  /** The double's repository of a git server path `org/project/_git/name` (made on first use). */
  const repoOf = (path: string): Repo => {
    const parts = path.split('/');
    if (parts.length !== 4 || parts[2] !== '_git')
      throw new Error(`Azure DevOps double: ${path} is not org/project/_git/repo`);
    const key = path.toLowerCase();
    let repo = known.get(key);
    if (!repo) {
      const [org = '', project = '', , name = ''] = parts;
      const projectKey = `${org}/${project}`.toLowerCase();
      let projectId = projectIds.get(projectKey);
      if (!projectId) projectIds.set(projectKey, (projectId = randomUUID()));
      repo = { id: randomUUID(), org, project, projectId, name, path, pulls: [] };
      known.set(key, repo);
    }
    return repo;
  };
  /** The repository a request names (name or id), if the git server has it. */
  const lookup = (org: string, project: string, nameOrId: string): Repo | undefined => {
    const wanted = nameOrId.toLowerCase();
    for (const repo of known.values())
      if (
        repo.org.toLowerCase() === org.toLowerCase() &&
        repo.project.toLowerCase() === project.toLowerCase() &&
        (repo.name.toLowerCase() === wanted || repo.id === wanted)
      )
        return repo;
    const path = `${org}/${project}/_git/${nameOrId}`;
    return hasRepo(path) ? repoOf(path) : undefined;
  };
  const hasRepo = (path: string): boolean => git.exists(path);
  const find = (repository: string, number: number): Pull => {
    const pull = repoOf(repository).pulls.find((p) => p.id === number);
    if (!pull) throw new Error(`Azure DevOps double: no pull request ${repository}#${number}`);
    return pull;
  };
  const webUrl = (repository: string, number: number) =>
    `${url}/${repository}/pullrequest/${number}`;
  const branchOf = (ref: string) => ref.replace(/^refs\/heads\//, '');
  const refOf = (name: string) => (name.startsWith('refs/') ? name : `refs/heads/${name}`);

  const repositoryView = (repo: Repo) => ({
    id: repo.id,
    name: repo.name,
    url: `${url}/${repo.org}/${repo.projectId}/_apis/git/repositories/${repo.id}`,
    project: { id: repo.projectId, name: repo.project, state: 'wellFormed', visibility: 'private' },
    defaultBranch: 'refs/heads/main',
    remoteUrl: `${git.url}/${repo.path}.git`,
    webUrl: `${url}/${repo.path}`,
  });
  const mergeStatusOf = (repo: Repo, pull: Pull): MergeStatus => {
    if (pull.status !== 'active') return 'succeeded';
    if (pull.completion) return 'queued';
    if (!pull.computed) return 'queued';
    if (pull.mergeStatusOverride) return pull.mergeStatusOverride;
    if (pull.mergeability === 'conflict' || !trialOf(repo, pull).tree) return 'conflicts';
    return 'succeeded';
  };
  /**
   * Azure's trial merge of an active pull request (its refs/pull/{id}/merge): the merged tree,
   * none on a conflict, and its commit once asked for; worked out once per pair of commits.
   */
  const trialOf = (repo: Repo, pull: Pull): NonNullable<Pull['trial']> => {
    const key = `${pull.targetSha}:${pull.sourceSha}`;
    if (pull.trial?.key === key) return pull.trial;
    let tree: string | undefined;
    try {
      tree = git
        .git(repo.path, ['merge-tree', '--write-tree', pull.targetSha, pull.sourceSha])
        .trim()
        .split('\n')[0];
    } catch {
      tree = undefined;
    }
    pull.trial = { key, tree };
    return pull.trial;
  };
  const previewOf = (repo: Repo, pull: Pull): string | undefined => {
    const trial = trialOf(repo, pull);
    if (!trial.tree) return undefined;
    trial.commit ??= commitTree(
      repo.path,
      trial.tree,
      [pull.targetSha, pull.sourceSha],
      `Merge pull request ${pull.id}`,
    );
    return trial.commit;
  };
  const commitTree = (path: string, tree: string, parents: string[], message: string): string =>
    git
      .git(path, [
        '-c',
        `user.name=${AUTHOR.name}`,
        '-c',
        `user.email=${AUTHOR.email}`,
        'commit-tree',
        tree,
        ...parents.flatMap((p) => ['-p', p]),
        '-m',
        message,
      ])
      .trim();
  /** Brings an active pull request up to date with its branches (and a queued completion). */
  const refresh = (repo: Repo, pull: Pull, read: boolean): void => {
    if (pull.status !== 'active') return;
    pull.sourceSha = repos.branchSha(repo.path, pull.source) ?? pull.sourceSha;
    pull.targetSha = repos.branchSha(repo.path, pull.target) ?? pull.targetSha;
    if (!read) return;
    if (pull.completion) {
      if (pull.completion.reads > 0) {
        pull.completion.reads--;
        return;
      }
      complete(repo, pull);
      return;
    }
    pull.computed = true;
  };
  const complete = (repo: Repo, pull: Pull): void => {
    const completion = pull.completion!;
    pull.completion = undefined;
    pull.computed = true;
    const sha = mergeInto(repo, pull, completion.strategy);
    if (!sha) {
      pull.mergeStatusOverride = 'conflicts';
      return;
    }
    pull.status = 'completed';
    pull.mergeCommit = sha;
    pull.closedDate = now().toISOString();
    if (completion.deleteSourceBranch) repos.deleteBranch(repo.path, pull.source);
  };
  const mergeInto = (repo: Repo, pull: Pull, strategy: Strategy): string | undefined => {
    const message = `Merged PR ${pull.id}: ${pull.title}`;
    if (strategy === 'noFastForward' || strategy === 'squash')
      return repos.merge(
        repo.path,
        pull.target,
        pull.source,
        message,
        AUTHOR,
        strategy === 'squash',
      );
    // rebase: the source's commits replayed on the target, which moves to the last of them;
    // rebaseMerge: the same, then a merge commit of the target and the replayed commits.
    const base = repos.branchSha(repo.path, pull.target);
    const head = repos.branchSha(repo.path, pull.source);
    if (!base || !head) return undefined;
    const commits = git
      .git(repo.path, ['rev-list', '--reverse', '--no-merges', `${base}..${head}`])
      .split('\n')
      .filter(Boolean);
    let tip = base;
    for (const commit of commits) {
      // A cherry-pick without a work tree: merge the commit into the tip with the commit's
      // parent as the merge base, through stand-in commits of those three trees.
      const treeOf = (rev: string) => git.git(repo.path, ['rev-parse', `${rev}^{tree}`]).trim();
      const parent = commitTree(repo.path, treeOf(`${commit}^`), [], 'base');
      const ours = commitTree(repo.path, treeOf(tip), [parent], 'ours');
      const theirs = commitTree(repo.path, treeOf(commit), [parent], 'theirs');
      let tree: string;
      try {
        tree = git
          .git(repo.path, ['merge-tree', '--write-tree', ours, theirs])
          .trim()
          .split('\n')[0]!;
      } catch {
        return undefined;
      }
      tip = commitTree(
        repo.path,
        tree,
        [tip],
        git.git(repo.path, ['log', '-1', '--format=%B', commit]).trim(),
      );
    }
    const result =
      strategy === 'rebase'
        ? tip
        : commitTree(
            repo.path,
            git.git(repo.path, ['rev-parse', `${tip}^{tree}`]).trim(),
            [base, tip],
            message,
          );
    git.git(repo.path, ['update-ref', `refs/heads/${pull.target}`, result, base]);
    return result;
  };

  const view = (repo: Repo, pull: Pull) => {
    const apiUrl = `${url}/${repo.org}/${repo.projectId}/_apis/git/repositories/${repo.id}/pullRequests/${pull.id}`;
    const commitRef = (commitId: string) => ({
      commitId,
      url: `${url}/${repo.org}/${repo.projectId}/_apis/git/repositories/${repo.id}/commits/${commitId}`,
    });
    const mergeStatus = mergeStatusOf(repo, pull);
    const lastMerge =
      pull.status === 'completed'
        ? pull.mergeCommit
        : pull.status === 'active' && mergeStatus === 'succeeded'
          ? previewOf(repo, pull)
          : undefined;
    return {
      repository: repositoryView(repo),
      pullRequestId: pull.id,
      codeReviewId: pull.id,
      status: pull.status,
      createdBy: {
        displayName: 'Kargo',
        uniqueName: 'kargo@example.com',
        id: '00000000-0000-0000-0000-00000000cafe',
      },
      creationDate: pull.creationDate,
      ...(pull.closedDate ? { closedDate: pull.closedDate } : {}),
      title: pull.title,
      description: pull.description,
      sourceRefName: refOf(pull.source),
      targetRefName: refOf(pull.target),
      mergeStatus,
      isDraft: pull.isDraft,
      mergeId: randomUUID(),
      lastMergeSourceCommit: commitRef(pull.sourceSha),
      lastMergeTargetCommit: commitRef(pull.targetSha),
      ...(lastMerge ? { lastMergeCommit: commitRef(lastMerge) } : {}),
      ...(pull.completion
        ? {
            completionQueueTime: pull.completion.queued,
            completionOptions: {
              mergeStrategy: pull.completion.strategy,
              deleteSourceBranch: pull.completion.deleteSourceBranch,
            },
          }
        : {}),
      labels: pull.labels.map((name, i) => ({ id: `label-${i}`, name, active: true })),
      reviewers: [],
      url: apiUrl,
      supportsIterations: true,
    };
  };
  const azureError = (
    res: ServerResponse,
    status: number,
    message: string,
    typeKey: string,
    headers: Record<string, string> = {},
  ) =>
    sendJson(
      res,
      status,
      {
        $id: '1',
        innerException: null,
        message,
        typeName: `Microsoft.TeamFoundation.Git.Server.${typeKey}, Microsoft.TeamFoundation.Git.Server`,
        typeKey,
        errorCode: 0,
        eventId: 3000,
      },
      headers,
    );
  const unauthorized = (res: ServerResponse) => {
    res.writeHead(401, {
      'content-type': 'text/html; charset=utf-8',
      'www-authenticate': 'Basic realm="https://dev.azure.test/"',
      'x-tfs-processid': randomUUID(),
    });
    res.end(
      '<html><head><title>Access Denied</title></head><body>Access Denied: The Personal Access Token used has expired or is not valid.</body></html>',
    );
  };
  const fail = (res: ServerResponse, failure: ForgeFailure) => {
    if (failure.status === 401) return unauthorized(res);
    const headers: Record<string, string> = {};
    if (failure.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(failure.retryAfterSeconds);
    if (failure.status === 429) {
      headers['x-ratelimit-resource'] = 'ATCPU';
      headers['x-ratelimit-limit'] = '200';
      headers['x-ratelimit-remaining'] = '0';
      headers['x-ratelimit-reset'] = String(
        Math.ceil(now().getTime() / 1000) + (failure.retryAfterSeconds ?? 30),
      );
    }
    return azureError(
      res,
      failure.status,
      failure.message ?? defaultMessage(failure.status),
      typeKeyOf(failure.status),
      headers,
    );
  };

  const server = createServer((req, res) => {
    readBody(req).then(
      (text) => handle(req, res, text),
      () => res.destroy(),
    );
  });

  function authorized(req: IncomingMessage): boolean {
    if (options.token === undefined) return true;
    const auth = req.headers.authorization ?? '';
    if (auth === `Bearer ${options.token}`) return true;
    const basic = /^Basic (.+)$/.exec(auth);
    if (!basic) return false;
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) === options.token;
  }

  function handle(req: IncomingMessage, res: ServerResponse, text: string) {
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', 'http://double');
    requests.push(`${method} ${target.pathname}${target.search}`);
    const matching = failuresOf.findIndex((f) => f.method === method);
    if (matching >= 0) return fail(res, failuresOf.splice(matching, 1)[0]!.failure);
    const failure = failures.shift();
    if (failure) return fail(res, failure);
    if (!authorized(req)) return unauthorized(res);
    const parts = target.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const lower = parts.map((p) => p.toLowerCase());
    const query = target.searchParams;

    // OPTIONS {org}/_apis/{area}: where the client finds each resource.
    if (method === 'OPTIONS' && parts.length === 3 && lower[1] === '_apis') {
      const locations = LOCATIONS[lower[2]!] ?? [];
      return sendJson(res, 200, {
        count: locations.length,
        value: locations.map(([id, resourceName, routeTemplate, resourceVersion]) => ({
          id,
          area: lower[2] === 'location' ? 'Location' : lower[2],
          resourceName,
          routeTemplate,
          resourceVersion,
          minVersion: '1.0',
          maxVersion: '7.2',
          releasedVersion: '7.1',
        })),
      });
    }
    if (
      method === 'GET' &&
      parts.length === 3 &&
      lower[1] === '_apis' &&
      lower[2] === 'resourceareas'
    ) {
      const locationUrl = `${url}/${parts[0]}/`;
      const value = Object.entries(AREAS).map(([name, id]) => ({ id, name, locationUrl }));
      return sendJson(res, 200, { count: value.length, value });
    }
    if (parts.length < 4 || lower[2] !== '_apis')
      return azureError(res, 404, 'The resource cannot be found.', 'ResourceNotFoundException');
    const [org = '', project = ''] = parts;

    if (lower[3] === 'policy' && lower[4] === 'evaluations' && method === 'GET') {
      const artifact = /^vstfs:\/\/\/CodeReview\/CodeReviewId\/([^/]+)\/(\d+)$/.exec(
        query.get('artifactId') ?? '',
      );
      if (!artifact)
        return azureError(
          res,
          400,
          'The artifact identifier is not valid.',
          'InvalidArgumentValueException',
        );
      const repo = [...known.values()].find(
        (r) => r.projectId === artifact[1] && r.org.toLowerCase() === org.toLowerCase(),
      );
      const pull = repo?.pulls.find((p) => p.id === Number(artifact[2]));
      const value =
        pull?.policy === undefined
          ? []
          : [
              {
                evaluationId: `${repo!.projectId.slice(0, 8)}-policy-${pull.id}`,
                artifactId: query.get('artifactId'),
                status: pull.policy,
                startedDate: pull.creationDate,
                configuration: {
                  id: 1,
                  isBlocking: true,
                  isEnabled: true,
                  isDeleted: false,
                  type: {
                    id: 'fa4e907d-c16b-4a4c-9dfa-4906e5d171dd',
                    displayName: 'Minimum number of reviewers',
                  },
                  settings: { minimumApproverCount: 1 },
                },
              },
            ];
      return sendJson(res, 200, { count: value.length, value });
    }

    if (lower[3] !== 'git' || lower[4] !== 'repositories' || parts.length < 6)
      return azureError(res, 404, 'The resource cannot be found.', 'ResourceNotFoundException');
    const repo = lookup(org, project, parts[5]!);
    if (!repo)
      return azureError(
        res,
        404,
        `TF401019: The Git repository with name or identifier ${parts[5]} does not exist or you do not have permissions for the operation you are attempting.`,
        'GitRepositoryNotFoundException',
      );
    if (parts.length === 6 && method === 'GET') return sendJson(res, 200, repositoryView(repo));
    if (lower[6] !== 'pullrequests')
      return azureError(res, 404, 'The resource cannot be found.', 'ResourceNotFoundException');

    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return azureError(
        res,
        400,
        'The request body is not valid JSON.',
        'InvalidArgumentValueException',
      );
    }

    if (parts.length === 7 && method === 'POST') {
      const source = branchOf(text0(body.sourceRefName));
      const targetBranch = branchOf(text0(body.targetRefName));
      const sourceSha = repos.branchSha(repo.path, source);
      const targetSha = repos.branchSha(repo.path, targetBranch);
      if (!sourceSha || !targetSha)
        return azureError(
          res,
          400,
          'TF401398: The pull request cannot be activated because the source and/or the target branch no longer exists, or the requested refs are not branches',
          'GitPullRequestCannotBeActivated',
        );
      if (
        repo.pulls.some(
          (p) => p.status === 'active' && p.source === source && p.target === targetBranch,
        )
      )
        return azureError(
          res,
          409,
          'TF401179: An active pull request for the source and target branch already exists.',
          'GitPullRequestExistsException',
        );
      const created: Pull = {
        id: nextId++,
        title: text0(body.title),
        description: text0(body.description),
        source,
        target: targetBranch,
        sourceSha,
        targetSha,
        status: 'active',
        isDraft: body.isDraft === true,
        labels: Array.isArray(body.labels)
          ? (body.labels as Array<{ name?: unknown }>).map((l) => text0(l.name)).filter(Boolean)
          : [],
        creationDate: now().toISOString(),
        mergeability: body.isDraft === true ? 'draft' : 'clean',
        computed: false,
      };
      repo.pulls.push(created);
      return sendJson(res, 201, view(repo, created));
    }
    if (parts.length === 7 && method === 'GET') {
      const statusText = query.get('searchCriteria.status') ?? 'active';
      const status = (STATUS_NUMBERS[statusText] ?? statusText).toLowerCase();
      const source = query.get('searchCriteria.sourceRefName');
      const targetRef = query.get('searchCriteria.targetRefName');
      const top = Math.max(1, Number(query.get('$top') ?? 100) || 100);
      const skip = Math.max(0, Number(query.get('$skip') ?? 0) || 0);
      const found = repo.pulls
        .filter((p) => {
          refresh(repo, p, false);
          return (
            (status === 'all' || p.status === status) &&
            (!source || refOf(p.source) === refOf(source)) &&
            (!targetRef || refOf(p.target) === refOf(targetRef))
          );
        })
        .reverse()
        .slice(skip, skip + top)
        .map((p) => view(repo, p));
      return sendJson(res, 200, { count: found.length, value: found });
    }

    const pull = repo.pulls.find((p) => p.id === Number(parts[7]));
    if (!pull || !/^\d+$/.test(parts[7] ?? ''))
      return azureError(
        res,
        404,
        'TF401180: The requested pull request was not found.',
        'GitPullRequestNotFoundException',
      );
    if (parts.length === 8 && method === 'GET') {
      refresh(repo, pull, true);
      return sendJson(res, 200, view(repo, pull));
    }
    if (parts.length === 9 && lower[8] === 'labels' && method === 'POST') {
      const name = text0(body.name);
      if (!pull.labels.includes(name)) pull.labels.push(name);
      return sendJson(res, 200, { id: `label-${pull.labels.indexOf(name)}`, name, active: true });
    }
    if (parts.length === 8 && method === 'PATCH') {
      refresh(repo, pull, false);
      if (typeof body.title === 'string') pull.title = body.title;
      if (typeof body.description === 'string') pull.description = body.description;
      const status =
        body.status === undefined
          ? undefined
          : (STATUS_NUMBERS[scalar(body.status)] ?? scalar(body.status));
      if (status === 'abandoned') {
        if (pull.status !== 'active') return notEditable(res);
        pull.status = 'abandoned';
        pull.closedDate = now().toISOString();
        return sendJson(res, 200, view(repo, pull));
      }
      if (status === 'completed') {
        if (pull.status !== 'active') return notEditable(res);
        const asked = (body.lastMergeSourceCommit as { commitId?: unknown } | undefined)?.commitId;
        if (asked !== pull.sourceSha)
          return azureError(
            res,
            400,
            'Invalid argument value.\r\nParameter name: You must specify a valid LastMergeSourceCommit to perform this operation.',
            'InvalidArgumentValueException',
          );
        if (pull.isDraft)
          return azureError(
            res,
            400,
            'The pull request is a draft and cannot be completed.',
            'InvalidArgumentValueException',
          );
        const options = (body.completionOptions ?? {}) as Record<string, unknown>;
        if (
          pull.policy !== undefined &&
          pull.policy !== 'approved' &&
          pull.policy !== 'notApplicable' &&
          options.bypassPolicy !== true
        )
          return azureError(
            res,
            400,
            "This pull request requires an explicit override to bypass policies that aren't currently passing.",
            'GitPullRequestPolicyNotMetException',
          );
        const strategyText =
          options.mergeStrategy === undefined ? 'noFastForward' : scalar(options.mergeStrategy);
        const strategy = STRATEGY_NUMBERS[strategyText] ?? (strategyText as Strategy);
        pull.completion = {
          // Azure does not check the name (Kargo checks it client-side): others merge.
          strategy: ['noFastForward', 'squash', 'rebase', 'rebaseMerge'].includes(strategy)
            ? strategy
            : 'noFastForward',
          deleteSourceBranch: options.deleteSourceBranch === true,
          reads: double.completionLag,
          queued: now().toISOString(),
        };
        return sendJson(res, 200, view(repo, pull));
      }
      return sendJson(res, 200, view(repo, pull));
    }
    return azureError(
      res,
      405,
      'The requested resource does not support this method.',
      'MethodNotAllowedException',
    );
  }

  const notEditable = (res: ServerResponse) =>
    azureError(
      res,
      409,
      'TF401181: The pull request cannot be edited due to its state.',
      'GitPullRequestCannotBeEditedException',
    );

  url = await listenOnLoopback(server);
  const double: AzureDouble = {
    provider: 'azure',
    get apiUrl() {
      return url;
    },
    webUrl,
    completionLag: 0,
    failNext(failure) {
      failures.push(failure);
    },
    failNextOf(method, failure) {
      failuresOf.push({ method, failure });
    },
    setMergeability(repository, number, state) {
      const pull = find(repository, number);
      pull.mergeability = state;
      pull.isDraft = state === 'draft';
      if (state === 'pending') pull.policy = 'queued';
      else if (pull.policy !== undefined) pull.policy = 'approved';
    },
    setPolicy(repository, number, status) {
      find(repository, number).policy = status;
    },
    setMergeStatus(repository, number, status) {
      find(repository, number).mergeStatusOverride = status;
    },
    reviewer: {
      merge(repository, number) {
        const repo = repoOf(repository);
        const pull = find(repository, number);
        refresh(repo, pull, false);
        if (pull.status !== 'active')
          throw new Error(`Azure DevOps double: ${repository}#${number} is not active`);
        pull.completion = {
          strategy: 'noFastForward',
          deleteSourceBranch: false,
          reads: 0,
          queued: now().toISOString(),
        };
        complete(repo, pull);
        if (!pull.mergeCommit)
          throw new Error(`Azure DevOps double: ${repository}#${number} cannot be merged`);
      },
      close(repository, number) {
        const pull = find(repository, number);
        pull.status = 'abandoned';
        pull.closedDate = now().toISOString();
      },
    },
    inspect(repository, number): PullRequestRecord | undefined {
      const pull = repoOf(repository).pulls.find((p) => p.id === number);
      if (!pull) return undefined;
      return {
        number: pull.id,
        title: pull.title,
        description: pull.description,
        head: pull.source,
        base: pull.target,
        labels: [...pull.labels],
        state:
          pull.status === 'completed' ? 'merged' : pull.status === 'abandoned' ? 'closed' : 'open',
        mergeCommit: pull.mergeCommit,
      };
    },
    requests,
    async stop() {
      await stopServer(server);
    },
  };
  return double;
}

function defaultMessage(status: number): string {
  if (status === 403)
    return "TF401027: You need the Git 'PullRequestContribute' permission to perform this action.";
  if (status === 404) return 'TF401180: The requested pull request was not found.';
  if (status === 409)
    return 'TF401179: An active pull request for the source and target branch already exists.';
  if (status === 429)
    return "Request was blocked due to exceeding usage of resource 'ATCPU' in namespace 'User'.";
  if (status >= 500) return 'The service is temporarily unavailable. Please try again later.';
  return 'Invalid argument value.';
}

function typeKeyOf(status: number): string {
  if (status === 403) return 'GitNeedsPermissionException';
  if (status === 404) return 'GitPullRequestNotFoundException';
  if (status === 409) return 'GitPullRequestExistsException';
  if (status === 429) return 'RequestBlockedException';
  if (status >= 500) return 'ServiceUnavailableException';
  return 'InvalidArgumentValueException';
}

function text0(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** A JSON string or number as text (Azure takes an enum's name or its number). */
function scalar(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}
