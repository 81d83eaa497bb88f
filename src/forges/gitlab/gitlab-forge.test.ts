import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitLabDouble, type GitLabDouble } from '../../../test/forges/gitlab-double.js';
import { startGitServer, type TestGitServer } from '../../../test/git-server.js';
import { selfSignedCertificate } from '../../../test/self-signed.js';
import { gitlabWebhook } from '../../integrations/webhooks/gitlab-webhook.js';
import type { WebhookRequest } from '../../integrations/webhooks/webhook-provider.js';
import { compatIt, type CompatRow } from '../../steps/compat/row-case.js';
import { ForgeError, type MergePullRequest, type MergeResult } from '../forge.js';
import { describeForgeContract } from '../forge.contract.js';
import { GitLabForge, parseGitLabRepo } from './gitlab-forge.js';

/**
 * The GitLab adapter against the contract double of GitLab's REST API v4 (test/forges/
 * gitlab-double.ts), whose branches and merges are real git on the test git server. The
 * project has subgroups, so its URL-encoded full path is the API's project id.
 */
describeForgeContract('GitLab', async () => {
  const git = await startGitServer();
  const double = await startGitLabDouble(git, { token: 'glpat-t0ken' });
  return {
    git,
    double,
    repository: 'group/sub/shop',
    forge: (token = 'glpat-t0ken') =>
      new GitLabForge({
        repoURL: 'https://gitlab.com/group/sub/shop.git',
        token,
        apiBaseUrl: double.apiUrl,
      }),
    async stop() {
      await double.stop();
      await git.stop();
    },
  };
});

const GO_TEST = 'pkg/gitprovider/gitlab/gitlab_test.go';
const INTEGRATION_TEST = 'pkg/gitprovider/gitlab/pr_integration_test.go';

/** One double and git server for the tables below; every case works on its own branches. */
function useDouble() {
  const env = {} as { git: TestGitServer; double: GitLabDouble; forge: GitLabForge };
  let branches = 0;
  beforeAll(async () => {
    env.git = await startGitServer();
    env.double = await startGitLabDouble(env.git, { token: 'tok' });
    env.git.createRepo('group/project', { 'README.md': 'project\n', 'app.yaml': 'tag: v0\n' });
    env.forge = new GitLabForge({
      repoURL: 'https://gitlab.example.com/group/project.git',
      token: 'tok',
      apiBaseUrl: env.double.apiUrl,
    });
  });
  afterAll(async () => {
    await env.double.stop();
    await env.git.stop();
  });
  /** A branch off main with its own change; `file` shared between branches makes conflicts. */
  const branch = (file?: string, content?: string): string => {
    const name = `kargo/promotion/${++branches}`;
    const main = env.git.git('group/project', ['rev-parse', 'main']).trim();
    const commit = env.git.commitFiles(
      'group/project',
      { [file ?? `changes/${branches}.txt`]: content ?? `change ${branches}\n` },
      `change ${branches}`,
    );
    env.git.git('group/project', ['update-ref', `refs/heads/${name}`, commit]);
    env.git.git('group/project', ['update-ref', 'refs/heads/main', main]);
    return name;
  };
  /** A merge request in one of GitLab's states, as Kargo's mock client hands it over. */
  const mergeRequest = async (
    state: 'opened' | 'merged' | 'closed' | 'locked',
    setup?: (iid: number) => void,
  ): Promise<number> => {
    const head = branch();
    const { number } = await env.forge.createPullRequest({ title: state, head, base: 'main' });
    setup?.(number);
    if (state === 'merged') env.double.reviewer.merge('group/project', number);
    if (state === 'closed') env.double.reviewer.close('group/project', number);
    if (state === 'locked') env.double.lock('group/project', number);
    return number;
  };
  return { env, branch, mergeRequest };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a ForgeError'),
    (err: unknown) => {
      expect(err).toBeInstanceOf(ForgeError);
      return err as ForgeError;
    },
  );

