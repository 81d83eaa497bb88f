import { ForgeError, type ForgeConnector, type ForgeOptions, type GitForge } from './forge.js';
import { FORGE_ADAPTERS } from './forge-adapters.js';
import { GitHubGitDataClient } from './github/github-git-data.js';
import { forgeHostFor, type ForgeHost } from './forge-hosts.js';
import { detectForgeProvider, type ForgeProviderName } from './forge-provider.js';

/** The ForgeConnector main.ts hands the engine: the operator's hosts and the adapters. */
export function createForgeConnector(
  options: {
    hosts?: ForgeHost[];
    adapters?: Partial<Record<ForgeProviderName, (options: ForgeOptions) => GitForge>>;
    fetch?: typeof fetch;
  } = {},
): ForgeConnector {
  const hosts = options.hosts ?? [];
  const adapters = options.adapters ?? FORGE_ADAPTERS;
  return {
    open(repoURL, open) {
      const host = forgeHostFor(hosts, repoURL);
      const name = open.provider || host?.provider || detectForgeProvider(repoURL);
      if (!name) throw new ForgeError(`no registered providers for ${repoURL}`, 0, false);
      const adapter = adapters[name as ForgeProviderName];
      if (!adapter) throw new ForgeError(`no registered providers with name "${name}"`, 0, false);
      return adapter({
        repoURL,
        token: open.token,
        // The operator's API address is for that host's own provider only.
        apiBaseUrl: host && host.provider === name ? host.apiUrl : undefined,
        insecureSkipTLSVerify: open.insecureSkipTLSVerify || host?.insecureSkipTLSVerify,
        fetch: options.fetch,
      });
    },
    github(repoURL, open) {
      const host = forgeHostFor(hosts, repoURL);
      return new GitHubGitDataClient({
        repoURL,
        token: open.token,
        apiBaseUrl: host?.provider === 'github' ? host.apiUrl : undefined,
        insecureSkipTLSVerify: open.insecureSkipTLSVerify || host?.insecureSkipTLSVerify,
        fetch: options.fetch,
      });
    },
  };
}
