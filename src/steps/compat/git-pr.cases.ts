import type { StepStatus } from '../../engine/step.js';
import type { GitForge, PullRequest } from '../../forges/forge.js';
import type { GitConfigCase } from './git-step-case.js';
import type { CompatRow } from './row-case.js';

const opener = (name: string) => `git_pr_opener_test.go Test_gitPROpener_convert ${name}`;
const waiter = (name: string) => `git_pr_waiter_test.go Test_gitPRWaiter_convert ${name}`;
const merger = (name: string) => `git_pr_merger_test.go Test_gitPRMerger_convert ${name}`;
const repoURL = 'https://github.com/example/repo.git';
const branches = { sourceBranch: 'fake-branch', targetBranch: 'another-fake-branch' };

/** Gantry's schema takes prNumber 0 (a plan's), the step refuses it when run: see the run rows. */
export const PR_NUMBER_ZERO =
  "prNumber 0 passes the schema (a plan's pull request has no number yet) and the step refuses it when run";
const TRANSIENT_RETRIED =
  'a transient host error (5xx, rate limit) is retried up to errorThreshold; Kargo fails at once';
const TARGET_MISSING_TERMINAL =
  'a missing target branch is a terminal error (retrying cannot create it); Kargo answers Errored';
const POLL_FLOOR = 'a pollInterval under a second is taken as one second; Kargo takes any';
const LISTS_ANY_STATE =
  'the pull requests looked for first are listed in any state, so a merged one is adopted after a crash; Kargo lists open ones';

/** Kargo's git-open-pr config table (schemas/git-open-pr-config.json), as data. */
export const gitOpenPrConfigCases: GitConfigCase[] = [
  { upstream: opener('repoURL not specified'), config: {}, error: 'repoURL:' },
  { upstream: opener('repoURL is empty string'), config: { repoURL: '' }, error: 'repoURL:' },
  { upstream: opener('targetBranch not specified'), config: {}, error: 'targetBranch:' },
  {
    upstream: opener('targetBranch is empty string'),
    config: { targetBranch: '' },
    error: 'targetBranch:',
  },
  {
    upstream: opener('sourceBranch is empty string'),
    config: { sourceBranch: '' },
    error: 'sourceBranch:',
  },
  {
    upstream: opener('provider is an invalid value'),
    config: { provider: 'bogus' },
    error: 'provider:',
  },
  { upstream: opener('valid without explicit provider'), config: { repoURL, ...branches } },
  {
    upstream: opener('valid with explicit provider'),
    config: { provider: 'github', repoURL, ...branches },
  },
  {
    upstream: opener('valid with custom title'),
    config: { provider: 'github', repoURL, ...branches, title: 'custom title' },
  },
  {
    upstream: opener('invalid with empty title'),
    config: { provider: 'github', repoURL, ...branches, title: '' },
    error: 'title:',
  },
  {
    upstream: opener('valid with custom description'),
    config: { provider: 'github', repoURL, ...branches, description: 'custom description' },
  },
  {
    upstream: opener('invalid with empty description'),
    config: { provider: 'github', repoURL, ...branches, description: '' },
    error: 'description:',
  },
];