describe('Kargo gitlab_test.go: create, get and list', () => {
  const { env, branch, mergeRequest } = useDouble();

  compatIt({ upstream: `${GO_TEST} TestCreatePullRequest` }, async () => {
    const head = branch();
    const pr = await env.forge.createPullRequest({
      title: 'title',
      description: 'desc',
      head,
      base: 'main',
    });
    expect(env.double.requests.at(-1)).toBe('POST /api/v4/projects/group%2Fproject/merge_requests');
    expect(env.double.inspect('group/project', pr.number)).toMatchObject({
      head,
      base: 'main',
      title: 'title',
      description: 'desc',
    });
    expect(pr).toMatchObject({
      number: 1,
      url: env.double.webUrl('group/project', 1),
      open: true,
      merged: false,
      mergeCommitSha: '',
    });
  });

  compatIt({ upstream: `${GO_TEST} TestGetPullRequest` }, async () => {
    const iid = await mergeRequest('merged');
    const pr = await env.forge.getPullRequest(iid);
    expect(env.double.requests.at(-1)).toBe(
      `GET /api/v4/projects/group%2Fproject/merge_requests/${iid}`,
    );
    expect(pr).toMatchObject({
      number: iid,
      url: env.double.webUrl('group/project', iid),
      open: false,
      merged: true,
      mergeCommitSha: env.double.inspect('group/project', iid)?.mergeCommit,
    });
  });

  compatIt({ upstream: `${GO_TEST} TestListPullRequests` }, async () => {
    const iid = await mergeRequest('merged');
    const head = env.double.inspect('group/project', iid)!.head;
    const prs = await env.forge.listPullRequests({ state: 'any', head, base: 'main' });
    const query = new URLSearchParams(env.double.requests.at(-1)!.split('?')[1]);
    expect([query.get('source_branch'), query.get('target_branch')]).toEqual([head, 'main']);
    expect(prs).toHaveLength(1);
    expect(prs[0]).toMatchObject({
      number: iid,
      url: env.double.webUrl('group/project', iid),
      open: false,
      merged: true,
      mergeCommitSha: env.double.inspect('group/project', iid)?.mergeCommit,
    });
  });
});

interface MergeRow extends CompatRow {
  state?: 'opened' | 'merged' | 'closed' | 'locked';
  /** What GitLab reports as detailed_merge_status. */
  detailed?: string;
  /** The source branch conflicts with the target in git. */
  conflicting?: boolean;
  /** Ask for another merge request than the one made. */
  iid?: number;
  options?: MergePullRequest;
  want:
    | { merged: true; parents?: number; squash?: boolean }
    | { merged: false }
    | { error: string; status?: number };
}

