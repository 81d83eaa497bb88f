/** The Git hosts Kargo knows (git-push's and git-open-pr's `provider`). */
export type ForgeProviderName = 'azure' | 'bitbucket' | 'gitea' | 'github' | 'gitlab';

/**
 * Kargo's provider registry predicates over the repository URL as given (what Go's url.Parse
 * reads as a host; an SCP-style address has none, so no provider is found for it).
 */
export function detectForgeProvider(repoURL: string): ForgeProviderName | undefined {
  let host: string;
  try {
    const url = new URL(repoURL);
    if (!url.host) return undefined;
    host = url.host;
  } catch {
    return undefined;
  }
  if (host.includes('github') || host.endsWith('.ghe.com')) return 'github';
  if (host.includes('gitlab')) return 'gitlab';
  if (host.replace(/:\d+$/, '') === 'bitbucket.org') return 'bitbucket';
  if (host === 'dev.azure.com' || host.endsWith('visualstudio.com')) return 'azure';
  if (host.includes('gitea')) return 'gitea';
  return undefined;
}