/** The config rows git-wait-for-pr and git-merge-pr share, named after the one or the other test. */
const numberedPrConfigCases = (name: (row: string) => string): GitConfigCase[] => [
  { upstream: name('repoURL not specified'), config: {}, error: 'repoURL:' },
  { upstream: name('repoURL is empty string'), config: { repoURL: '' }, error: 'repoURL:' },
  { upstream: name('prNumber not specified'), config: { repoURL }, error: 'prNumber:' },
  {
    upstream: name('prNumber is less than 1'),
    // Kargo's row has no repoURL; with one, Gantry's schema takes the 0.
    config: { repoURL, prNumber: 0 },
    differs: PR_NUMBER_ZERO,
  },
  {
    // Below 0 is refused by the schema, with Kargo's words.
    upstream: `${name('prNumber is less than 1')} [-1]`,
    config: { repoURL, prNumber: -1 },
    error: 'prNumber: Must be greater than or equal to 1',
  },
  {
    upstream: name('provider is an invalid value'),
    config: { provider: 'bogus' },
    error: 'provider:',
  },
  { upstream: name('valid without explicit provider'), config: { prNumber: 42, repoURL } },
  {
    upstream: name('valid with explicit provider'),
    config: { provider: 'github', prNumber: 42, repoURL },
  },
  {
    upstream: name('pollInterval is not a valid duration'),
    config: { prNumber: 42, repoURL, pollInterval: 'soon' },
    error: 'pollInterval: Does not match pattern',
  },
];

/** Kargo's git-wait-for-pr config table (schemas/git-wait-for-pr-config.json), as data. */
export const gitWaitForPrConfigCases: GitConfigCase[] = [
  ...numberedPrConfigCases(waiter),
  {
    upstream: waiter('valid with pollInterval'),
    config: { prNumber: 42, repoURL, pollInterval: '1m' },
  },
];

/** Kargo's git-merge-pr config table (schemas/git-merge-pr-config.json), as data. */
export const gitMergePrConfigCases: GitConfigCase[] = [
  ...numberedPrConfigCases(merger),
  {
    upstream: merger('valid with wait enabled'),
    config: { provider: 'github', prNumber: 42, repoURL, wait: true },
  },
  {
    upstream: merger('valid with merge method'),
    config: { provider: 'github', prNumber: 42, repoURL, mergeMethod: 'squash' },
  },
  {
    upstream: merger('valid with pollInterval'),
    config: { prNumber: 42, repoURL, wait: true, pollInterval: '30s' },
  },
];

/**
 * A host's failure, as Kargo's fake provider scripts it. Without `status`, a plain error (Go's
 * errors.New: a failure that is not the host's answer); with one, the ForgeError an adapter
 * throws for that answer.
 */
export interface HostFailure {
  fails: string;
  status?: number;
  transient?: boolean;
}

/** A pull request as a case gives it: fields left out are Go's zero values. */
export type ScriptedPullRequest = Partial<PullRequest>;

/** What the scripted host answers (Kargo's gitprovider.Fake functions); unscripted calls fail. */
export interface HostScript {
  listPullRequests?: ScriptedPullRequest[] | HostFailure;
  createPullRequest?: ScriptedPullRequest | HostFailure;
  getPullRequest?: ScriptedPullRequest | HostFailure;
  mergePullRequest?:
    { merged: false } | { merged: true; pullRequest: ScriptedPullRequest } | HostFailure;
}

export type PrStepKind = 'git-open-pr' | 'git-wait-for-pr' | 'git-merge-pr';

/** What the step answers: an outcome, or a StepError. */
export type PrExpectation =
  | {
      status: StepStatus;
      /** Matched as a subset (Kargo's tests look at some keys). */
      output?: Record<string, unknown>;
      /** Output keys that must be absent. */
      without?: string[];
      /** No output at all (Kargo: require.Nil(res.Output)). */
      noOutput?: boolean;
      retryAfterMs?: number;
      message?: string;
    }
  | { terminal: boolean; contains: string[] };

/** One run case of Kargo's pull-request step tests, with its host's scripted answers. */
export interface PrRunCase extends CompatRow {
  step: PrStepKind;
  /** git-open-pr: repoURL is the test git server's repository (set by the runner). */
  config: Record<string, unknown>;
  /**
   * git-open-pr: the repository as Kargo's test left it. `source` always holds one commit;
   * `target` is missing, the same commit, or that commit plus one more ("my commit msg").
   */
  target?: 'missing' | 'same' | 'changed';
  host: HostScript;
  expect: PrExpectation;
  /** Calls the host must have seen, in order (arguments matched as subsets). */
  calls?: Array<{ method: keyof GitForge; args: unknown[] }>;
}

