import type { GitProviderName } from '../commit-url.js';

/**
 * Kargo's git providers' GetCommitURL tables (pkg/gitprovider/<provider>/*_test.go
 * Test_provider_GetCommitURL / TestGetCommitURL), as data: each upstream case calls one
 * provider's method, so the provider is named here. Then which provider git-push picks for a
 * URL when `provider` is not set (pkg/gitprovider registry predicates, git_pusher.go).
 */
export const commitUrlCases: Array<{
  upstream: string;
  repoURL: string;
  provider?: GitProviderName;
  commitURL: string | undefined;
}> = [
  ...(
    [
      [
        'azure/azure_test.go',
        'azure',
        'ssh://git@ssh.dev.azure.com/akuity/_git/kargo',
        'https://dev.azure.com/akuity/_git/kargo/commit/sha',
      ],
      [
        'azure/azure_test.go',
        'azure',
        'git@ssh.dev.azure.com:v3/akuity/_git/kargo',
        'https://dev.azure.com/akuity/_git/kargo/commit/sha',
      ],
      [
        'azure/azure_test.go',
        'azure',
        'http://dev.azure.com/akuity/_git/kargo',
        'https://dev.azure.com/akuity/_git/kargo/commit/sha',
      ],
      [
        'bitbucket/cloud/provider_test.go',
        'bitbucket',
        'ssh://git@bitbucket.org/akuity/kargo.git',
        'https://bitbucket.org/akuity/kargo/commits/sha',
      ],
      [
        'bitbucket/cloud/provider_test.go',
        'bitbucket',
        'git@bitbucket.org:akuity/kargo.git',
        'https://bitbucket.org/akuity/kargo/commits/sha',
      ],
      [
        'bitbucket/cloud/provider_test.go',
        'bitbucket',
        'https://username@bitbucket.org/akuity/kargo',
        'https://bitbucket.org/akuity/kargo/commits/sha',
      ],
      [
        'bitbucket/cloud/provider_test.go',
        'bitbucket',
        'http://bitbucket.org/akuity/kargo.git',
        'https://bitbucket.org/akuity/kargo/commits/sha',
      ],
      [
        'gitea/gitea_test.go',
        'gitea',
        'http://gitea.com/akuity/kargo',
        'https://gitea.com/akuity/kargo/commit/sha',
      ],
      [
        'gitea/gitea_test.go',
        'gitea',
        'ssh://git@gitea.com/akuity/kargo',
        'https://gitea.com/akuity/kargo/commit/sha',
      ],
      [
        'gitea/gitea_test.go',
        'gitea',
        'git@gitea.com:akuity/kargo',
        'https://gitea.com/akuity/kargo/commit/sha',
      ],
      [
        'gitea/gitea_test.go',
        'gitea',
        'git@custom.host.com:akuity/kargo',
        'https://custom.host.com/akuity/kargo/commit/sha',
      ],
      [
        'gitea/gitea_test.go',
        'gitea',
        'http://custom.host.com/akuity/kargo',
        'https://custom.host.com/akuity/kargo/commit/sha',
      ],
      [
        'github/github_test.go',
        'github',
        'ssh://git@github.com/akuity/kargo.git',
        'https://github.com/akuity/kargo/commit/sha',
      ],
      [
        'github/github_test.go',
        'github',
        'git@github.com:akuity/kargo.git',
        'https://github.com/akuity/kargo/commit/sha',
      ],
      [
        'github/github_test.go',
        'github',
        'https://username@github.com/akuity/kargo',
        'https://github.com/akuity/kargo/commit/sha',
      ],
      [
        'github/github_test.go',
        'github',
        'http://github.com/akuity/kargo.git',
        'https://github.com/akuity/kargo/commit/sha',
      ],
      [
        'gitlab/gitlab_test.go',
        'gitlab',
        'ssh://git@gitlab.com/akuity/kargo.git',
        'https://gitlab.com/akuity/kargo/-/commit/sha',
      ],
      [
        'gitlab/gitlab_test.go',
        'gitlab',
        'git@gitlab.com:akuity/kargo.git',
        'https://gitlab.com/akuity/kargo/-/commit/sha',
      ],
      [
        'gitlab/gitlab_test.go',
        'gitlab',
        'http://gitlab.com/akuity/kargo',
        'https://gitlab.com/akuity/kargo/-/commit/sha',
      ],
    ] as Array<[string, GitProviderName, string, string]>
  ).map(([file, provider, repoURL, commitURL]) => ({
    upstream: `pkg/gitprovider/${file} GetCommitURL ${repoURL}`,
    repoURL,
    provider,
    commitURL,
  })),
  // Which provider a URL picks (the registry's predicates), without `provider`.
  ...(
    [
      ['https://github.com/akuity/kargo.git', 'https://github.com/akuity/kargo/commit/sha'],
      [
        'https://github.example.com/akuity/kargo',
        'https://github.example.com/akuity/kargo/commit/sha',
      ],
      ['https://acme.ghe.com/akuity/kargo', 'https://acme.ghe.com/akuity/kargo/commit/sha'],
      [
        'https://gitlab.acme.io/group/sub/kargo.git',
        'https://gitlab.acme.io/group/sub/kargo/-/commit/sha',
      ],
      ['https://bitbucket.org/akuity/kargo', 'https://bitbucket.org/akuity/kargo/commits/sha'],
      [
        'https://dev.azure.com/akuity/_git/kargo',
        'https://dev.azure.com/akuity/_git/kargo/commit/sha',
      ],
      ['https://gitea.acme.io/akuity/kargo', 'https://gitea.acme.io/akuity/kargo/commit/sha'],
      // Go's url.Parse reads no host in an SCP-style address: no provider is found.
      ['git@github.com:akuity/kargo.git', undefined],
      ['https://git.acme.io/akuity/kargo', undefined],
      ['http://127.0.0.1:8080/akuity/kargo.git', undefined],
    ] as Array<[string, string | undefined]>
  ).map(([repoURL, commitURL]) => ({
    upstream: `pkg/gitprovider/registry.go New (predicates) ${repoURL}`,
    repoURL,
    commitURL,
  })),
];
