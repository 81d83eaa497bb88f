/**
 * Where an image repository lives: `ghcr.io/acme/api` → registry ghcr.io, path acme/api.
 * Docker's rules: the first component is a registry host only if it has a dot or a port, or is
 * `localhost`; otherwise the image is on Docker Hub, whose API host is registry-1.docker.io and
 * whose official images live under `library/`.
 */
export interface ImageRepository {
  /** Registry host (and port) as written, e.g. `127.0.0.1:5000`; Docker Hub is `docker.io`. */
  registry: string;
  /** Repository path inside the registry, e.g. `acme/api` or `library/nginx`. */
  path: string;
  /** Base URL of the registry's API, e.g. `https://ghcr.io`. */
  apiBase: string;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

export function parseImageRepository(repoURL: string): ImageRepository {
  const trimmed = repoURL.trim().replace(/^oci:\/\//, '');
  const slash = trimmed.indexOf('/');
  const first = slash < 0 ? '' : trimmed.slice(0, slash);
  const isHost = first.includes('.') || first.includes(':') || first === 'localhost';
  if (!isHost || DOCKER_HUB.has(first)) {
    const rest = isHost ? trimmed.slice(slash + 1) : trimmed;
    return {
      registry: 'docker.io',
      path: rest.includes('/') ? rest : `library/${rest}`,
      apiBase: 'https://registry-1.docker.io',
    };
  }
  return {
    registry: first,
    path: trimmed.slice(slash + 1),
    apiBase: `${plainHttp(first) ? 'http' : 'https'}://${first}`,
  };
}

/**
 * Registries reached over plain HTTP, as Docker and go-containerregistry (which Kargo uses)
 * do: loopback and private (RFC 1918) addresses, and `localhost`. Everything else is HTTPS.
 */
function plainHttp(host: string): boolean {
  const name = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  if (name === 'localhost' || name === '::1') return true;
  const octets = name.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o) || o < 0 || o > 255))
    return false;
  const [a, b] = octets as [number, number, number, number];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}
