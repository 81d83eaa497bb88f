/**
 * Normalised repository URLs, as Kargo compares them: for matching subscriptions to webhook
 * payloads and Freight, for uniqueness checks, and inside the Freight fingerprint.
 */

/**
 * Git, as Kargo's urls.NormalizeGit: lower-cased with unprintable characters and surrounding
 * blanks removed; http(s) URLs lose their user info; a trailing `/` then `.git` is removed from
 * the path; SCP-style `[user@]host[:path]` becomes `ssh://[user@]host[/path]`. What cannot be
 * parsed, or carries a query, is returned exactly as given (not even lower-cased).
 */
export function normalizeGitUrl(url: string): string {
  const original = url;
  const repo = sanitizeUrl(url.toLowerCase());
  const scheme = /^(https?|ssh):\/\//.exec(repo)?.[1];
  if (scheme) {
    try {
      new URL(repo);
    } catch {
      return original;
    }
    const rest = repo.slice(scheme.length + 3);
    const authorityEnd = rest.search(/[/?#]/);
    let authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
    let tail = authorityEnd < 0 ? '' : rest.slice(authorityEnd);
    const hash = tail.indexOf('#');
    const fragment = hash < 0 ? '' : tail.slice(hash);
    if (hash >= 0) tail = tail.slice(0, hash);
    const question = tail.indexOf('?');
    if (question >= 0) {
      if (hasQueryValues(tail.slice(question + 1))) return original;
      tail = tail.slice(0, question);
    }
    if (scheme !== 'ssh') authority = authority.slice(authority.lastIndexOf('@') + 1);
    return `${scheme}://${authority}${trimGitPath(tail)}${fragment}`;
  }
  const scp = /^((?:[\w-]+@)?[\w-]+(?:\.[\w-]+)*)(?::(.*))?$/.exec(repo);
  if (!scp) return original;
  const path = trimGitPath(scp[2] ?? '');
  return path === '' ? `ssh://${scp[1]}` : `ssh://${scp[1]}/${path}`;
}

/** Kargo's SanitizeURL: unprintable characters dropped, surrounding blanks trimmed. */
function sanitizeUrl(url: string): string {
  return url.replace(/[\p{C}\p{Zl}\p{Zp}]/gu, '').trim();
}

/** A trailing `/`, then a `.git`, removed (Kargo trims each once). */
function trimGitPath(path: string): string {
  const noSlash = path.endsWith('/') ? path.slice(0, -1) : path;
  return noSlash.endsWith('.git') ? noSlash.slice(0, -4) : noSlash;
}

/** Whether a raw query holds at least one key=value pair, as Go's url.ParseQuery counts. */
function hasQueryValues(query: string): boolean {
  return query.split('&').some((pair) => pair !== '' && !pair.includes(';'));
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