const openRun = (name: string) => `git_pr_opener_test.go Test_gitPROpener_run ${name}`;
const waitRun = (name: string) => `git_pr_waiter_test.go Test_gitPRWaiter_run ${name}`;
const mergeRun = (name: string) => `git_pr_merger_test.go Test_gitPRMerger_run ${name}`;
const sorted = 'git_pr_opener_test.go Test_gitPROpener_sortPullRequests';
const prURL = 'https://github.com/example/repo/pull/42';
const newer = '2026-11-22T10:00:00Z';
const older = '2026-11-22T09:00:00Z';
/** Kargo's sort table, in the order opposite to the one it sorts them into. */
const sortTable: ScriptedPullRequest[] = [
  { number: 6, open: false, merged: false, createdAt: older },
  { number: 5, open: false, merged: false, createdAt: newer },
  { number: 4, open: false, merged: true, createdAt: older },
  { number: 3, open: false, merged: true, createdAt: newer },
  { number: 2, open: true, merged: false, createdAt: older },
  { number: 1, open: true, merged: false, createdAt: newer },
];
const opened = { number: 42, url: 'http://example.com/pull/42' };
const openConfig = { sourceBranch: 'source', targetBranch: 'target' };

/**
 * Kargo's git-open-pr run cases: its fake host lists no pull requests and opens number 42; the
 * branches are on a real repository (Kargo's gitkit server, here test/git-server.ts). Kargo's
 * sortPullRequests table runs as which listed pull request is adopted.
 */
export const gitOpenPrRunCases: PrRunCase[] = [
  {
    upstream: openRun('fail when remote target branch does not exist'),
    differs: TARGET_MISSING_TERMINAL,
    step: 'git-open-pr',
    config: openConfig,
    target: 'missing',
    host: { listPullRequests: [], createPullRequest: opened },
    expect: { terminal: true, contains: ['target branch "target" does not exist'] },
  },
  {
    upstream: openRun('skip when target branch exists but has no changes'),
    step: 'git-open-pr',
    config: openConfig,
    target: 'same',
    host: { listPullRequests: [], createPullRequest: opened },
    expect: { status: 'Skipped' },
  },
  {
    upstream: openRun('successfully opens PR when target branch exists and has changes'),
    step: 'git-open-pr',
    config: {
      ...openConfig,
      createTargetBranch: true,
      title: 'kargo',
      description: 'kargo description',
    },
    target: 'changed',
    host: { listPullRequests: [], createPullRequest: opened },
    expect: { status: 'Succeeded', output: { pr: { id: 42, url: 'http://example.com/pull/42' } } },
    calls: [
      { method: 'listPullRequests', args: [{ head: 'source', base: 'target' }] },
      {
        method: 'createPullRequest',
        args: [
          { head: 'source', base: 'target', title: 'kargo', description: 'kargo description' },
        ],
      },
    ],
  },
  {
    upstream: `${openRun('successfully opens PR when target branch exists and has changes')} [the pull requests looked for first]`,
    differs: LISTS_ANY_STATE,
    step: 'git-open-pr',
    config: openConfig,
    target: 'changed',
    host: { listPullRequests: [], createPullRequest: opened },
    expect: { status: 'Succeeded', output: { pr: { id: 42 } } },
    calls: [
      { method: 'listPullRequests', args: [{ state: 'any', head: 'source', base: 'target' }] },
      { method: 'createPullRequest', args: [{ head: 'source', base: 'target' }] },
    ],
  },
  {
    upstream: `${sorted} [open first, newest first: #1 adopted]`,
    step: 'git-open-pr',
    config: openConfig,
    target: 'changed',
    host: { listPullRequests: sortTable.map((pr) => ({ ...pr, url: `${prURL}#${pr.number}` })) },
    expect: { status: 'Succeeded', output: { pr: { id: 1, url: `${prURL}#1` } } },
    calls: [{ method: 'listPullRequests', args: [{}] }],
  },
  {
    upstream: `${sorted} [merged before closed, newest first: #3 adopted]`,
    step: 'git-open-pr',
    config: openConfig,
    target: 'changed',
    host: { listPullRequests: sortTable.slice(0, 4) },
    expect: { status: 'Succeeded', output: { pr: { id: 3 } } },
    calls: [{ method: 'listPullRequests', args: [{}] }],
  },
  {
    upstream: `${sorted} [closed and not merged: none adopted, a new one opened]`,
    step: 'git-open-pr',
    config: openConfig,
    target: 'changed',
    host: { listPullRequests: sortTable.slice(0, 2), createPullRequest: opened },
    expect: { status: 'Succeeded', output: { pr: { id: 42 } } },
    calls: [
      { method: 'listPullRequests', args: [{}] },
      { method: 'createPullRequest', args: [{ head: 'source', base: 'target' }] },
    ],
  },
];

