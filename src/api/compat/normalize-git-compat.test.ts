import { describe, expect, it } from 'vitest';
import { normalizeGitUrl } from '../repo-urls.js';
import { normalizeGitCases } from './normalize-git.cases.js';

describe('Git URLs normalised as Kargo (pkg/urls/git_test.go TestNormalizeGit)', () => {
  it.each(normalizeGitCases)('%s → %s', (input, normalized) => {
    expect(normalizeGitUrl(input)).toBe(normalized);
  });

  it('lower-cases what it normalises, and drops unprintable characters and blanks', () => {
    expect(normalizeGitUrl(' https://GitHub.com/Example/Repo.git\u0007 ')).toBe(
      'https://github.com/example/repo',
    );
  });
});
