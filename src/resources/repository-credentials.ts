import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from '../api/repo-urls.js';
import { CRED_TYPE_LABEL, secretValue } from '../api/secret.js';
import type { StoredResource } from '../api/resource.js';
import { SHARED_RESOURCES_PROJECT } from '../api/shared-resources.js';
import { tryCompileUserRegex } from '../api/user-regex.js';
import type { Store } from '../store/store.js';

export type CredentialType = 'git' | 'helm' | 'image';

export interface RepositoryCredentials {
  username: string;
  password: string;
  /** Kargo's (deprecated) `sshPrivateKey`, when the Secret has one; git steps do not use it. */
  sshPrivateKey?: string | undefined;
}

const NORMALIZE: Record<CredentialType, (url: string) => string> = {
  git: normalizeGitUrl,
  helm: normalizeChartUrl,
  image: normalizeImageRepo,
};

/**
 * Finds the credentials for a repository as Kargo does: among the project's Secrets labeled
 * `kargo.akuity.io/cred-type: <type>`, then (when the project has none that match) among those
 * of the shared resources project (`kargo-shared-resources`, Kargo's shared namespace).
 */
export function createCredentialResolver(store: Pick<Store, 'list'>) {
  return async (
    project: string,
    url: string,
    type: CredentialType = 'git',
  ): Promise<RepositoryCredentials | undefined> => {
    for (const namespace of new Set([project, SHARED_RESOURCES_PROJECT])) {
      const { items } = await store.list('Secret', {
        namespace,
        labelSelector: [{ key: CRED_TYPE_LABEL, operator: 'In', values: [type] }],
      });
      const found = matchCredentials(items, url, type);
      if (found) return found;
    }
    return undefined;
  };
}

/**
 * The credentials among `secrets` (one project's) for a repository: Secrets labeled
 * `kargo.akuity.io/cred-type: <type>`; an exact `repoURL` match wins over a regular expression
 * (`repoURLIsRegex: "true"`, RE2 syntax); among equals, Secret names in lexical order.
 */
export function matchCredentials(
  secrets: readonly StoredResource[],
  url: string,
  type: CredentialType,
): RepositoryCredentials | undefined {
  const normalize = NORMALIZE[type];
  const wanted = normalize(url);
  const sorted = secrets
    .filter((secret) => secret.metadata.labels?.[CRED_TYPE_LABEL] === type)
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const exact = sorted.find(
    (secret) => !isRegex(secret) && normalize(secretValue(secret, 'repoURL') ?? '') === wanted,
  );
  const regex = exact
    ? undefined
    : sorted.find((secret) => {
        if (!isRegex(secret)) return false;
        // RE2, as Kargo's Go regexp. A pattern that does not compile (admission refuses
        // them; one stored before that) matches nothing, as Kargo skips it. A pattern cannot
        // be normalized, so Kargo tries it against the URL as given and normalized.
        const { regex } = tryCompileUserRegex(secretValue(secret, 'repoURL') ?? '$^');
        return regex !== undefined && (regex.test(url) || regex.test(wanted));
      });
  const match = exact ?? regex;
  if (!match) return undefined;
  const sshPrivateKey = secretValue(match, 'sshPrivateKey');
  return {
    username: secretValue(match, 'username') ?? '',
    password: secretValue(match, 'password') ?? '',
    ...(sshPrivateKey !== undefined ? { sshPrivateKey } : {}),
  };
}

function isRegex(secret: StoredResource): boolean {
  return secretValue(secret, 'repoURLIsRegex') === 'true';
}
