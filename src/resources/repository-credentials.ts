import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from '../api/repo-urls.js';
import { CRED_TYPE_LABEL, secretValue } from '../api/secret.js';
import type { StoredResource } from '../api/resource.js';
import { tryCompileUserRegex } from '../api/user-regex.js';
import type { Store } from '../store/store.js';

export type CredentialType = 'git' | 'helm' | 'image';

export interface RepositoryCredentials {
  username: string;
  password: string;
}

const NORMALIZE: Record<CredentialType, (url: string) => string> = {
  git: normalizeGitUrl,
  helm: normalizeChartUrl,
  image: normalizeImageRepo,
};

/**
 * Finds the credentials for a repository among a project's Secrets, as Kargo does: Secrets
 * labeled `kargo.akuity.io/cred-type: <type>`; an exact `repoURL` match wins over a regular
 * expression (`repoURLIsRegex: "true"`, RE2 syntax); among equals, Secret names in lexical order.
 */
export function createCredentialResolver(store: Store) {
  return async (
    project: string,
    url: string,
    type: CredentialType = 'git',
  ): Promise<RepositoryCredentials | undefined> => {
    const { items } = await store.list('Secret', {
      namespace: project,
      labelSelector: [{ key: CRED_TYPE_LABEL, operator: 'In', values: [type] }],
    });
    const normalize = NORMALIZE[type];
    const wanted = normalize(url);
    const sorted = [...items].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
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
    return {
      username: secretValue(match, 'username') ?? '',
      password: secretValue(match, 'password') ?? '',
    };
  };
}

function isRegex(secret: StoredResource): boolean {
  return secretValue(secret, 'repoURLIsRegex') === 'true';
}
