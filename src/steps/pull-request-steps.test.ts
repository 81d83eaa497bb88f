import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubDouble, type GitHubDouble } from '../../test/forges/github-double.js';
import { startGitServer, type TestGitServer } from '../../test/git-server.js';
import { createStepHarness, stepError, type StepHarness } from '../../test/step-harness.js';
import { createForgeConnector } from '../forges/forge-connector.js';
import type { ForgeConnector } from '../forges/forge.js';
import { gitMergePrStep } from './git-merge-pr.js';
import { gitOpenPrStep } from './git-open-pr.js';
import { gitWaitForPrStep } from './git-wait-for-pr.js';

/**
 * The pull-request steps against the GitHub double over the real git server (the operator's
 * --forge-config tells Gantry the loopback host is a GitHub Enterprise). Kargo's own tables
 * run in compat/ with a scripted host; here the host is a real HTTP API over real git.
 */
describe('pull-request steps', () => {
  let git: TestGitServer;
  let github: GitHubDouble;
  let forges: ForgeConnector;
  let harness: StepHarness;
  let repoURL: string;
  let branches = 0;
  const repository = 'acme/shop';

  /** A promotion branch with one change, its last commit message as given. */
  const promotionBranch = (message: string, file = 'env/prod/app.yaml'): string => {
    const branch = `kargo/promotion/prod.${++branches}`;
    const main = git.git(repository, ['rev-parse', 'main']).trim();
    git.commitFiles(repository, { [file]: `tag: v${branches}\n` }, message);
    const promoted = git.git(repository, ['rev-parse', 'main']).trim();
    git.git(repository, ['update-ref', `refs/heads/${branch}`, promoted]);
    git.git(repository, ['update-ref', 'refs/heads/main', main]);
    return branch;
  };
  const run = (step: Parameters<StepHarness['run']>[0], config: unknown, extra = {}) =>
    harness.run(step, config, { forges, ...extra });

  beforeAll(async () => {
    git = await startGitServer();
    github = await startGitHubDouble(git);
    repoURL = git.createRepo(repository, { 'env/prod/app.yaml': 'tag: v0\n' });
    forges = createForgeConnector({
      hosts: [
        { url: git.url, provider: 'github', apiUrl: github.apiUrl, insecureSkipTLSVerify: false },
      ],
    });
  });
  afterAll(async () => {
    await github.stop();
    await git.stop();
  });
  afterEach(() => harness?.cleanup());

  it('opens a pull request titled from the commit message, and adopts it when run again', async () => {
    harness = createStepHarness();
    const head = promotionBranch('Promote fruitful-ferret to prod\n\nimage: v2');
    const config = { repoURL, sourceBranch: head, targetBranch: 'main', labels: ['kargo'] };
    const first = await run(gitOpenPrStep, config, { uiBaseUrl: 'https://gantry.example' });
    expect(first.status).toBe('Succeeded');
    const pr = (first.output as { pr: { id: number; url: string } }).pr;
    expect(pr.url).toBe(github.webUrl(repository, pr.id));
    expect(github.inspect(repository, pr.id)).toMatchObject({
      title: 'Promote fruitful-ferret to prod',
      description:
        '\nimage: v2\n\n\n[View in Kargo UI](https://gantry.example/project/demo/stage/dev)',
      labels: ['kargo'],
      head,
    });
    const creates = () =>
      github.requests.filter((r) => r.startsWith('POST /repos/acme/shop/pulls'));
    const opened = creates().length;
    // A re-run (after a crash, say) finds it and opens no second one.
    const again = await run(gitOpenPrStep, config);
    expect(again).toMatchObject({ status: 'Succeeded', output: { pr } });
    expect(creates()).toHaveLength(opened);
  });

  it('uses the title and description given', async () => {
    harness = createStepHarness();
    const head = promotionBranch('ignored subject\n\nignored body');
    const outcome = await run(gitOpenPrStep, {
      repoURL,
      sourceBranch: head,
      targetBranch: 'main',
      title: 'Deploy to prod',
      description: 'Reviewed by the release team',
    });
    const { id } = (outcome.output as { pr: { id: number } }).pr;
    expect(github.inspect(repository, id)).toMatchObject({
      title: 'Deploy to prod',
      description: 'Reviewed by the release team',
    });
  });

  it('is skipped when the branches do not differ', async () => {
    harness = createStepHarness();
    git.git(repository, ['branch', '-f', 'same', 'main']);
    const outcome = await run(gitOpenPrStep, {
      repoURL,
      sourceBranch: 'same',
      targetBranch: 'main',
    });
    expect(outcome.status).toBe('Skipped');
  });

  it('says which branch is missing', async () => {
    harness = createStepHarness();
    const head = promotionBranch('change');
    await expect(
      stepError(run(gitOpenPrStep, { repoURL, sourceBranch: head, targetBranch: 'release' })),
    ).resolves.toMatchObject({ terminal: true, message: 'target branch "release" does not exist' });
    const missing = await stepError(
      run(gitOpenPrStep, { repoURL, sourceBranch: 'nope', targetBranch: 'main' }),
    );
    expect(missing.message).toContain('Remote branch nope not found');
  });

  it('opens nothing in a plan', async () => {
    harness = createStepHarness({ plan: true });
    const head = promotionBranch('planned');
    const before = github.requests.filter((r) => r.startsWith('POST')).length;
    const outcome = await run(gitOpenPrStep, { repoURL, sourceBranch: head, targetBranch: 'main' });
    expect(outcome).toMatchObject({ status: 'Succeeded', output: { pr: { id: 0, url: '' } } });
    expect(outcome.message).toContain('would open a pull request from');
    expect(github.requests.filter((r) => r.startsWith('POST'))).toHaveLength(before);
    const wait = await run(gitWaitForPrStep, { repoURL, prNumber: 0 });
    expect(wait.message).toContain('would wait');
  });

  it('waits while the pull request is open, and outputs the merge commit once merged', async () => {
    harness = createStepHarness();
    const head = promotionBranch('wait for me');
    const opened = await run(gitOpenPrStep, { repoURL, sourceBranch: head, targetBranch: 'main' });
    const { id, url } = (opened.output as { pr: { id: number; url: string } }).pr;
    const waiting = await run(gitWaitForPrStep, { repoURL, prNumber: id, pollInterval: '2s' });
    expect(waiting).toMatchObject({
      status: 'Running',
      retryAfterMs: 2000,
      message: `waiting for pull request ${url} to be merged`,
      output: { pr: { id, url, open: true, merged: false } },
    });
    github.reviewer.merge(repository, id);
    const merged = await run(gitWaitForPrStep, { repoURL, prNumber: id });
    const main = git.git(repository, ['rev-parse', 'main']).trim();
    expect(merged).toMatchObject({
      status: 'Succeeded',
      output: { pr: { id, url, open: false, merged: true }, commit: main },
    });
  });

  it('fails when the pull request was closed without merging', async () => {
    harness = createStepHarness();
    const head = promotionBranch('close me');
    const opened = await run(gitOpenPrStep, { repoURL, sourceBranch: head, targetBranch: 'main' });
    const { id } = (opened.output as { pr: { id: number } }).pr;
    github.reviewer.close(repository, id);
    await expect(run(gitWaitForPrStep, { repoURL, prNumber: id })).resolves.toMatchObject({
      status: 'Failed',
      message: `pull request ${id} was closed without being merged`,
      output: { pr: { id, open: false, merged: false } },
    });
  });

  it('retries what the host says is transient, and stops on what is not', async () => {
    harness = createStepHarness();
    github.failNext({ status: 503 });
    const unavailable = await stepError(run(gitWaitForPrStep, { repoURL, prNumber: 1 }));
    expect(unavailable).toMatchObject({ terminal: false });
    expect(unavailable.message).toBe(
      'error getting pull request 1: GitHub answered 503: Server Error',
    );
    const missing = await stepError(run(gitWaitForPrStep, { repoURL, prNumber: 9999 }));
    expect(missing).toMatchObject({
      terminal: true,
      message: 'error getting pull request 9999: GitHub answered 404: Not Found',
    });
  });

  it('merges a pull request, or waits for it to be mergeable when asked to', async () => {
    harness = createStepHarness();
    const head = promotionBranch('merge me', 'env/prod/merge.yaml');
    const opened = await run(gitOpenPrStep, { repoURL, sourceBranch: head, targetBranch: 'main' });
    const { id } = (opened.output as { pr: { id: number } }).pr;
    github.setMergeability(repository, id, 'pending');
    await expect(run(gitMergePrStep, { repoURL, prNumber: id })).resolves.toEqual({
      status: 'Failed',
      message: `pull request ${id} is not ready to merge and wait is disabled`,
    });
    const waiting = await run(gitMergePrStep, { repoURL, prNumber: id, wait: true });
    expect(waiting).toMatchObject({ status: 'Running', retryAfterMs: 10_000 });
    github.setMergeability(repository, id, 'clean');
    const merged = await run(gitMergePrStep, { repoURL, prNumber: id, wait: true });
    expect(merged).toEqual({
      status: 'Succeeded',
      output: { commit: git.git(repository, ['rev-parse', 'main']).trim() },
    });
  });

  it('deletes the source branch once merged, when asked to', async () => {
    harness = createStepHarness();
    const head = promotionBranch('merge and tidy', 'env/prod/tidy.yaml');
    const opened = await run(gitOpenPrStep, { repoURL, sourceBranch: head, targetBranch: 'main' });
    const { id } = (opened.output as { pr: { id: number } }).pr;
    const merged = await run(gitMergePrStep, { repoURL, prNumber: id, deleteSourceBranch: true });
    expect(merged.status).toBe('Succeeded');
    expect(git.git(repository, ['branch', '--list', head]).trim()).toBe('');
    expect(harness.logs.join('\n')).toContain(`deleted source branch ${head}`);
  });

  it('ends Failed at once on a conflict', async () => {
    harness = createStepHarness();
    const head = promotionBranch('conflicting', 'env/prod/conflict.yaml');
    const opened = await run(gitOpenPrStep, { repoURL, sourceBranch: head, targetBranch: 'main' });
    const { id } = (opened.output as { pr: { id: number } }).pr;
    git.commitFiles(repository, { 'env/prod/conflict.yaml': 'theirs\n' }, 'meanwhile');
    await expect(run(gitMergePrStep, { repoURL, prNumber: id, wait: true })).resolves.toEqual({
      status: 'Failed',
      message: `error merging pull request ${id}: pull request ${id} has conflicts and cannot be merged`,
    });
  });

  it("names the provider it cannot find, in Kargo's words", async () => {
    harness = createStepHarness();
    const err = await stepError(
      harness.run(
        gitWaitForPrStep,
        { repoURL: 'https://git.example.test/acme/shop.git', prNumber: 1 },
        { forges: createForgeConnector() },
      ),
    );
    expect(err.message).toBe(
      'error creating git provider service: no registered providers for https://git.example.test/acme/shop.git',
    );
    const unknown = await stepError(
      harness.run(
        gitWaitForPrStep,
        { repoURL: 'https://git.example.test/acme/shop.git', prNumber: 1, provider: 'gitea' },
        { forges: createForgeConnector({ adapters: {} }) },
      ),
    );
    expect(unknown.message).toBe(
      'error creating git provider service: no registered providers with name "gitea"',
    );
  });
});
