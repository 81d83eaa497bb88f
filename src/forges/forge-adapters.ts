import type { ForgeOptions, GitForge } from './forge.js';
import type { ForgeProviderName } from './forge-provider.js';
import { AzureForge } from './azure/azure-forge.js';
import { BitbucketForge } from './bitbucket/bitbucket-forge.js';
import { GiteaForge } from './gitea/gitea-forge.js';
import { GitHubForge } from './github/github-forge.js';
import { GitLabForge } from './gitlab/gitlab-forge.js';

/** One adapter per provider (docs/adr/0003), listed explicitly. */
export const FORGE_ADAPTERS: Partial<
  Record<ForgeProviderName, (options: ForgeOptions) => GitForge>
> = {
  azure: (options) => new AzureForge(options),
  bitbucket: (options) => new BitbucketForge(options),
  gitea: (options) => new GiteaForge(options),
  github: (options) => new GitHubForge(options),
  gitlab: (options) => new GitLabForge(options),
};
