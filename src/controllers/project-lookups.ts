import type { StoredResource } from '../api/resource.js';
import type { Subscription } from '../api/warehouse.js';
import { secretValue } from '../api/secret.js';
import { SHARED_RESOURCES_PROJECT } from '../api/shared-resources.js';
import type { ProjectLookups } from '../engine/promotion-functions.js';
import { matchCredentials } from '../resources/repository-credentials.js';
import type { Store } from '../store/store.js';

/**
 * The project data expressions may read: Freight statuses and metadata, Stage metadata
 * (set-metadata), the Warehouses' subscriptions (which requested origin provides an artifact
 * to imageFrom() & co.), the project's ConfigMaps and those of the shared resources project
 * (`kargo-shared-resources`, Kargo's shared namespace), and, unless `withSecrets` is false,
 * decoded Secret data (secret(), sharedSecret()) and repository credentials
 * (repoCredentials(), resolved as the steps resolve them).
 */
export async function projectLookups(
  store: Pick<Store, 'list'>,
  project: string,
  withSecrets = true,
): Promise<ProjectLookups> {
  const list = async (kind: string, namespace = project) =>
    (await store.list(kind, { namespace })).items;
  const statusOf = (item: StoredResource) =>
    (item.status as Record<string, unknown> | undefined) ?? {};
  const metadataByName = (items: StoredResource[]) =>
    Object.fromEntries(
      items.flatMap((item) => {
        const value = statusOf(item).metadata;
        return value === undefined ? [] : [[item.metadata.name, value]];
      }),
    );
  const configMapData = (items: StoredResource[]) =>
    Object.fromEntries(
      items.map((item) => [
        item.metadata.name,
        { ...((item as { data?: Record<string, string> }).data ?? {}) },
      ]),
    );
  const shared = project !== SHARED_RESOURCES_PROJECT;
  const [freight, stages, warehouses, configMaps, sharedConfigMaps] = await Promise.all([
    list('Freight'),
    list('Stage'),
    list('Warehouse'),
    list('ConfigMap'),
    shared ? list('ConfigMap', SHARED_RESOURCES_PROJECT) : Promise.resolve(undefined),
  ]);
  // Built on first use: a step reads one or two of these, and each is as large as the project
  // (every step of every Promotion asks for them).
  const lazy = <T>(build: () => T): (() => T) => {
    let value: { built: T } | undefined;
    return () => (value ??= { built: build() }).built;
  };
  const freightMetadata = lazy(() => metadataByName(freight));
  const stageMetadata = lazy(() => metadataByName(stages));
  const warehouseSubscriptions = lazy(() =>
    Object.fromEntries(
      warehouses.map((item) => [
        item.metadata.name,
        (item.spec as { subscriptions?: Subscription[] } | undefined)?.subscriptions ?? [],
      ]),
    ),
  );
  const freightStatus = lazy(() =>
    Object.fromEntries(freight.map((item) => [item.metadata.name, statusOf(item)])),
  );
  const projectConfigMaps = lazy(() => configMapData(configMaps));
  const sharedConfigMapsData = lazy(() => configMapData(sharedConfigMaps ?? configMaps));
  const lookups: ProjectLookups = {
    get freightMetadata() {
      return freightMetadata();
    },
    get stageMetadata() {
      return stageMetadata();
    },
    get warehouses() {
      return warehouseSubscriptions();
    },
    get freightStatus() {
      return freightStatus();
    },
    get configMaps() {
      return projectConfigMaps();
    },
    get sharedConfigMaps() {
      return sharedConfigMapsData();
    },
  };
  if (withSecrets) {
    const secrets = await list('Secret');
    const sharedSecrets = shared ? await list('Secret', SHARED_RESOURCES_PROJECT) : secrets;
    lookups.secrets = Object.fromEntries(
      secrets.map((secret) => [secret.metadata.name, decodedData(secret)]),
    );
    lookups.sharedSecrets = Object.fromEntries(
      sharedSecrets.map((secret) => [
        secret.metadata.name,
        { data: decodedData(secret), labels: secret.metadata.labels },
      ]),
    );
    // Kargo's credentials database: the project's credentials, then the shared ones.
    lookups.repoCredentials = (url, type) =>
      matchCredentials(secrets, url, type) ??
      (shared ? matchCredentials(sharedSecrets, url, type) : undefined);
  }
  return lookups;
}

function decodedData(secret: StoredResource): Record<string, string> {
  return Object.fromEntries(
    Object.keys((secret.data as Record<string, string> | undefined) ?? {}).map((key) => [
      key,
      secretValue(secret, key) ?? '',
    ]),
  );
}
