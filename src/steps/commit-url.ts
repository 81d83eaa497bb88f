import { normalizeGitUrl } from '../api/repo-urls.js';
import { detectForgeProvider, type ForgeProviderName } from '../forges/forge-provider.js';

/** The Git hosts Kargo knows (git-push's `provider`, and git-open-pr's). */
export type GitProviderName = ForgeProviderName;

/**
 * The web page of a commit, as Kargo's git providers give it for git-push's `commitURL`: the
 * provider named by `provider`, else the one whose rule matches the repository URL (as Kargo's
 * provider registry picks it: `github` or `*.ghe.com` hosts, `gitlab` hosts, `bitbucket.org`,
 * `dev.azure.com` or `*.visualstudio.com`, `gitea` hosts), built from the URL as that provider
 * does. Undefined when no provider applies or the URL does not name a repository the way the
 * provider needs (Kargo then leaves the output out too).
 */
export function commitUrlFor(
  repoURL: string,
  commit: string,
  provider?: GitProviderName,
): string | undefined {
  const name = provider ?? detectForgeProvider(repoURL);
  if (!name) return undefined;
  const parsed = parseNormalized(repoURL);
  if (!parsed) return undefined;
  const { host, path } = parsed;
  const segments = path.split('/').filter(Boolean);
  switch (name) {
    case 'github':
      // ghutil.ParseRepoURL: exactly owner/repo.
      return segments.length === 2
        ? `https://${host}/${segments.join('/')}/commit/${commit}`
        : undefined;
    case 'gitlab':
      return segments.length >= 2 ? `https://${host}${path}/-/commit/${commit}` : undefined;
    case 'bitbucket':
      return segments.length === 2 ? `https://${host}${path}/commits/${commit}` : undefined;
    case 'gitea':
      return segments.length === 2 ? `https://${host}${path}/commit/${commit}` : undefined;
    case 'azure':
      return segments.length >= 2
        ? `https://dev.azure.com${path.replace(/^\/v3(?=\/)/, '')}/commit/${commit}`
        : undefined;
  }
}

/** The host and path of the normalised URL (Kargo's urls.NormalizeGit, then url.Parse). */
function parseNormalized(repoURL: string): { host: string; path: string } | undefined {
  try {
    const url = new URL(normalizeGitUrl(repoURL));
    return { host: url.host, path: url.pathname === '/' ? '' : url.pathname };
  } catch {
    return undefined;
  }
}
