import type { ForgeOptions, GitForge } from './forge.js';
import type { ForgeProviderName } from './forge-provider.js';
import { GitHubForge } from './github/github-forge.js';

/** One adapter per provider (docs/adr/0003), listed explicitly. */
export const FORGE_ADAPTERS: Partial<
  Record<ForgeProviderName, (options: ForgeOptions) => GitForge>
> = {
  github: (options) => new GitHubForge(options),
};
