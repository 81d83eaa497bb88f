import type { GitConfigCase } from './git-step-case.js';

const convert = (name: string) => `git_pusher_test.go Test_gitPusher_convert ${name}`;
const path = '/fake/path';
const exclusive = 'set at most one of targetBranch, generateTargetBranch and tag';

/** Kargo's git-push config table (pkg/promotion/runner/builtin/git_pusher_test.go), as data. */
export const gitPushConfigCases: GitConfigCase[] = [
  { upstream: convert('path not specified'), config: {}, error: 'path' },
  { upstream: convert('path is empty string'), config: { path: '' }, error: 'path' },
  { upstream: convert('maxAttempts < 1'), config: { maxAttempts: 0 }, error: 'maxAttempts' },
  {
    upstream: convert('maxAttempts > 2147483647'),
    config: { path, maxAttempts: 2147483648 },
    error: 'maxAttempts',
  },
  {
    // Not an upstream row: the largest value Kargo's schema accepts.
    upstream: 'git-push-config.json maxAttempts maximum 2147483647',
    config: { path, maxAttempts: 2147483647 },
  },
  {
    upstream: convert('just generateTargetBranch is true'),
    config: { path, generateTargetBranch: true },
  },
  {
    upstream: convert('generateTargetBranch is true and targetBranch is empty string'),
    config: { path, generateTargetBranch: true, targetBranch: '' },
  },
  {
    upstream: convert('generateTargetBranch is true and targetBranch is specified'),
    config: { path, generateTargetBranch: true, targetBranch: 'fake-branch' },
    error: exclusive,
  },
  {
    upstream: convert('generateTargetBranch, targetBranch, and tag not specified'),
    config: { path },
  },
  {
    upstream: convert('generateTargetBranch not specified and targetBranch is empty string'),
    config: { path, targetBranch: '' },
  },
  {
    upstream: convert('generateTargetBranch not specified and targetBranch is specified'),
    config: { path, targetBranch: 'fake-branch' },
  },
  {
    upstream: convert('just generateTargetBranch is false'),
    config: { path, generateTargetBranch: false },
  },
  {
    upstream: convert('generateTargetBranch is false and targetBranch is empty string'),
    config: { path, generateTargetBranch: false, targetBranch: '' },
  },
  {
    upstream: convert('generateTargetBranch is false and targetBranch is specified'),
    config: { path, targetBranch: 'fake-branch' },
  },
  { upstream: convert('force is true'), config: { path, force: true } },
  { upstream: convert('force is false'), config: { path, force: false } },
  {
    upstream: convert('tag and generateTargetBranch both specified'),
    config: { path, generateTargetBranch: true, tag: 'v1.0.0' },
    error: exclusive,
  },
  {
    upstream: convert('tag and targetBranch both specified'),
    config: { path, targetBranch: 'fake-branch', tag: 'v1.0.0' },
    error: exclusive,
  },
  {
    // Not an upstream row: the schema's third branch (a tag) requires force to be false.
    upstream: 'git-push-config.json tag with force',
    config: { path, tag: 'v1.0.0', force: true },
    error: 'force',
  },
  {
    // Not an upstream row: the schema's provider enum.
    upstream: 'git-push-config.json provider enum',
    config: { path, provider: 'sourcehut' },
    error: 'provider',
  },
  {
    upstream: 'git-push-config.json provider enum (a known provider)',
    config: { path, provider: 'gitea' },
  },
];
