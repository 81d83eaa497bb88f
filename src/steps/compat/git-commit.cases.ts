import type { GitConfigCase } from './git-step-case.js';

const convert = (name: string) => `git_commiter_test.go Test_gitCommitter_convert ${name}`;
const valid = { path: '/tmp/foo', message: 'fake commit message' };

/** Kargo's git-commit config table (pkg/promotion/runner/builtin/git_commiter_test.go), as data. */
export const gitCommitConfigCases: GitConfigCase[] = [
  {
    upstream: convert('path not specified'),
    config: { message: 'fake commit message' },
    error: 'path',
  },
  { upstream: convert('path is empty string'), config: { path: '' }, error: 'path' },
  { upstream: convert('message is not specified'), config: { path: '/tmp/foo' }, error: 'message' },
  { upstream: convert('message is empty string'), config: { message: '' }, error: 'message' },
  { upstream: convert('author is not specified'), config: valid },
  {
    upstream: convert('author email is not specified'),
    config: { ...valid, author: { name: 'Tony Stark' } },
    error: 'author.email',
  },
  {
    upstream: convert('author email is empty string'),
    config: { ...valid, author: { name: 'Tony Stark', email: '' } },
    error: 'author.email',
  },
  {
    upstream: convert('author name is not specified'),
    config: { ...valid, author: { email: 'example@example.com' } },
    error: 'author.name',
  },
  {
    upstream: convert('author name is empty string'),
    config: { ...valid, author: { name: '', email: 'example@example.com' } },
    error: 'author.name',
  },
  {
    upstream: convert('author signingKey is empty string'),
    config: {
      ...valid,
      author: { name: 'Tony Stark', email: 'tony@starkindustries.com', signingKey: '' },
    },
  },
  {
    upstream: convert('author signingKey is missing'),
    config: { ...valid, author: { name: 'Tony Stark', email: 'tony@starkindustries.com' } },
  },
  {
    upstream: convert('valid kitchen sink'),
    config: {
      ...valid,
      author: {
        email: 'tony@starkindustries.com',
        name: 'Tony Stark',
        signingKey: 'valid-signing-key',
      },
    },
  },
];
