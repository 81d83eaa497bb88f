import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDouble, type AzureDouble } from '../../../test/forges/azure-double.js';
import { startGitServer, type TestGitServer } from '../../../test/git-server.js';
import { commitUrlFor } from '../../steps/commit-url.js';
import { compatIt, type CompatRow } from '../../steps/compat/row-case.js';
import { ForgeError } from '../forge.js';
import { describeForgeContract } from '../forge.contract.js';
import { AzureForge, parseAzureRepo } from './azure-forge.js';

/**
 * The Azure DevOps adapter against the contract double of Azure DevOps' REST API
 * (test/forges/azure-double.ts), whose branches and merges are real git on the test git
 * server; then Kargo's pkg/gitprovider/azure tables, run against the double instead of Go mocks.
 */
const TOKEN = 'azure-pat-0123456789';
const REPOSITORY = 'org/project/_git/repo';
const REPO_URL = 'https://dev.azure.com/org/project/_git/repo';
/** Completion is awaited without Kargo's one-second pauses here. */
const FAST = { attempts: 10, intervalMs: 1 };

describeForgeContract('Azure DevOps', async () => {
  const git = await startGitServer();
  const double = await startAzureDouble(git, { token: TOKEN });
  return {
    git,
    double,
    repository: REPOSITORY,
    forge: (token = TOKEN) =>
      new AzureForge({ repoURL: REPO_URL, token, apiBaseUrl: double.apiUrl, completion: FAST }),
    async stop() {
      await double.stop();
      await git.stop();
    },
  };
});

/** One repository on a fresh double per describe block, with branches made as git-push makes them. */
function azureFixture() {
  const h = {} as {
    git: TestGitServer;
    double: AzureDouble;
    forge: AzureForge;
    branch(file?: string, content?: string, commits?: number): string;
  };
  let branches = 0;
  beforeAll(async () => {
    h.git = await startGitServer();
    h.double = await startAzureDouble(h.git, { token: TOKEN });
    h.git.createRepo(REPOSITORY, { 'env/prod/app.yaml': 'tag: v0\n' });
    h.forge = new AzureForge({
      repoURL: REPO_URL,
      token: TOKEN,
      apiBaseUrl: h.double.apiUrl,
      completion: FAST,
    });
    h.branch = (file = `docs/change-${branches + 1}.md`, content = 'change\n', commits = 1) => {
      const name = `kargo/promotion/prod.${++branches}`;
      const main = h.git.git(REPOSITORY, ['rev-parse', 'main']).trim();
      for (let i = 0; i < commits; i++)
        h.git.commitFiles(REPOSITORY, { [file]: `${content}${i}\n` }, `${name} commit ${i + 1}`);
      const tip = h.git.git(REPOSITORY, ['rev-parse', 'main']).trim();
      h.git.git(REPOSITORY, ['update-ref', `refs/heads/${name}`, tip]);
      h.git.git(REPOSITORY, ['update-ref', 'refs/heads/main', main]);
      return name;
    };
  });
  afterAll(async () => {
    await h.double.stop();
    await h.git.stop();
  });
  return h;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('expected a ForgeError'),
    (err: unknown) => {
      expect(err).toBeInstanceOf(ForgeError);
      return err as ForgeError;
    },
  );

