import type { GitConfigCase } from './git-step-case.js';

const convert = (name: string) => `git_tree_clearer_test.go Test_gitTreeOverwriter_convert ${name}`;

/** Kargo's git-clear config table (pkg/promotion/runner/builtin/git_tree_clearer_test.go). */
export const gitClearConfigCases: GitConfigCase[] = [
  { upstream: convert('path not specified'), config: {}, error: 'path' },
  { upstream: convert('path is empty string'), config: { path: '' }, error: 'path' },
];
