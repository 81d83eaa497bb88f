import type { GitConfigCase } from './git-step-case.js';

const convert = (name: string) => `git_tagger_test.go Test_gitTagger_convert ${name}`;

/** Kargo's git-tag config table (pkg/promotion/runner/builtin/git_tagger_test.go), as data. */
export const gitTagConfigCases: GitConfigCase[] = [
  {
    upstream: convert('path not specified'),
    config: { tag: 'v1.0.0', message: 'hello' },
    error: 'path',
  },
  {
    upstream: convert('path is empty string'),
    config: { path: '', tag: 'v1.0.0', message: 'hello' },
    error: 'path',
  },
  {
    upstream: convert('tag not specified'),
    config: { path: '/tmp/foo', message: 'hello' },
    error: 'tag',
  },
  {
    upstream: convert('tag is empty string'),
    config: { path: '/tmp/foo', tag: '', message: 'hello' },
    error: 'tag',
  },
  { upstream: convert('message not specified'), config: { path: '/tmp/foo' }, error: 'message' },
  {
    upstream: convert('message is empty string'),
    config: { path: '/tmp/foo', tag: 'v1.0.0', message: '' },
    error: 'message',
  },
  {
    upstream: convert('valid config'),
    config: { path: '/tmp/foo', tag: 'v1.0.0', message: 'hello' },
  },
  {
    upstream: convert('valid config with force'),
    config: { path: '/tmp/foo', tag: 'v1.0.0', message: 'hello', force: true },
  },
];
