import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { startGitServer, type TestGitServer } from '../../../test/git-server.js';
import { createStepHarness, stepError, type StepHarness } from '../../../test/step-harness.js';
import type { StepDefinition, StepOutcome } from '../../engine/step.js';
import {
  ForgeError,
  type ForgeConnector,
  type GitForge,
  type MergeResult,
  type PullRequest,
} from '../../forges/forge.js';
import { gitMergePrStep } from '../git-merge-pr.js';
import { gitOpenPrStep } from '../git-open-pr.js';
import { gitWaitForPrStep } from '../git-wait-for-pr.js';
import {
  gitMergePrConfigCases,
  gitMergePrRunCases,
  gitOpenPrConfigCases,
  gitOpenPrRunCases,
  gitWaitForPrConfigCases,
  gitWaitForPrRunCases,
  type HostFailure,
  type HostScript,
  type PrRunCase,
  type PrStepKind,
  type ScriptedPullRequest,
} from './git-pr.cases.js';
import { runGitConfigCases } from './git-step-case.js';
import { compatIt } from './row-case.js';

const steps: Record<PrStepKind, StepDefinition> = {
  'git-open-pr': gitOpenPrStep,
  'git-wait-for-pr': gitWaitForPrStep,
  'git-merge-pr': gitMergePrStep,
};

describe('pull-request steps as Kargo: config tables', () => {
  describe('git-open-pr (git_pr_opener_test.go)', () =>
    runGitConfigCases(gitOpenPrStep, gitOpenPrConfigCases));
  describe('git-wait-for-pr (git_pr_waiter_test.go)', () =>
    runGitConfigCases(gitWaitForPrStep, gitWaitForPrConfigCases));
  describe('git-merge-pr (git_pr_merger_test.go)', () =>
    runGitConfigCases(gitMergePrStep, gitMergePrConfigCases));
});

/** A pull request with Go's zero values where the case gives none. */
function pullRequest(pr: ScriptedPullRequest): PullRequest {
  return { number: 0, url: '', open: false, merged: false, mergeCommitSha: '', headSha: '', ...pr };
}

const isFailure = (answer: object): answer is HostFailure => 'fails' in answer;

/** The error a scripted failure stands for: the adapter's ForgeError, or a plain one. */
function failure(answer: HostFailure): Error {
  return answer.status === undefined
    ? new Error(answer.fails)
    : new ForgeError(answer.fails, answer.status, answer.transient ?? false);
}

/**
 * Kargo's gitprovider.Fake as a GitForge: answers what the case scripted, records every call,
 * and fails a call the case did not script (as the Go fake's nil function would).
 */
class ScriptedForge implements GitForge {
  readonly calls: Array<{ method: keyof GitForge; args: unknown[] }> = [];
  constructor(private readonly script: HostScript) {}

  #answer<T>(method: keyof GitForge, args: unknown[], make: (answer: never) => T): Promise<T> {
    this.calls.push({ method, args });
    const answer = this.script[method];
    if (answer === undefined)
      return Promise.reject(new Error(`the case scripted no answer to ${method}`));
    if (isFailure(answer)) return Promise.reject(failure(answer));
    return Promise.resolve(make(answer as never));
  }

  createPullRequest(...args: Parameters<GitForge['createPullRequest']>) {
    return this.#answer('createPullRequest', args, (pr: ScriptedPullRequest) => pullRequest(pr));
  }
  getPullRequest(...args: Parameters<GitForge['getPullRequest']>) {
    return this.#answer('getPullRequest', args, (pr: ScriptedPullRequest) => pullRequest(pr));
  }
  listPullRequests(...args: Parameters<GitForge['listPullRequests']>) {
    return this.#answer('listPullRequests', args, (prs: ScriptedPullRequest[]) =>
      prs.map(pullRequest),
    );
  }
  mergePullRequest(...args: Parameters<GitForge['mergePullRequest']>) {
    return this.#answer(
      'mergePullRequest',
      args,
      (result: { merged: false } | { merged: true; pullRequest: ScriptedPullRequest }) =>
        (result.merged
          ? { merged: true, pullRequest: pullRequest(result.pullRequest) }
          : { merged: false }) satisfies MergeResult,
    );
  }
}