/**
 * Kargo's git-wait-for-pr run cases. Kargo runs them with a zero config (its fake host takes
 * any number); here they name pull request 42, since Gantry refuses a 0 when run.
 */
const waitConfig = { repoURL, prNumber: 42 };
export const gitWaitForPrRunCases: PrRunCase[] = [
  {
    upstream: waitRun('error finding PR'),
    step: 'git-wait-for-pr',
    config: waitConfig,
    host: { getPullRequest: { fails: 'something went wrong' } },
    expect: { terminal: false, contains: ['error getting pull request', 'something went wrong'] },
  },
  {
    upstream: waitRun('PR is open'),
    step: 'git-wait-for-pr',
    config: waitConfig,
    host: { getPullRequest: { number: 42, url: prURL, open: true, merged: false } },
    expect: {
      status: 'Running',
      output: { pr: { id: 42, url: prURL, open: true, merged: false } },
      without: ['commit'],
      retryAfterMs: 30_000,
    },
    calls: [{ method: 'getPullRequest', args: [42] }],
  },
  {
    upstream: waitRun('PR is open with explicit pollInterval'),
    step: 'git-wait-for-pr',
    config: { ...waitConfig, pollInterval: '90s' },
    host: { getPullRequest: { number: 42, open: true, merged: false } },
    expect: { status: 'Running', retryAfterMs: 90_000 },
  },
  {
    upstream: `${waitRun('PR is open with explicit pollInterval')} [500ms]`,
    differs: POLL_FLOOR,
    step: 'git-wait-for-pr',
    config: { ...waitConfig, pollInterval: '500ms' },
    host: { getPullRequest: { number: 42, open: true, merged: false } },
    expect: { status: 'Running', retryAfterMs: 1000 },
  },
  {
    upstream: waitRun('PR is closed and not merged'),
    step: 'git-wait-for-pr',
    config: waitConfig,
    host: { getPullRequest: { number: 42, url: prURL, open: false, merged: false } },
    // Kargo: Failed, a terminal error, and the pull request in the output all the same.
    expect: {
      status: 'Failed',
      message: 'pull request 42 was closed without being merged',
      output: { pr: { id: 42, url: prURL, open: false, merged: false } },
    },
  },
  {
    upstream: waitRun('PR is closed and merged'),
    step: 'git-wait-for-pr',
    config: waitConfig,
    host: {
      getPullRequest: {
        number: 42,
        url: prURL,
        open: false,
        merged: true,
        mergeCommitSha: 'abc123def456',
      },
    },
    expect: {
      status: 'Succeeded',
      output: { pr: { id: 42, url: prURL, open: false, merged: true }, commit: 'abc123def456' },
    },
  },
  {
    upstream: waiter('prNumber is less than 1'),
    differs: PR_NUMBER_ZERO,
    step: 'git-wait-for-pr',
    config: { repoURL, prNumber: 0 },
    host: {},
    expect: { terminal: true, contains: ['prNumber: Must be greater than or equal to 1'] },
    calls: [],
  },
];