describe('Azure DevOps repository URLs (Kargo)', () => {
  const rows: Array<
    CompatRow & { url: string; expected?: [string, string, string]; anyHost?: boolean }
  > = [
    { upstream: 'azure_test.go TestParseRepoURL invalid URL', url: 'not-a-url' },
    {
      upstream: 'azure_test.go TestParseRepoURL unsupported host',
      url: 'https://github.com/org/repo',
    },
    {
      upstream: 'azure_test.go TestParseRepoURL modern URL with missing parts',
      url: 'https://dev.azure.com/org',
    },
    {
      upstream: 'azure_test.go TestParseRepoURL legacy URL with missing parts',
      url: 'https://org.visualstudio.com',
    },
    {
      upstream: 'azure_test.go TestParseRepoURL modern URL format',
      url: 'https://dev.azure.com/myorg/myproject/_git/myrepo',
      expected: ['myorg', 'myproject', 'myrepo'],
    },
    {
      upstream: 'azure_test.go TestParseRepoURL modern URL format with .git suffix',
      url: 'https://dev.azure.com/myorg/myproject/_git/myrepo.git',
      expected: ['myorg', 'myproject', 'myrepo'],
    },
    {
      upstream: 'azure_test.go TestParseRepoURL legacy URL format',
      url: 'https://myorg.visualstudio.com/myproject/_git/myrepo',
      expected: ['myorg', 'myproject', 'myrepo'],
    },
    {
      upstream: 'azure_test.go TestParseRepoURL legacy URL format with .git suffix',
      url: 'https://myorg.visualstudio.com/myproject/_git/myrepo.git',
      expected: ['myorg', 'myproject', 'myrepo'],
    },
    {
      upstream: 'azure_test.go TestParseRepoURL modern URL format with dot in repo name',
      url: 'https://dev.azure.com/myorg/myproject/_git/my.repo',
      expected: ['myorg', 'myproject', 'my.repo'],
    },
  ];
  for (const row of rows)
    compatIt(row, () => {
      if (!row.expected) {
        expect(() => parseAzureRepo(row.url)).toThrow(ForgeError);
        return;
      }
      const [organization, project, repository] = row.expected;
      expect(parseAzureRepo(row.url)).toEqual({ organization, project, repository });
    });

  it.each([
    // Kargo's host rule: the SSH host is neither dev.azure.com nor *.visualstudio.com.
    ['git@ssh.dev.azure.com:v3/org/project/repo', false, 'unsupported host "ssh.dev.azure.com"'],
    ['https://dev.azure.com/org/project/_git/repo/extra', false, 'could not extract'],
    ['https://git.example.com/org/project/_git/repo', false, 'unsupported host'],
  ])('refuses %s', (url, anyHost, message) => {
    expect(() => parseAzureRepo(url, anyHost)).toThrow(message);
  });

  it('reads any host in the modern form when the operator named its API', () => {
    expect(parseAzureRepo('https://tfs.example.com:8443/Coll/Proj/_git/Repo.git', true)).toEqual({
      organization: 'coll',
      project: 'proj',
      repository: 'repo',
    });
  });

  it('needs a token, as Kargo does', () => {
    expect(() => new AzureForge({ repoURL: REPO_URL })).toThrow(
      'token is required for Azure DevOps provider',
    );
  });
});

describe('Azure DevOps commit URLs (Kargo, src/steps/commit-url.ts)', () => {
  const rows: Array<CompatRow & { repoURL: string; expected: string }> = [
    {
      upstream: 'azure_test.go TestGetCommitURL ssh://git@ssh.dev.azure.com/akuity/_git/kargo',
      repoURL: 'ssh://git@ssh.dev.azure.com/akuity/_git/kargo',
      expected: 'https://dev.azure.com/akuity/_git/kargo/commit/sha',
    },
    {
      upstream: 'azure_test.go TestGetCommitURL git@ssh.dev.azure.com:v3/akuity/_git/kargo',
      repoURL: 'git@ssh.dev.azure.com:v3/akuity/_git/kargo',
      expected: 'https://dev.azure.com/akuity/_git/kargo/commit/sha',
    },
    {
      upstream: 'azure_test.go TestGetCommitURL http://dev.azure.com/akuity/_git/kargo',
      repoURL: 'http://dev.azure.com/akuity/_git/kargo',
      expected: 'https://dev.azure.com/akuity/_git/kargo/commit/sha',
    },
  ];
  for (const row of rows)
    compatIt(row, () => expect(commitUrlFor(row.repoURL, 'sha', 'azure')).toBe(row.expected));
});

