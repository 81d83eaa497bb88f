import { z } from 'zod';
import { normalizeGitUrl } from '../api/repo-urls.js';
import { readConfigFile } from '../config-file.js';
import type { ForgeProviderName } from './forge-provider.js';

/**
 * The operator's Git hosts, from `--forge-config FILE` (GANTRY_FORGE_CONFIG): which provider a
 * self-hosted host runs and where its REST API is, for hosts Kargo's name rules cannot tell
 * (GitHub Enterprise at git.example.com, GitLab at code.example.com). A step's `provider` still
 * wins; without an entry, the host rules decide and the API is where the provider keeps it.
 *
 * ```yaml
 * hosts:
 *   - url: https://code.example.com/     # repositories whose URL starts with this
 *     provider: gitlab                   # github, gitlab, gitea, bitbucket, azure
 *     apiURL: https://code.example.com/api/v4   # optional; the provider's usual place otherwise
 *     insecureSkipTLSVerify: false
 * ```
 */
export interface ForgeHost {
  /** Normalised as git URLs are (normalizeGitUrl), without a trailing slash. */
  url: string;
  provider: ForgeProviderName;
  apiUrl?: string | undefined;
  insecureSkipTLSVerify: boolean;
}

const PROVIDERS = ['azure', 'bitbucket', 'gitea', 'github', 'gitlab'] as const;
const HTTP_URL = /^https?:\/\/[^/]+/;

const fileSchema = z.strictObject({
  hosts: z.array(
    z.strictObject({
      url: z.string().regex(HTTP_URL, { message: 'must be an http(s):// URL' }),
      provider: z.enum(PROVIDERS),
      apiURL: z.string().regex(HTTP_URL, { message: 'must be an http(s):// URL' }).optional(),
      insecureSkipTLSVerify: z.boolean().default(false),
    }),
  ),
});

/** The hosts of a config file; errors name the file and the field. */
export function loadForgeHosts(file: string): ForgeHost[] {
  const { hosts } = readConfigFile('--forge-config', file, fileSchema);
  return hosts.map((host) => ({
    url: hostPrefix(host.url),
    provider: host.provider,
    apiUrl: host.apiURL?.replace(/\/+$/, ''),
    insecureSkipTLSVerify: host.insecureSkipTLSVerify,
  }));
}

/** The entry for a repository URL: the longest `url` it starts with (at a path boundary). */
export function forgeHostFor(hosts: ForgeHost[], repoURL: string): ForgeHost | undefined {
  let normalized: string;
  try {
    normalized = normalizeGitUrl(repoURL);
  } catch {
    return undefined;
  }
  let best: ForgeHost | undefined;
  for (const host of hosts)
    if (
      (normalized === host.url || normalized.startsWith(`${host.url}/`)) &&
      (!best || host.url.length > best.url.length)
    )
      best = host;
  return best;
}

function hostPrefix(url: string): string {
  return normalizeGitUrl(url).replace(/\/+$/, '');
}
