import type { GitConfigCase } from './git-step-case.js';

const convert = (name: string) => `git_cloner_test.go Test_gitCloner_convert ${name}`;
const repoURL = 'https://github.com/example/repo.git';
const author = (fields: Record<string, unknown>) => ({
  repoURL,
  checkout: [{ path: '/fake/path/0' }],
  author: fields,
});

/** Kargo's git-clone config table (pkg/promotion/runner/builtin/git_cloner_test.go), as data. */
export const gitCloneConfigCases: GitConfigCase[] = [
  { upstream: convert('repoURL not specified'), config: {}, error: 'repoURL' },
  { upstream: convert('repoURL is empty string'), config: { repoURL: '' }, error: 'repoURL' },
  { upstream: convert('no checkout specified'), config: {}, error: 'checkout' },
  { upstream: convert('checkout is an empty array'), config: { checkout: [] }, error: 'checkout' },
  {
    upstream: convert('checkout path is not specified'),
    config: { checkout: [{}] },
    error: 'checkout[0].path',
  },
  {
    upstream: convert('checkout path is empty string'),
    config: { checkout: [{ path: '' }] },
    error: 'checkout[0].path',
  },
  {
    upstream: convert('branch and commit are both specified'),
    config: { checkout: [{ branch: 'fake-branch', commit: 'fake-commit' }] },
    error: 'set at most one of branch, commit and tag',
  },
  {
    upstream: convert('branch and tag are both specified'),
    config: { checkout: [{ branch: 'fake-branch', tag: 'fake-tag' }] },
    error: 'set at most one of branch, commit and tag',
  },
  {
    upstream: convert('commit and tag are both specified'),
    config: { checkout: [{ commit: 'fake-commit', tag: 'fake-tag' }] },
    error: 'set at most one of branch, commit and tag',
  },
  {
    upstream: convert('duplicate aliases'),
    config: {
      repoURL,
      checkout: [
        { as: 'alias1', path: '/fake/path/0' },
        { as: 'alias1', path: '/fake/path/1' },
      ],
    },
    error: 'duplicate checkout alias "alias1"',
  },
  {
    upstream: convert('author name is missing'),
    config: author({ email: 'tony@starkindustries.com' }),
    error: 'author.name',
  },
  {
    upstream: convert('author name is empty'),
    config: author({ name: '', email: 'tony@starkindustries.com' }),
    error: 'author.name',
  },
  {
    upstream: convert('author email is missing'),
    config: author({ name: 'Tony Stark' }),
    error: 'author.email',
  },
  {
    upstream: convert('author email is empty'),
    config: author({ name: 'Tony Stark', email: '' }),
    error: 'author.email',
  },
  {
    upstream: convert('signingKey is missing'),
    config: author({ name: 'Tony Stark', email: 'tony@starkindustries.com' }),
  },
  {
    upstream: convert('signingKey is empty string'),
    config: author({ name: 'Tony Stark', email: 'tony@starkindustries.com', signingKey: '' }),
  },
  {
    upstream: convert('valid kitchen sink'),
    config: {
      repoURL,
      checkout: [
        { path: '/fake/path/0' },
        { branch: '', commit: '', tag: '', path: '/fake/path/1' },
        { branch: 'fake-branch', path: '/fake/path/2' },
        { branch: 'fake-branch', commit: '', tag: '', path: '/fake/path/3' },
        { commit: 'fake-commit', path: '/fake/path/4' },
        { branch: '', commit: 'fake-commit', tag: '', path: '/fake/path/5' },
        { tag: 'fake-tag', path: '/fake/path/6' },
        { branch: '', commit: '', tag: 'fake-tag', path: '/fake/path/7' },
        { path: '/fake/path/8', as: 'alias1' },
        { branch: '', commit: '', tag: '', path: '/fake/path/9', as: 'alias2' },
        { path: '/fake/path/10' },
      ],
    },
  },
];
