/**
 * Normalised repository URLs, as Kargo compares them: for matching subscriptions to webhook
 * payloads and Freight, for uniqueness checks, and inside the Freight fingerprint.
 */

/**
 * Git: whitespace trimmed, http(s) user info dropped, trailing `/` then `.git` removed,
 * lower-cased; SCP-style `git@host:path` becomes `ssh://git@host/path`.
 */
export function normalizeGitUrl(url: string): string {
  const trimmed = url.trim();
  if (/\s/.test(trimmed)) return trimmed;
  const scp = /^([\w-]+)@([\w.-]+):(\/?.*)$/.exec(trimmed);
  let candidate = scp ? `ssh://${scp[1]}@${scp[2]}/${(scp[3] ?? '').replace(/^\//, '')}` : trimmed;
  try {
    const parsed = new URL(candidate);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
      parsed.username = '';
      parsed.password = '';
    }
    candidate = parsed.toString();
  } catch {
    // Not a URL we can parse: compare it as written, minus the usual decorations.
  }
  return candidate
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .toLowerCase();
}

const DOCKER_HUB_HOSTS = ['docker.io/', 'index.docker.io/', 'registry-1.docker.io/'];

/** Images: Docker Hub's hosts and its `library/` prefix dropped, lower-cased. */
export function normalizeImageRepo(repo: string): string {
  let out = repo.trim().toLowerCase();
  for (const host of DOCKER_HUB_HOSTS) {
    if (out.startsWith(host)) {
      out = out.slice(host.length);
      break;
    }
  }
  if (out.startsWith('library/') && !out.slice('library/'.length).includes('/')) {
    out = out.slice('library/'.length);
  }
  return out;
}

/**
 * Charts, as Kargo normalises them: trimmed and lower-cased; an `oci://` repository loses its
 * scheme and is normalised like an image; an http(s) URL is otherwise kept as written.
 */
export function normalizeChartUrl(url: string): string {
  const trimmed = url.trim().toLowerCase();
  if (trimmed.startsWith('oci://')) return normalizeImageRepo(trimmed.slice('oci://'.length));
  return trimmed;
}
