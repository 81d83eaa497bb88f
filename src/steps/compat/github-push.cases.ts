import type { GitConfigCase } from './git-step-case.js';
import type { CompatRow } from './row-case.js';

const convert = (name: string) => `github_pusher_test.go Test_githubPusher_convert ${name}`;
const run = (name: string) => `github_pusher_test.go Test_githubPusher_run ${name}`;
const push = (name: string) => `github_pusher_test.go Test_githubPusher_push ${name}`;
const replay = (name: string) => `github_pusher_test.go Test_githubPusher_replayCommits ${name}`;
const build = (name: string) => `github_pusher_test.go Test_githubPusher_buildReplayCommit ${name}`;
const parents = (name: string) => `github_pusher_test.go Test_githubPusher_resolveParents ${name}`;
const upsert = (name: string) => `github_pusher_test.go Test_githubPusher_upsertTargetRef ${name}`;
const retryable = (name: string) =>
  `github_pusher_test.go Test_githubPusher_isRetryableError ${name}`;
const integration = (name: string) =>
  `github_push_integration_test.go TestGitHubPush_Integration ${name}`;
const path = '/fake/path';

const NO_SIGNING =
  'Gantry signs no commits (git-clone ignores signingKey), so no commit is ever signed by a trusted key';

/** Kargo's github-push config table (github-push-config.json through Test_githubPusher_convert). */
export const githubPushConfigCases: GitConfigCase[] = [
  { upstream: convert('path not specified'), config: {}, error: 'path' },
  { upstream: convert('path is empty string'), config: { path: '' }, error: 'path' },
  { upstream: convert('maxAttempts < 1'), config: { maxAttempts: 0 }, error: 'maxAttempts' },
  {
    upstream: convert('maxAttempts > 2147483647'),
    config: { path, maxAttempts: 2147483648 },
    error: 'maxAttempts',
  },
  {
    upstream: convert('generateTargetBranch is true'),
    config: { path, generateTargetBranch: true },
  },
  {
    upstream: convert('generateTargetBranch is true and targetBranch is specified'),
    config: { path, generateTargetBranch: true, targetBranch: 'fake-branch' },
    error: 'Must validate one and only one schema',
  },
  { upstream: convert('only path specified'), config: { path } },
  { upstream: convert('targetBranch specified'), config: { path, targetBranch: 'fake-branch' } },
  { upstream: convert('force is true'), config: { path, force: true } },
  {
    upstream: convert('insecureSkipTLSVerify is true'),
    config: { path, insecureSkipTLSVerify: true },
  },
  {
    // Not an upstream row: the schema's first branch allows an empty targetBranch.
    upstream: 'github-push-config.json generateTargetBranch with an empty targetBranch',
    config: { path, generateTargetBranch: true, targetBranch: '' },
  },
  {
    // Not an upstream row: additionalProperties false.
    upstream: 'github-push-config.json unknown field',
    config: { path, tag: 'v1' },
    error: 'tag',
  },
];

/** How the remote target branch stands before the step (Kargo's setupTarget functions). */
export type TargetSetup =
  /** generateTargetBranch: the branch does not exist yet. */
  | 'new'
  /** The target branch is where the clone started: the two local commits are ahead. */
  | 'ahead'
  /** The target branch got a commit of its own after the clone. */
  | 'diverged'
  /** The target branch has both local commits and one more. */
  | 'behind'
  /** The target branch has exactly the local commits. */
  | 'identical';

/** GitHub's answers replaced for one row (Kargo's mockGitHubPushClient). */
export interface ApiTweak {
  getRef?: 'fail';
  compareCommits?: 'fail' | 'noTree' | { status: string };
  createCommit?: 'fail';
  /** `notFastForwardOnce`: the first update answers 422, as when the branch just moved. */
  updateRef?: 'fail' | 'notFastForwardOnce';
}

/**
 * One run of github-push on a repository of the GitHub double: a working tree of main with two
 * local commits, A (by "Someone Else") and B (by the tree's identity), as Kargo's integration
 * test makes them, the target branch set up as `target` says.
 */
export interface GitHubPushRunCase extends CompatRow {
  target?: TargetSetup;
  force?: boolean;
  /** Something about the working tree or the credentials. */
  arrange?:
    | 'missing-path'
    | 'credentials-fail'
    | 'no-credentials'
    | 'empty-password'
    | 'not-github-url'
    | 'conflict'
    | 'detached'
    | 'unreachable-push'
    | 'merge-commit';
  api?: ApiTweak;
  verifyUntrustedCommits?: boolean;
  maxRevisions?: number;
  maxAttempts?: number;
  /** A substring of the step's error; absent when the step succeeds. */
  error?: string;
  terminal?: boolean;
  /** After success: the replayed commits on the branch since its old head (or main). */
  commits?: Array<{ author?: string; verified: boolean; coAuthoredBy?: string }>;
  /** After success: the branch went back to the local head (force on a branch ahead). */
  branchAtLocalHead?: boolean;
  /** A log line saying an attempt was repeated. */
  retried?: string;
}