const MERGE_ROWS: MergeRow[] = [
  {
    upstream: `${GO_TEST} TestMergePullRequest error getting MR`,
    iid: 999,
    want: { error: 'GitLab answered 404: 404 Not found', status: 404 },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest nil MR returned from get`,
    skip: 'a nil merge request with no error is a Go client artefact; over HTTP it is a 404 (the row above)',
    want: { merged: false },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest MR already merged`,
    state: 'merged',
    want: { merged: true },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest MR not open`,
    state: 'closed',
    want: { error: 'closed but not merged', status: 422 },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest MR not ready to merge`,
    detailed: 'cannot_be_merged',
    want: { merged: false },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest error accepting MR`,
    // GitLab's status said mergeable, the merge itself meets a conflict.
    detailed: 'mergeable',
    conflicting: true,
    want: { error: 'GitLab answered 422: Branch cannot be merged', status: 422 },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest nil MR returned after merge`,
    skip: 'a nil merge request with no error is a Go client artefact; GitLab answers a merge with the merge request',
    want: { merged: false },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest successful merge`,
    want: { merged: true, parents: 2, squash: false },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest successful squash merge`,
    options: { method: 'squash' },
    want: { merged: true, parents: 2, squash: true },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest unsupported merge method`,
    options: { method: 'rebase' },
    want: { error: 'unsupported merge method "rebase"', status: 422 },
  },
  {
    upstream: `${INTEGRATION_TEST} TestCreateAndMergePullRequest unspecified merge method`,
    want: { merged: true, parents: 2, squash: false },
  },
  {
    upstream: `${INTEGRATION_TEST} TestCreateAndMergePullRequest merge`,
    options: { method: 'merge' },
    want: { merged: true, parents: 2, squash: false },
  },
  {
    upstream: `${INTEGRATION_TEST} TestCreateAndMergePullRequest squash`,
    options: { method: 'squash' },
    want: { merged: true, parents: 2, squash: true },
  },
  {
    upstream: `${INTEGRATION_TEST} TestCreateAndMergePullRequest unsupported merge method`,
    options: { method: 'rebase' },
    want: { error: 'unsupported merge method', status: 422 },
  },
  // GitLab's readiness as Kargo reads it: only `mergeable` merges, everything else waits.
  ...[
    'ci_still_running',
    'not_approved',
    'checking',
    'need_rebase',
    'discussions_not_resolved',
  ].map((detailed): MergeRow => ({
    upstream: `${GO_TEST} TestMergePullRequest MR not ready to merge (detailed_merge_status ${detailed})`,
    detailed,
    want: { merged: false },
  })),
  {
    upstream: `${GO_TEST} TestMergePullRequest MR not ready to merge (detailed_merge_status conflict)`,
    differs: 'a conflict fails the step at once instead of waiting (docs/compatibility.md)',
    conflicting: true,
    want: { error: 'has conflicts and cannot be merged', status: 409 },
  },
  {
    upstream: `${GO_TEST} TestMergePullRequest MR not open (state locked)`,
    differs: 'a locked merge request (GitLab merging it now) is "not yet", not closed',
    state: 'locked',
    want: { merged: false },
  },
];

describe('Kargo gitlab_test.go TestMergePullRequest and pr_integration_test.go, against the double', () => {
  const { env, branch, mergeRequest } = useDouble();

  for (const row of MERGE_ROWS)
    compatIt(row, async () => {
      let iid = row.iid;
      if (iid === undefined) {
        if (row.conflicting) {
          const head = branch('app.yaml', 'tag: ours\n');
          iid = (await env.forge.createPullRequest({ title: 'conflict', head, base: 'main' }))
            .number;
          env.git.commitFiles('group/project', { 'app.yaml': `tag: theirs ${iid}\n` }, 'theirs');
        } else iid = await mergeRequest(row.state ?? 'opened');
        if (row.detailed) env.double.setDetailedMergeStatus('group/project', iid, row.detailed);
      }
      const mainBefore = env.git.git('group/project', ['rev-parse', 'main']).trim();
      const merging = env.forge.mergePullRequest(iid, row.options);
      if ('error' in row.want) {
        const err = await failure(merging);
        expect(err.message).toContain(row.want.error);
        expect([err.status, err.transient]).toEqual([row.want.status, false]);
        expect(env.git.git('group/project', ['rev-parse', 'main']).trim()).toBe(mainBefore);
        return;
      }
      const want = row.want;
      const result: MergeResult = await merging;
      expect(result.merged).toBe(want.merged);
      if (!result.merged || !want.merged) {
        expect(env.git.git('group/project', ['rev-parse', 'main']).trim()).toBe(mainBefore);
        return;
      }
      const main = env.git.git('group/project', ['rev-parse', 'main']).trim();
      expect(result.pullRequest).toMatchObject({ number: iid, merged: true, open: false });
      expect(result.pullRequest.mergeCommitSha).toBe(
        env.double.inspect('group/project', iid)?.mergeCommit,
      );
      if (want.parents !== undefined) {
        expect(result.pullRequest.mergeCommitSha).toBe(main);
        const parents = env.git.git('group/project', ['rev-list', '--parents', '-n', '1', main]);
        expect(parents.trim().split(' ')).toHaveLength(want.parents + 1);
        expect(env.double.merges.at(-1)).toMatchObject({ iid, squash: want.squash });
      }
    });
});

describe('Kargo gitlab_test.go TestParseGitLabURL, and where the API is', () => {
  const rows: Array<CompatRow & { url: string; scheme: string; host: string; project: string }> = [
    ...(
      [
        ['https://gitlab.com/akuity/kargo', 'https', 'gitlab.com'],
        ['https://gitlab.com/akuity/kargo.git', 'https', 'gitlab.com'],
        ['https://gitlab.akuity.io/akuity/kargo.git', 'https', 'gitlab.akuity.io'],
        ['ssh://gitlab.com/akuity/kargo.git', 'https', 'gitlab.com'],
        ['http://git.example.com/akuity/kargo', 'http', 'git.example.com'],
      ] as const
    ).map(([url, scheme, host]) => ({
      upstream: `${GO_TEST} TestParseGitLabURL ${url}`,
      url,
      scheme,
      host,
      project: 'akuity/kargo',
    })),
    // The same rule on what Kargo's table does not show: subgroups, ports, SCP-style.
    {
      upstream: `${GO_TEST} TestParseGitLabURL (subgroups are the project path)`,
      url: 'https://gitlab.example.com/group/sub/team/shop.git',
      scheme: 'https',
      host: 'gitlab.example.com',
      project: 'group/sub/team/shop',
    },
    {
      upstream: `${GO_TEST} TestParseGitLabURL (a port stays on the host)`,
      url: 'http://gitlab.internal:8080/group/shop',
      scheme: 'http',
      host: 'gitlab.internal:8080',
      project: 'group/shop',
    },
    {
      upstream: `${GO_TEST} TestParseGitLabURL (SCP-style, over https)`,
      url: 'git@gitlab.com:group/sub/shop.git',
      scheme: 'https',
      host: 'gitlab.com',
      project: 'group/sub/shop',
    },
  ];
  for (const row of rows)
    compatIt(row, () => {
      expect(parseGitLabRepo(row.url)).toEqual({
        scheme: row.scheme,
        host: row.host,
        project: row.project,
      });
      // NewProvider: the API at <scheme>://<host>/api/v4 (gitlab.com's default is the same).
      expect(new GitLabForge({ repoURL: row.url }).apiBaseUrl).toBe(
        `${row.scheme}://${row.host}/api/v4`,
      );
    });

  compatIt(
    {
      upstream: `${GO_TEST} TestGetCommitURL`,
      skip: 'commit URLs are commitURL’s (src/steps/commit-url.ts); its rows are in src/steps/compat/commit-url.cases.ts',
    },
    () => undefined,
  );

  it('an operator API address wins over the derived one', () => {
    const forge = new GitLabForge({
      repoURL: 'https://gitlab.example.com/group/shop.git',
      apiBaseUrl: 'https://gitlab-api.example.com/api/v4/',
    });
    expect(forge.apiBaseUrl).toBe('https://gitlab-api.example.com/api/v4');
  });

  it('refuses a URL without a project', () => {
    expect(() => parseGitLabRepo('https://gitlab.com/')).toThrow(
      'could not extract the GitLab project',
    );
  });
});