/**
 * Kargo's run tables: each case's host is a ScriptedForge handed to the step as `forges`;
 * git-open-pr reads its branches from a real repository on the test git server, as Kargo's
 * reads them from a gitkit server.
 */
describe('pull-request steps as Kargo: runs', () => {
  let server: TestGitServer;
  let harness: StepHarness | undefined;
  let repos = 0;

  beforeAll(async () => {
    server = await startGitServer();
  });
  afterAll(() => server.stop());
  afterEach(() => harness?.cleanup());

  /**
   * Kargo's repository: `source` with one commit; `target` missing, at the same commit, or one
   * commit further ("my commit msg" adding some-file.txt). Returns its URL and source's head.
   */
  function repository(target: PrRunCase['target']): { url: string; source: string } {
    const name = `pr-compat-${++repos}`;
    const url = server.createRepo(name, { source: 'foo' });
    const source = server.git(name, ['rev-parse', 'main']).trim();
    server.git(name, ['update-ref', 'refs/heads/source', source]);
    if (target === 'same') server.git(name, ['update-ref', 'refs/heads/target', source]);
    if (target === 'changed') {
      const changed = server.commitFiles(
        name,
        { 'some-file.txt': 'some changes' },
        'my commit msg',
      );
      server.git(name, ['update-ref', 'refs/heads/target', changed]);
    }
    return { url, source };
  }

  async function run(c: PrRunCase): Promise<void> {
    harness = createStepHarness();
    const forge = new ScriptedForge(c.host);
    const opened: string[] = [];
    const forges: ForgeConnector = {
      open: (repoURL) => {
        opened.push(repoURL);
        return forge;
      },
    };
    const config = { ...c.config };
    let source: string | undefined;
    if (c.step === 'git-open-pr') {
      const repo = repository(c.target);
      config.repoURL = repo.url;
      source = repo.source;
    }
    const outcome = harness.run(steps[c.step], config, { forges });

    const expected = c.expect;
    if ('terminal' in expected) {
      const err = await stepError(outcome);
      expect(err.terminal).toBe(expected.terminal);
      for (const part of expected.contains) expect(err.message).toContain(part);
    } else {
      const result: StepOutcome = await outcome;
      expect(result.status).toBe(expected.status);
      if (expected.output) expect(result.output).toMatchObject(expected.output);
      for (const key of expected.without ?? []) expect(result.output).not.toHaveProperty(key);
      if (expected.noOutput) expect(result.output).toBeUndefined();
      if (expected.retryAfterMs !== undefined)
        expect(result.retryAfterMs).toBe(expected.retryAfterMs);
      if (expected.message !== undefined) expect(result.message).toBe(expected.message);
    }

    if (c.calls) {
      expect(forge.calls.map((call) => call.method)).toEqual(c.calls.map((call) => call.method));
      c.calls.forEach((call, i) =>
        expect(forge.calls[i]?.args.slice(0, call.args.length)).toMatchObject(call.args),
      );
    }
    // git-open-pr looks only for pull requests whose head is the source branch's commit.
    for (const call of forge.calls.filter((call) => call.method === 'listPullRequests'))
      expect(call.args[0]).toMatchObject({ headCommit: source });
    for (const url of opened) expect(url).toBe(config.repoURL);
  }

  describe('git-open-pr (git_pr_opener_test.go)', () => {
    for (const c of gitOpenPrRunCases) compatIt(c, () => run(c));
  });
  describe('git-wait-for-pr (git_pr_waiter_test.go)', () => {
    for (const c of gitWaitForPrRunCases) compatIt(c, () => run(c));
  });
  describe('git-merge-pr (git_pr_merger_test.go)', () => {
    for (const c of gitMergePrRunCases) compatIt(c, () => run(c));
  });
});