const A = { author: 'Someone Else', verified: false };
const B = { verified: false };
const coAuthoredA = { verified: true, coAuthoredBy: 'Someone Else <someone@else.com>' };
const verifiedB = { verified: true };

export const githubPushRunCases: GitHubPushRunCase[] = [
  {
    upstream: run('error loading work tree'),
    arrange: 'missing-path',
    error: 'is not a git working tree',
    terminal: true,
    differs: 'a path that is no working tree is a terminal error, as for every git step',
  },
  {
    upstream: run('error getting credentials'),
    arrange: 'credentials-fail',
    error: 'error getting credentials',
    terminal: false,
  },
  {
    upstream: run('no credentials found'),
    arrange: 'no-credentials',
    error: 'no credentials found',
    terminal: true,
  },
  {
    upstream: run('SSH key only'),
    skip: "Gantry's git credentials are a username and a password: there are no SSH keys to refuse",
  },
  {
    upstream: run('credentials with neither token nor SSH key'),
    arrange: 'empty-password',
    error: 'missing a password/token',
    terminal: true,
  },
  {
    upstream: run('valid credentials, fails at URL parsing'),
    arrange: 'not-github-url',
    error: 'error parsing repository URL',
    terminal: true,
    differs: 'a URL that names no owner/repository is terminal (Kargo: errored, then retried)',
  },
  {
    upstream: push('error integrating remote changes'),
    target: 'ahead',
    arrange: 'conflict',
    error: 'error integrating remote changes',
    terminal: true,
  },
  {
    upstream: push('error pushing to remote staging ref'),
    target: 'ahead',
    arrange: 'unreachable-push',
    error: 'error pushing to staging ref refs/kargo/staging/',
  },
  {
    upstream: push('error getting last commit ID'),
    skip: 'a mock fails `rev-parse HEAD` right after HEAD was pushed; real git cannot',
  },
  {
    upstream: push('error checking for target branch existence'),
    skip: 'a mock fails ls-remote right after a push to the same remote succeeded; real git cannot be made to',
  },
  {
    upstream: push('remote target branch does not exist; error getting current branch name'),
    target: 'new',
    arrange: 'detached',
    error: 'error getting current branch name',
    terminal: true,
  },
  {
    upstream: push('error getting base ref from API'),
    target: 'ahead',
    api: { getRef: 'fail' },
    error: 'error getting ref heads/',
  },
  {
    upstream: push('error comparing commits'),
    target: 'ahead',
    api: { compareCommits: 'fail' },
    error: 'error comparing commits',
  },
  { upstream: push('branches are identical'), target: 'identical', commits: [] },
  {
    upstream: push('source branch is behind; force is enabled; success via zero-commit replay'),
    target: 'behind',
    force: true,
    commits: [],
    branchAtLocalHead: true,
  },
  {
    upstream: push('source branch is behind; force is not enabled'),
    target: 'ahead',
    api: { compareCommits: { status: 'behind' } },
    maxAttempts: 1,
    error: 'source branch is behind target branch and force pushing is not enabled',
    terminal: false,
  },
  {
    upstream: push('branches have diverged; force is not enabled'),
    target: 'ahead',
    api: { compareCommits: { status: 'diverged' } },
    maxAttempts: 2,
    error: 'source and target branches have diverged and force pushing is not enabled',
    retried: 'trying again (attempt 2 of 2)',
  },
  {
    upstream: push('unexpected comparison status'),
    target: 'ahead',
    api: { compareCommits: { status: 'unexpected' } },
    error: 'unexpected comparison status "unexpected"',
    terminal: true,
  },
  {
    upstream: push(
      'source branch is ahead or branches have diverged; commits to replay exceed max',
    ),
    target: 'ahead',
    maxRevisions: 1,
    error: 'contains 2 commits, which exceeds the configured maximum of 1',
    terminal: true,
  },
  {
    upstream: push('source branch is ahead or branches have diverged; error replaying commits'),
    target: 'ahead',
    api: { compareCommits: 'noTree' },
    error: 'error replaying commits via GitHub API: commit 0 in range has missing tree information',
  },
  {
    upstream: push(
      'source branch is ahead or branches have diverged; error updating remote target ref',
    ),
    target: 'ahead',
    api: { updateRef: 'fail' },
    error: 'error updating target ref',
  },
  {
    upstream: push('source branch is ahead or branches have diverged; success'),
    target: 'ahead',
    commits: [A, B],
  },
  {
    upstream: replay('missing tree information'),
    target: 'new',
    api: { compareCommits: 'noTree' },
    error: 'missing tree information',
  },
  { upstream: replay('error getting signature info'), skip: NO_SIGNING },
  {
    upstream: replay('error creating commit via API'),
    target: 'ahead',
    api: { createCommit: 'fail' },
    error: 'error creating commit 1/2 (original: ',
  },
  {
    upstream: replay('success; SHA map chains parents across commits'),
    target: 'ahead',
    commits: [A, B],
  },
  {
    upstream: parents('multiple, mapped parents'),
    target: 'ahead',
    arrange: 'merge-commit',
    commits: [{ verified: false }, { verified: false }, { verified: false }],
  },
  {
    upstream: upsert('non-fast-forward'),
    target: 'ahead',
    api: { updateRef: 'notFastForwardOnce' },
    retried: 'not a fast forward',
    commits: [A, B],
  },
  { upstream: upsert('success creating new branch'), target: 'new', commits: [A, B] },
  { upstream: upsert('success updating existing branch'), target: 'ahead', commits: [A, B] },
  {
    upstream: retryable('retryable error'),
    target: 'ahead',
    api: { updateRef: 'notFastForwardOnce' },
    retried: 'trying again (attempt 2 of 10)',
    commits: [A, B],
  },
  {
    upstream: retryable('non-retryable error'),
    target: 'ahead',
    api: { updateRef: 'fail' },
    error: 'error updating ref heads/',
  },
  // Kargo's integration test against github.com: one row per case, the unsigned ones run here.
  { upstream: integration('case01'), skip: NO_SIGNING },
  { upstream: integration('case02'), skip: NO_SIGNING },
  { upstream: integration('case03'), target: 'new', commits: [A, B] },
  {
    upstream: integration('case04'),
    target: 'new',
    verifyUntrustedCommits: true,
    commits: [coAuthoredA, verifiedB],
  },
  { upstream: integration('case05'), skip: NO_SIGNING },
  { upstream: integration('case06'), skip: NO_SIGNING },
  { upstream: integration('case07'), target: 'ahead', commits: [A, B] },
  {
    upstream: integration('case08'),
    target: 'ahead',
    verifyUntrustedCommits: true,
    commits: [coAuthoredA, verifiedB],
  },
  { upstream: integration('case09'), skip: NO_SIGNING },
  { upstream: integration('case10'), skip: NO_SIGNING },
  { upstream: integration('case11'), skip: NO_SIGNING },
  { upstream: integration('case12'), skip: NO_SIGNING },
  {
    upstream: integration('case13'),
    target: 'diverged',
    commits: [A, B],
    differs:
      "integration always rebases (Kargo's default AlwaysRebase; the case sets RebaseOrMerge)",
  },
  { upstream: integration('case14'), target: 'diverged', force: true, commits: [A, B] },
  {
    upstream: integration('case15'),
    target: 'diverged',
    verifyUntrustedCommits: true,
    commits: [coAuthoredA, verifiedB],
  },
  {
    upstream: integration('case16'),
    target: 'diverged',
    force: true,
    verifyUntrustedCommits: true,
    commits: [coAuthoredA, verifiedB],
  },
  { upstream: integration('case17'), skip: NO_SIGNING },
  { upstream: integration('case18'), skip: NO_SIGNING },
  { upstream: integration('case19'), skip: NO_SIGNING },
  {
    upstream: integration('case20'),
    target: 'behind',
    commits: [],
    differs:
      "integration always rebases (Kargo's default AlwaysRebase; the case sets RebaseOrMerge)",
  },
  { upstream: integration('case21'), target: 'behind', commits: [] },
  {
    upstream: integration('case22'),
    target: 'behind',
    force: true,
    commits: [],
    branchAtLocalHead: true,
  },
];