describe('GitLab specifics', () => {
  const { env, branch, mergeRequest } = useDouble();

  it('sends labels and the token as PRIVATE-TOKEN', async () => {
    const seen: Array<Record<string, string>> = [];
    const forge = new GitLabForge({
      repoURL: 'https://gitlab.example.com/group/project.git',
      token: 'tok',
      apiBaseUrl: env.double.apiUrl,
      fetch: (input, init) => {
        seen.push(Object.fromEntries(new Headers(init?.headers).entries()));
        return fetch(input, init);
      },
    });
    const opened = await forge.createPullRequest({
      title: 'labelled',
      head: branch(),
      base: 'main',
      labels: ['kargo', 'prod'],
    });
    expect(env.double.inspect('group/project', opened.number)?.labels).toEqual(['kargo', 'prod']);
    expect(seen[0]).toMatchObject({ 'private-token': 'tok' });
    expect(seen[0]).not.toHaveProperty('authorization');
  });

  it('follows the Link header over every page of merge requests', async () => {
    const git = await startGitServer();
    // GitLab caps pages at 100; capped at 2 here, three pages take five merge requests.
    const double = await startGitLabDouble(git, { maxPerPage: 2 });
    try {
      git.createRepo('group/paged', { 'a.txt': 'a\n' });
      const forge = new GitLabForge({
        repoURL: 'http://gitlab.example.com/group/paged',
        apiBaseUrl: double.apiUrl,
      });
      const numbers: number[] = [];
      for (let i = 1; i <= 5; i++) {
        git.git('group/paged', ['branch', `b${i}`, 'main']);
        numbers.push(
          (await forge.createPullRequest({ title: `b${i}`, head: `b${i}`, base: 'main' })).number,
        );
      }
      const all = await forge.listPullRequests({ state: 'open', base: 'main' });
      expect(all.map((pr) => pr.number).sort()).toEqual(numbers);
      expect(double.requests.filter((r) => r.startsWith('GET'))).toHaveLength(3);
    } finally {
      await double.stop();
      await git.stop();
    }
  });

  it('reads a locked merge request as open, a merged one as closed', async () => {
    const locked = await mergeRequest('locked');
    const merged = await mergeRequest('merged');
    const open = await env.forge.listPullRequests({ state: 'open' });
    const closed = await env.forge.listPullRequests({ state: 'closed' });
    expect(open.map((pr) => pr.number)).toContain(locked);
    expect(open.map((pr) => pr.number)).not.toContain(merged);
    expect(closed.map((pr) => pr.number)).toContain(merged);
  });

  it('reads merge_status when GitLab sends no detailed_merge_status (before 15.6)', async () => {
    env.double.omitDetailedMergeStatus(true);
    try {
      const head = branch('app.yaml', 'tag: old-gitlab\n');
      const { number } = await env.forge.createPullRequest({ title: 'old', head, base: 'main' });
      env.git.commitFiles('group/project', { 'app.yaml': 'tag: moved\n' }, 'meanwhile');
      const err = await failure(env.forge.mergePullRequest(number));
      expect([err.status, err.transient]).toEqual([409, false]);
      const clean = await mergeRequest('opened');
      expect((await env.forge.mergePullRequest(clean)).merged).toBe(true);
    } finally {
      env.double.omitDetailedMergeStatus(false);
    }
  });

  it('answers a draft, and a merge GitLab refuses with 405 meanwhile, as "not yet"', async () => {
    const head = branch();
    const draft = await env.forge.createPullRequest({ title: 'Draft: later', head, base: 'main' });
    expect(await env.forge.mergePullRequest(draft.number)).toEqual({ merged: false });
    // Read as mergeable, then refused with 405: a pipeline started in between.
    const raced = await mergeRequest('opened');
    const refusing = new GitLabForge({
      repoURL: 'https://gitlab.example.com/group/project.git',
      token: 'tok',
      apiBaseUrl: env.double.apiUrl,
      fetch: (input, init) =>
        init?.method === 'PUT'
          ? Promise.resolve(
              new Response(JSON.stringify({ message: '405 Method Not Allowed' }), {
                status: 405,
                headers: { 'content-type': 'application/json' },
              }),
            )
          : fetch(input, init),
    });
    expect(await refusing.mergePullRequest(raced)).toEqual({ merged: false });
    expect(env.double.inspect('group/project', raced)?.state).toBe('open');
    expect((await env.forge.mergePullRequest(raced)).merged).toBe(true);
  });

  it('refuses a second merge request with GitLab 409 list message, terminally', async () => {
    const head = branch();
    const first = await env.forge.createPullRequest({ title: 'one', head, base: 'main' });
    const err = await failure(env.forge.createPullRequest({ title: 'two', head, base: 'main' }));
    expect([err.status, err.transient]).toEqual([409, false]);
    expect(err.message).toBe(
      `GitLab answered 409: Another open merge request already exists for this source branch: !${first.number}`,
    );
    const missing = await failure(
      env.forge.createPullRequest({ title: 'x', head: 'nope', base: 'main' }),
    );
    expect(missing.message).toBe('GitLab answered 400: source_branch does not exist');
  });

  it('reads a 429 as GitLab sends it (text body, Retry-After), and a project it lacks as 404', async () => {
    env.double.failNext({ status: 429, retryAfterSeconds: 30 });
    const limited = await failure(env.forge.getPullRequest(1));
    expect(limited).toMatchObject({ status: 429, transient: true, retryAfterMs: 30_000 });
    expect(limited.message).toBe('GitLab answered 429: Retry later');
    const other = new GitLabForge({
      repoURL: 'https://gitlab.example.com/group/none.git',
      token: 'tok',
      apiBaseUrl: env.double.apiUrl,
    });
    const missing = await failure(other.getPullRequest(1));
    expect([missing.status, missing.message]).toEqual([
      404,
      'GitLab answered 404: 404 Project Not Found',
    ]);
  });

  it("sends Merge Request Hooks that Gantry's GitLab receiver reads as the merge request's page", async () => {
    const deliveries: WebhookRequest[] = [];
    let delivered: () => void = () => undefined;
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers = Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
        );
        deliveries.push({ headers, body: Buffer.concat(chunks) });
        res.end('ok');
        delivered();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as { port: number }).port;
      env.double.addWebhook?.(`http://127.0.0.1:${port}/webhook`, 'hook-secret');
      const arrived = (count: number) =>
        new Promise<void>((resolve) => {
          delivered = () => {
            if (deliveries.length >= count) resolve();
          };
          delivered();
        });
      const merged = await mergeRequest('merged');
      await arrived(1);
      const closed = await mergeRequest('closed');
      await arrived(2);
      for (const delivery of deliveries) {
        expect(delivery.headers['x-gitlab-event']).toBe('Merge Request Hook');
        expect(gitlabWebhook.verify(delivery, 'hook-secret')).toBeUndefined();
      }
      expect(deliveries.map((delivery) => gitlabWebhook.parse(delivery))).toEqual([
        {
          kind: 'pull-request',
          urls: [env.double.webUrl('group/project', merged)],
          description: `merge request !${merged} of group/project merged`,
        },
        {
          kind: 'pull-request',
          urls: [env.double.webUrl('group/project', closed)],
          description: `merge request !${closed} of group/project closed`,
        },
      ]);
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('accepts a self-signed certificate only with insecureSkipTLSVerify, as Kargo', async () => {
    const seen: string[] = [];
    const server = createHttpsServer(selfSignedCertificate(), (req, res) => {
      seen.push(`${req.method} ${req.url} ${String(req.headers['private-token'])}`);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          iid: 1,
          state: 'opened',
          web_url: 'https://127.0.0.1/group/shop/-/merge_requests/1',
          sha: 'a'.repeat(40),
          merge_commit_sha: null,
          created_at: '2026-01-02T03:04:05.000Z',
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const repoURL = `https://127.0.0.1:${(server.address() as { port: number }).port}/group/shop.git`;
      const strict = await failure(new GitLabForge({ repoURL, token: 'tok' }).getPullRequest(1));
      expect([strict.status, strict.transient]).toEqual([0, true]);
      expect(strict.message).toMatch(/^GitLab answered nothing: fetch failed \(.*certificate/);
      const lenient = new GitLabForge({ repoURL, token: 'tok', insecureSkipTLSVerify: true });
      expect(await lenient.getPullRequest(1)).toEqual({
        number: 1,
        url: 'https://127.0.0.1/group/shop/-/merge_requests/1',
        open: true,
        merged: false,
        mergeCommitSha: '',
        headSha: 'a'.repeat(40),
        createdAt: '2026-01-02T03:04:05.000Z',
      });
      expect(seen).toEqual(['GET /api/v4/projects/group%2Fshop/merge_requests/1 tok']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('says GitLab could not be reached, transiently, without the token', async () => {
    const forge = new GitLabForge({
      repoURL: 'https://gitlab.example.com/group/project.git',
      token: 'secret-token-value',
      apiBaseUrl: env.double.apiUrl,
      fetch: () => Promise.reject(new TypeError('fetch failed')),
    });
    const err = await failure(forge.getPullRequest(1));
    expect([err.status, err.transient, err.message]).toEqual([
      0,
      true,
      'GitLab answered nothing: fetch failed',
    ]);
  });
});
