import { secretValue } from '../api/secret.js';
import type { ProjectLookups } from '../engine/promotion-functions.js';
import type { Store } from '../store/store.js';

/**
 * The project data expressions may read: Freight and Stage metadata (set-metadata), and,
 * unless `withSecrets` is false, decoded Secret data for secret().
 */
export async function projectLookups(
  store: Pick<Store, 'list'>,
  project: string,
  withSecrets = true,
): Promise<ProjectLookups> {
  const metadata = async (kind: string) => {
    const { items } = await store.list(kind, { namespace: project });
    return Object.fromEntries(
      items.flatMap((item) => {
        const value = (item.status as { metadata?: unknown } | undefined)?.metadata;
        return value === undefined ? [] : [[item.metadata.name, value]];
      }),
    );
  };
  const lookups: ProjectLookups = {
    freightMetadata: await metadata('Freight'),
    stageMetadata: await metadata('Stage'),
  };
  if (withSecrets) {
    const { items } = await store.list('Secret', { namespace: project });
    lookups.secrets = Object.fromEntries(
      items.map((secret) => [
        secret.metadata.name,
        Object.fromEntries(
          Object.keys((secret.data as Record<string, string> | undefined) ?? {}).map((key) => [
            key,
            secretValue(secret, key) ?? '',
          ]),
        ),
      ]),
    );
  }
  return lookups;
}