describe('Azure DevOps merge (Kargo TestMergePullRequest, against the double)', () => {
  const h = azureFixture();
  const rows: Array<CompatRow & { run: () => Promise<void> }> = [
    {
      upstream: 'azure_test.go TestMergePullRequest error getting PR',
      run: async () => {
        h.double.failNextOf('GET', { status: 500 });
        const err = await failure(h.forge.mergePullRequest(1));
        expect([err.status, err.transient]).toEqual([500, true]);
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest nil PR returned',
      run: async () => {
        const err = await failure(h.forge.mergePullRequest(404));
        expect([err.status, err.transient]).toEqual([404, false]);
        expect(err.message).toContain('pull request 404 not found');
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest PR already completed',
      run: async () => {
        const pr = await h.forge.createPullRequest({ title: 't', head: h.branch(), base: 'main' });
        h.double.reviewer.merge(REPOSITORY, pr.number);
        const result = await h.forge.mergePullRequest(pr.number);
        expect(result).toMatchObject({
          merged: true,
          pullRequest: {
            number: pr.number,
            mergeCommitSha: h.git.git(REPOSITORY, ['rev-parse', 'main']).trim(),
          },
        });
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest PR abandoned',
      run: async () => {
        const pr = await h.forge.createPullRequest({ title: 't', head: h.branch(), base: 'main' });
        h.double.reviewer.close(REPOSITORY, pr.number);
        const err = await failure(h.forge.mergePullRequest(pr.number));
        expect(err.message).toContain('is abandoned');
        expect(err.transient).toBe(false);
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest PR is draft',
      run: async () => {
        const pr = await h.forge.createPullRequest({ title: 't', head: h.branch(), base: 'main' });
        h.double.setMergeability(REPOSITORY, pr.number, 'draft');
        expect(await h.forge.mergePullRequest(pr.number)).toEqual({ merged: false });
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest PR not ready to merge',
      differs:
        'mergeStatus conflicts is a terminal error (the port: a conflict is final), where Kargo answers "not yet"',
      run: async () => {
        const pr = await h.forge.createPullRequest({ title: 't', head: h.branch(), base: 'main' });
        h.double.setMergeStatus(REPOSITORY, pr.number, 'conflicts');
        const err = await failure(h.forge.mergePullRequest(pr.number));
        expect([err.status, err.transient]).toEqual([409, false]);
        expect(err.message).toContain('has conflicts');
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest unknown status',
      skip: 'the double answers only the statuses Azure DevOps gives a pull request (active, abandoned, completed); notSet is the Go client default for a missing field',
      run: async () => {},
    },
    {
      upstream: 'azure_test.go TestMergePullRequest unsupported merge method',
      run: async () => {
        const pr = await h.forge.createPullRequest({ title: 't', head: h.branch(), base: 'main' });
        const err = await failure(h.forge.mergePullRequest(pr.number, { method: 'bogus' }));
        expect(err.message).toBe('unsupported merge method "bogus"');
        expect(err.transient).toBe(false);
        expect(h.double.inspect(REPOSITORY, pr.number)?.state).toBe('open');
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest merge operation fails',
      run: async () => {
        const pr = await h.forge.createPullRequest({ title: 't', head: h.branch(), base: 'main' });
        h.double.failNextOf('PATCH', { status: 400, message: 'merge failed' });
        const err = await failure(h.forge.mergePullRequest(pr.number));
        expect(err.message).toBe('Azure DevOps answered 400: merge failed');
        expect(err.transient).toBe(false);
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest nil response after merge',
      run: async () => {
        const pr = await h.forge.createPullRequest({ title: 't', head: h.branch(), base: 'main' });
        // The client reads a 404 answer as nothing.
        h.double.failNextOf('PATCH', { status: 404 });
        const err = await failure(h.forge.mergePullRequest(pr.number));
        expect(err.message).toContain('unexpected nil response after merging');
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest successful merge',
      run: async () => {
        const head = h.branch('env/prod/app.yaml', 'tag: v9');
        const pr = await h.forge.createPullRequest({ title: 't', head, base: 'main' });
        const result = await h.forge.mergePullRequest(pr.number);
        expect(result).toMatchObject({ merged: true, pullRequest: { number: pr.number } });
        // Completed asynchronously: the PATCH answered it active, the next read completed.
        const patch = h.double.requests.findLastIndex((r) => r.startsWith('PATCH '));
        expect(h.double.requests.slice(patch + 1)).toEqual([
          expect.stringMatching(
            new RegExp(
              `^GET /org/project/_apis/git/repositories/repo/pullRequests/${pr.number}\\b`,
            ),
          ),
        ]);
        expect(h.git.git(REPOSITORY, ['show', 'main:env/prod/app.yaml'])).toBe('tag: v90\n');
      },
    },
    {
      upstream: 'azure_test.go TestMergePullRequest successful merge with explicit method',
      run: async () => {
        const pr = await h.forge.createPullRequest({ title: 't', head: h.branch(), base: 'main' });
        const result = await h.forge.mergePullRequest(pr.number, { method: 'squash' });
        expect(result.merged).toBe(true);
        expect(parentsOf(h.git, 'main')).toBe(1);
      },
    },
  ];
  for (const row of rows) compatIt(row, row.run);
});

describe('Azure DevOps create and list (Kargo TestCreatePullRequest, TestListPullRequests)', () => {
  const h = azureFixture();
  const rows: Array<CompatRow & { run: () => Promise<void> }> = [
    {
      upstream: 'azure_test.go TestCreatePullRequest nil opts does not panic',
      skip: 'the port types the options as required; a missing one cannot be passed',
      run: async () => {},
    },
    {
      upstream: 'azure_test.go TestCreatePullRequest error getting repository',
      run: async () => {
        const forge = new AzureForge({
          repoURL: 'https://dev.azure.com/org/project/_git/nope',
          token: TOKEN,
          apiBaseUrl: h.double.apiUrl,
        });
        const err = await failure(forge.createPullRequest({ title: 't', head: 'x', base: 'main' }));
        expect(err.message).toContain('error getting repository "nope"');
        expect([err.status, err.transient]).toEqual([404, false]);
      },
    },
    {
      upstream: 'azure_test.go TestCreatePullRequest error creating pull request',
      run: async () => {
        await h.forge.listPullRequests({ state: 'open' }); // the repository is known by now
        await h.forge.createPullRequest({ title: 'warm', head: h.branch(), base: 'main' });
        h.double.failNextOf('POST', { status: 503 });
        const err = await failure(
          h.forge.createPullRequest({ title: 't', head: h.branch(), base: 'main' }),
        );
        expect([err.status, err.transient]).toEqual([503, true]);
      },
    },
    {
      upstream: 'azure_test.go TestListPullRequests nil opts defaults to open state',
      differs: 'the state is required by the port; open asks Azure for status active',
      run: async () => {
        await h.forge.listPullRequests({ state: 'open' });
        // The official client sends the enum's number: 1 is active.
        expect(h.double.requests.at(-1)).toContain('searchCriteria.status=1');
      },
    },
    {
      upstream: 'azure_test.go TestListPullRequests empty state defaults to open',
      skip: 'the port types the state as open, closed or any; an empty one cannot be passed',
      run: async () => {},
    },
    {
      upstream: 'azure_test.go TestListPullRequests nil adoPRs returns nil without panic',
      run: async () => {
        h.double.failNextOf('GET', { status: 404 });
        expect(await h.forge.listPullRequests({ state: 'open' })).toEqual([]);
      },
    },
    {
      upstream: 'azure_test.go TestListPullRequests client error is propagated',
      run: async () => {
        h.double.failNextOf('GET', { status: 500, message: 'list failed' });
        const err = await failure(h.forge.listPullRequests({ state: 'open' }));
        expect(err.message).toBe('Azure DevOps answered 500: list failed');
      },
    },
    {
      upstream: 'azure_test.go TestListPullRequests returns converted pull requests',
      run: async () => {
        const head = h.branch();
        const pr = await h.forge.createPullRequest({ title: 't', head, base: 'main' });
        const listed = await h.forge.listPullRequests({ state: 'open', head });
        expect(listed).toEqual([
          {
            number: pr.number,
            url: `${h.double.apiUrl}/${REPOSITORY}/pullrequest/${pr.number}`,
            open: true,
            merged: false,
            mergeCommitSha: '',
            headSha: h.git.git(REPOSITORY, ['rev-parse', head]).trim(),
            headBranch: head,
            createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          },
        ]);
      },
    },
  ];
  for (const row of rows) compatIt(row, row.run);

  it('lists closed as completed only (Kargo), and pages through more than 100', async () => {
    const head = h.branch();
    const abandoned: number[] = [];
    for (let i = 0; i < 101; i++) {
      const pr = await h.forge.createPullRequest({ title: `try ${i}`, head, base: 'main' });
      h.double.reviewer.close(REPOSITORY, pr.number);
      abandoned.push(pr.number);
    }
    expect(await h.forge.listPullRequests({ state: 'closed', head })).toEqual([]);
    const all = await h.forge.listPullRequests({ state: 'any', head });
    expect(all.map((pr) => pr.number).sort((a, b) => a - b)).toEqual(abandoned);
    expect(all.every((pr) => !pr.open && !pr.merged)).toBe(true);
    expect(
      h.double.requests.some((r) => r.includes('%24skip=100') || r.includes('$skip=100')),
    ).toBe(true);
  });
});

describe('Azure DevOps merge methods (Kargo pr_integration_test.go, against the double)', () => {
  const h = azureFixture();
  const rows: Array<CompatRow & { method?: string; parents?: number }> = [
    {
      upstream: 'pr_integration_test.go TestCreateAndMergePullRequest unspecified merge method',
      parents: 2,
    },
    {
      upstream: 'pr_integration_test.go TestCreateAndMergePullRequest noFastForward',
      method: 'noFastForward',
      parents: 2,
    },
    {
      upstream: 'pr_integration_test.go TestCreateAndMergePullRequest rebase',
      method: 'rebase',
      parents: 1,
    },
    {
      upstream: 'pr_integration_test.go TestCreateAndMergePullRequest rebaseMerge',
      method: 'rebaseMerge',
      parents: 2,
    },
    {
      upstream: 'pr_integration_test.go TestCreateAndMergePullRequest squash',
      method: 'squash',
      parents: 1,
    },
    {
      upstream: 'pr_integration_test.go TestCreateAndMergePullRequest invalid merge method',
      method: 'bogus',
    },
  ];
  for (const row of rows)
    compatIt(row, async () => {
      const file = `docs/${row.method ?? 'default'}.md`;
      // Two commits where they are replayed one by one.
      const head = h.branch(file, 'line', row.method?.startsWith('rebase') ? 2 : 1);
      // main moves meanwhile, so a fast-forward would not do.
      h.git.commitFiles(
        REPOSITORY,
        { [`other/${row.method ?? 'default'}.md`]: 'x\n' },
        'meanwhile',
      );
      const pr = await h.forge.createPullRequest({
        title: `merge ${row.method}`,
        head,
        base: 'main',
      });
      if (row.parents === undefined) {
        const err = await failure(h.forge.mergePullRequest(pr.number, { method: row.method }));
        expect(err.transient).toBe(false);
        return;
      }
      const result = await h.forge.mergePullRequest(pr.number, { method: row.method });
      expect(result.merged).toBe(true);
      const main = h.git.git(REPOSITORY, ['rev-parse', 'main']).trim();
      expect(result).toMatchObject({ pullRequest: { mergeCommitSha: main, merged: true } });
      expect(parentsOf(h.git, 'main')).toBe(row.parents);
      expect(h.git.git(REPOSITORY, ['show', `main:${file}`])).toMatch(/^line[01]\n$/);
      expect(h.git.git(REPOSITORY, ['show', `main:other/${row.method ?? 'default'}.md`])).toBe(
        'x\n',
      );
    });
});

describe('Azure DevOps specifics', () => {
  const h = azureFixture();

  it('opens a pull request with Azure refs, labels in the create body, and the web URL', async () => {
    const head = h.branch();
    const pr = await h.forge.createPullRequest({
      title: 'labels',
      head,
      base: 'main',
      labels: ['kargo'],
    });
    expect(pr.url).toBe(`${h.double.apiUrl}/org/project/_git/repo/pullrequest/${pr.number}`);
    expect(h.double.inspect(REPOSITORY, pr.number)?.labels).toEqual(['kargo']);
    // One create, no separate label call; the repository was looked up by name first.
    expect(h.double.requests.filter((r) => r.includes('/labels'))).toEqual([]);
    expect(h.double.requests).toContainEqual(
      expect.stringMatching(/^GET \/org\/project\/_apis\/git\/repositories\/repo$/),
    );
  });

  it('waits out an asynchronous completion, reading again until it is completed', async () => {
    const pr = await h.forge.createPullRequest({ title: 'slow', head: h.branch(), base: 'main' });
    h.double.completionLag = 3;
    try {
      expect((await h.forge.mergePullRequest(pr.number)).merged).toBe(true);
    } finally {
      h.double.completionLag = 0;
    }
  });

  it('answers "not yet" when the completion is still queued after its reads, and merged later', async () => {
    const slow = new AzureForge({
      repoURL: REPO_URL,
      token: TOKEN,
      apiBaseUrl: h.double.apiUrl,
      completion: { attempts: 2, intervalMs: 1 },
    });
    const pr = await slow.createPullRequest({ title: 'queued', head: h.branch(), base: 'main' });
    h.double.completionLag = 3;
    try {
      expect(await slow.mergePullRequest(pr.number)).toEqual({ merged: false });
      // mergeStatus queued while Azure works on it: still "not yet".
      expect(await slow.mergePullRequest(pr.number)).toEqual({ merged: false });
      expect((await slow.mergePullRequest(pr.number)).merged).toBe(true);
    } finally {
      h.double.completionLag = 0;
    }
  });

  it.each(['queued', 'running', 'rejected', 'broken'] as const)(
    'answers "not yet" while a blocking policy is %s, and merges once it approves',
    async (status) => {
      const pr = await h.forge.createPullRequest({ title: status, head: h.branch(), base: 'main' });
      h.double.setPolicy(REPOSITORY, pr.number, status);
      expect(await h.forge.mergePullRequest(pr.number)).toEqual({ merged: false });
      expect(h.double.inspect(REPOSITORY, pr.number)?.state).toBe('open');
      h.double.setPolicy(REPOSITORY, pr.number, 'approved');
      expect((await h.forge.mergePullRequest(pr.number)).merged).toBe(true);
    },
  );

  it.each(['queued', 'rejectedByPolicy', 'failure', 'notSet'] as const)(
    'answers "not yet" for mergeStatus %s (Kargo: only succeeded merges)',
    async (status) => {
      const pr = await h.forge.createPullRequest({ title: status, head: h.branch(), base: 'main' });
      h.double.setMergeStatus(REPOSITORY, pr.number, status);
      expect(await h.forge.mergePullRequest(pr.number)).toEqual({ merged: false });
    },
  );

  it('reports no merge commit for an active pull request, though Azure shows its trial merge', async () => {
    const pr = await h.forge.createPullRequest({ title: 'trial', head: h.branch(), base: 'main' });
    expect((await h.forge.getPullRequest(pr.number)).mergeCommitSha).toBe('');
  });

  it("says a refused token in a line, without the token or Azure's HTML page", async () => {
    const forge = new AzureForge({
      repoURL: REPO_URL,
      token: 'wrong-pat',
      apiBaseUrl: h.double.apiUrl,
    });
    const err = await failure(forge.listPullRequests({ state: 'open' }));
    expect(err.message).toBe('Azure DevOps answered 401: Unauthorized');
    expect([err.status, err.transient]).toEqual([401, false]);
  });

  it("answers a duplicate with Azure's TF401179, terminally", async () => {
    const head = h.branch();
    await h.forge.createPullRequest({ title: 'one', head, base: 'main' });
    const err = await failure(h.forge.createPullRequest({ title: 'two', head, base: 'main' }));
    expect(err.message).toBe(
      'Azure DevOps answered 409: TF401179: An active pull request for the source and target branch already exists.',
    );
  });

  it('reaches a repository on any host the operator named as Azure DevOps, API at apiBaseUrl', async () => {
    const forge = new AzureForge({
      repoURL: `${h.git.url}/${REPOSITORY}.git`,
      token: TOKEN,
      apiBaseUrl: `${h.double.apiUrl}/`,
      completion: FAST,
    });
    const pr = await forge.createPullRequest({ title: 'on-prem', head: h.branch(), base: 'main' });
    expect((await forge.mergePullRequest(pr.number)).merged).toBe(true);
  });

  it('reads the legacy visualstudio.com form, the organization from the host (Kargo)', async () => {
    const forge = new AzureForge({
      repoURL: 'https://org.visualstudio.com/project/_git/repo',
      token: TOKEN,
      apiBaseUrl: h.double.apiUrl,
    });
    expect([forge.organization, forge.project, forge.repository]).toEqual([
      'org',
      'project',
      'repo',
    ]);
    expect((await forge.listPullRequests({ state: 'any' })).length).toBeGreaterThan(0);
  });
});

function parentsOf(git: TestGitServer, ref: string): number {
  return (
    git.git(REPOSITORY, ['rev-list', '--parents', '-n', '1', ref]).trim().split(' ').length - 1
  );
}
