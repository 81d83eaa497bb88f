/**
 * Kargo's pkg/urls/git_test.go TestNormalizeGit as data: input → normalised URL (what Kargo
 * compares Git repositories by: subscriptions, Freight origins, commitFrom, credentials).
 */
export const normalizeGitCases: Array<[input: string, normalized: string]> = [
  // What cannot be normalised comes back as given.
  ['https://not a url', 'https://not a url'],
  ['http://github.com/example/repo?foo=bar', 'http://github.com/example/repo?foo=bar'],
  ['ssh://not a url', 'ssh://not a url'],
  ['ssh://github.com/example/repo?foo=bar', 'ssh://github.com/example/repo?foo=bar'],
  ['not even remotely a url', 'not even remotely a url'],
  // http(s), with and without credentials, port, .git and trailing slash.
  ['https://github.com', 'https://github.com'],
  ['https://github.com/', 'https://github.com'],
  ['https://foo:bar@github.com', 'https://github.com'],
  ['https://foo:bar@github.com/', 'https://github.com'],
  ...variants('https://', 'github.com/example/repo', 'https://github.com/example/repo'),
  ...variants('https://', 'localhost:8443/example/repo', 'https://localhost:8443/example/repo'),
  ...variants('https://foo:bar@', 'github.com/example/repo', 'https://github.com/example/repo'),
  ...variants(
    'https://foo:bar@',
    'localhost:8443/example/repo',
    'https://localhost:8443/example/repo',
  ),
  // ssh://, the user kept.
  ['ssh://git.example.com', 'ssh://git.example.com'],
  ['ssh://git.example.com/', 'ssh://git.example.com'],
  ['ssh://git@git.example.com', 'ssh://git@git.example.com'],
  ['ssh://git@git.example.com/', 'ssh://git@git.example.com'],
  ...variants('ssh://', 'github.com/example/repo', 'ssh://github.com/example/repo'),
  ...variants('ssh://', 'localhost:2222/example/repo', 'ssh://localhost:2222/example/repo'),
  ...variants('ssh://git@', 'github.com/example/repo', 'ssh://git@github.com/example/repo'),
  ...variants('ssh://git@', 'localhost:2222/example/repo', 'ssh://git@localhost:2222/example/repo'),
  // SCP-style.
  ['git.example.com', 'ssh://git.example.com'],
  ['git@git.example.com', 'ssh://git@git.example.com'],
  ...variants('', 'github.com:example/repo', 'ssh://github.com/example/repo'),
  ...variants('git@', 'github.com:example/repo', 'ssh://git@github.com/example/repo'),
];

/** The four spellings upstream lists for one repository: plain, `/`, `.git`, `.git/`. */
function variants(prefix: string, repo: string, normalized: string): Array<[string, string]> {
  return ['', '/', '.git', '.git/'].map((suffix) => [`${prefix}${repo}${suffix}`, normalized]);
}
