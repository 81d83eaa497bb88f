import { redact } from './credentials.js';
import { GitError } from './git-error.js';

/**
 * What a repository URL names, as git would read it:
 * - `network`: `https://`, `http://`, `ssh://`, `git://`, or scp-like `user@host:path`;
 * - `local`: a repository on this machine — `file://`, an absolute or relative path;
 * - `refused`: never used, whatever the operator allows: remote helpers (`ext::` runs a
 *   command, `fd::` talks to file descriptors), other schemes, anything git could read as an
 *   option (a URL or an ssh host starting with `-`, e.g. `--upload-pack=…`), control characters.
 */
export type RemoteUrlKind =
  { kind: 'network' } | { kind: 'local' } | { kind: 'refused'; reason: string };

const NETWORK_SCHEMES = new Set(['https', 'http', 'ssh', 'git', 'git+ssh', 'ssh+git']);

export function classifyRemoteUrl(url: string): RemoteUrlKind {
  if (url.trim() === '') return { kind: 'refused', reason: 'is empty' };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(url))
    return { kind: 'refused', reason: 'contains control characters' };
  if (url.startsWith('-'))
    return { kind: 'refused', reason: 'starts with "-", which git would read as an option' };
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url))
    return {
      kind: 'refused',
      reason: 'uses a git remote helper (transport::address, such as ext:: or fd::)',
    };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme === 'file') return { kind: 'local' };
    if (!NETWORK_SCHEMES.has(scheme))
      return { kind: 'refused', reason: `uses ${scheme}://; use https://, ssh:// or git://` };
    const authority = url.slice(scheme.length + 3).split('/')[0] ?? '';
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    if (host === '') return { kind: 'refused', reason: 'names no host' };
    if (host.startsWith('-')) return { kind: 'refused', reason: 'names a host starting with "-"' };
    return { kind: 'network' };
  }
  // scp-like syntax: only when a colon comes before any slash (git's rule).
  const scp = /^([^/:]*):/.exec(url);
  if (scp) {
    const host = scp[1]!.slice(scp[1]!.lastIndexOf('@') + 1);
    if (host === '') return { kind: 'refused', reason: 'names no host' };
    if (host.startsWith('-')) return { kind: 'refused', reason: 'names a host starting with "-"' };
    return { kind: 'network' };
  }
  return { kind: 'local' };
}

/**
 * Throws a terminal GitError unless git may use `url` as a remote: network URLs always,
 * local repositories only when the operator allows them (`--allow-local-repositories`), since
 * otherwise a manifest could copy any repository readable on the server's host into a remote
 * it controls.
 */
export function checkRemoteUrl(url: string, options: { allowLocal: boolean }): void {
  const classified = classifyRemoteUrl(url);
  if (classified.kind === 'network') return;
  if (classified.kind === 'local' && options.allowLocal) return;
  const shown = JSON.stringify(redact(url));
  if (classified.kind === 'refused')
    throw new GitError(`repository URL ${shown} is refused: it ${classified.reason}`, false);
  throw new GitError(
    `repository ${shown} is a local path or file:// URL, which Gantry refuses by default; the operator can allow local repositories with --allow-local-repositories (GANTRY_ALLOW_LOCAL_REPOSITORIES=true)`,
    false,
  );
}

/** The transports git may use (GIT_ALLOW_PROTOCOL): the network ones, plus `file` when asked. */
export function allowedGitProtocols(allowFile: boolean): string {
  return ['https', 'http', 'ssh', 'git', ...(allowFile ? ['file'] : [])].join(':');
}