/** Test_githubPusher_buildReplayCommit, on replayOf (Gantry's commits are never signed). */
export interface ReplayCommitCase extends CompatRow {
  author?: { name: string; email: string };
  verifyUntrustedCommits?: boolean;
  /** The replay keeps author and committer. */
  keepsIdentities?: boolean;
  coAuthoredBy?: string;
}

export const replayCommitCases: ReplayCommitCase[] = [
  {
    upstream: build('trusted commit with nil author'),
    verifyUntrustedCommits: true,
    keepsIdentities: false,
    differs: 'trust by signature does not exist; verifyUntrustedCommits takes the trusted path',
  },
  {
    upstream: build('trusted commit with different author'),
    author: { name: 'Alice', email: 'alice@example.com' },
    verifyUntrustedCommits: true,
    keepsIdentities: false,
    coAuthoredBy: 'Alice <alice@example.com>',
    differs: 'trust by signature does not exist; verifyUntrustedCommits takes the trusted path',
  },
  { upstream: build('trusted commit with same author'), skip: NO_SIGNING },
  {
    upstream: build('untrusted commit'),
    author: { name: 'Sally', email: 'sally@example.com' },
    verifyUntrustedCommits: false,
    keepsIdentities: true,
  },
  {
    upstream: parents('no parents'),
    skip: 'every replayed range is rooted at a merge base, so the step never meets a root commit; the single-parent rule is the run rows above',
  },
  {
    upstream: parents('single parent'),
    skip: 'the same rule as the run rows (each commit on the one recreated before it), checked there on real commits',
  },
];