const mergeConfig = { repoURL, prNumber: 42 };
/** Kargo's git-merge-pr run cases. */
export const gitMergePrRunCases: PrRunCase[] = [
  {
    // An authentication failure is the host's 401: terminal, as Kargo fails on any error.
    upstream: mergeRun('error during merge attempt'),
    step: 'git-merge-pr',
    config: mergeConfig,
    host: { mergePullRequest: { fails: 'authentication failed', status: 401, transient: false } },
    expect: {
      status: 'Failed',
      message: 'error merging pull request 42: authentication failed',
    },
  },
  {
    upstream: `${mergeRun('error during merge attempt')} [the host answers 503]`,
    differs: TRANSIENT_RETRIED,
    step: 'git-merge-pr',
    config: mergeConfig,
    host: { mergePullRequest: { fails: 'Service Unavailable', status: 503, transient: true } },
    expect: { terminal: false, contains: ['error merging pull request 42', 'Service Unavailable'] },
  },
  {
    upstream: mergeRun('PR not ready to merge with wait enabled'),
    step: 'git-merge-pr',
    config: { ...mergeConfig, wait: true },
    host: { mergePullRequest: { merged: false } },
    expect: { status: 'Running', noOutput: true, retryAfterMs: 10_000 },
  },
  {
    upstream: mergeRun('PR not ready to merge with wait and explicit pollInterval'),
    step: 'git-merge-pr',
    config: { ...mergeConfig, wait: true, pollInterval: '45s' },
    host: { mergePullRequest: { merged: false } },
    expect: { status: 'Running', retryAfterMs: 45_000 },
  },
  {
    upstream: mergeRun('PR not ready to merge with wait disabled'),
    step: 'git-merge-pr',
    config: { ...mergeConfig, wait: false },
    host: { mergePullRequest: { merged: false } },
    expect: {
      status: 'Failed',
      message: 'pull request 42 is not ready to merge and wait is disabled',
    },
  },
  {
    upstream: mergeRun('PR number validation'),
    step: 'git-merge-pr',
    config: { repoURL, prNumber: 123 },
    host: { mergePullRequest: { merged: true, pullRequest: { mergeCommitSha: 'commit456' } } },
    expect: { status: 'Succeeded', output: { commit: 'commit456' } },
    calls: [{ method: 'mergePullRequest', args: [123] }],
  },
  {
    upstream: mergeRun('successful merge with empty merge commit SHA'),
    step: 'git-merge-pr',
    config: mergeConfig,
    host: { mergePullRequest: { merged: true, pullRequest: { mergeCommitSha: '' } } },
    expect: { status: 'Succeeded', output: { commit: '' } },
  },
  {
    upstream: mergeRun('successful PR merge'),
    step: 'git-merge-pr',
    config: mergeConfig,
    host: { mergePullRequest: { merged: true, pullRequest: { mergeCommitSha: 'abc123' } } },
    expect: { status: 'Succeeded', output: { commit: 'abc123' } },
  },
  {
    upstream: mergeRun('successful merge with explicit method'),
    step: 'git-merge-pr',
    config: { ...mergeConfig, mergeMethod: 'squash' },
    host: { mergePullRequest: { merged: true, pullRequest: { mergeCommitSha: 'squash123' } } },
    expect: { status: 'Succeeded', output: { commit: 'squash123' } },
    calls: [{ method: 'mergePullRequest', args: [42, { method: 'squash' }] }],
  },
  {
    upstream: merger('prNumber is less than 1'),
    differs: PR_NUMBER_ZERO,
    step: 'git-merge-pr',
    config: { repoURL, prNumber: 0 },
    host: {},
    expect: { terminal: true, contains: ['prNumber: Must be greater than or equal to 1'] },
    calls: [],
  },
];
