import type { ImageSubscription } from '../../api/warehouse.js';
import type { DiscoveredImages, DiscoveryContext } from '../discovery.js';
import { parseImageRepository } from './image-repository.js';
import type { Manifest, RegistryCall, RegistryClient } from './registry-client.js';
import { orderTags } from './tag-order.js';

type Reference = NonNullable<DiscoveredImages['references']>[number];

/** NewestBuild's memory is bounded: beyond this, the oldest entries are looked up again. */
const MAX_REMEMBERED_BUILDS = 200_000;
const CREATED_ANNOTATIONS = ['org.opencontainers.image.created', 'org.label-schema.build-date'];
const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

/**
 * Image discovery: the candidates of one image subscription, best first.
 *
 * What it costs the registry, by design:
 * - SemVer and Lexical order tags by name, so a discovery lists the tags and then looks only
 *   at the best `discoveryLimit` of them. A candidate already in the last discovery keeps its
 *   digest, so re-discovering an unchanged repository costs the tag list and nothing else. An
 *   explicit refresh (`revalidate`) looks each candidate up again, for tags that were re-pushed.
 * - NewestBuild needs every tag's build time. Each tag's digest and build time is remembered,
 *   and manifests and configs are cached by digest (immutable), so only new tags cost requests.
 * - Digest follows one mutable tag: one HEAD request per discovery.
 */
export class ImageDiscovery {
  readonly #registry: RegistryClient;
  /** NewestBuild's memory: `<registry>/<path>:<tag>` → digest and build time. */
  readonly #builds = new Map<string, { digest: string; createdAt?: string | undefined }>();

  constructor(registry: RegistryClient) {
    this.#registry = registry;
  }

  async discover(
    subscription: ImageSubscription,
    previous: DiscoveredImages | undefined,
    context: DiscoveryContext,
  ): Promise<DiscoveredImages> {
    const call: RegistryCall = {
      repository: parseImageRepository(subscription.repoURL),
      credentials: await context.credentialsFor('image', subscription.repoURL),
      signal: context.signal,
      insecure: subscription.insecureSkipTLSVerify,
    };
    const references =
      subscription.imageSelectionStrategy === 'Digest'
        ? await this.#followTag(call, subscription)
        : subscription.imageSelectionStrategy === 'NewestBuild'
          ? await this.#newestBuilds(call, subscription, context.revalidate)
          : await this.#byTag(call, subscription, previous, context.revalidate);
    return {
      repoURL: subscription.repoURL,
      ...(subscription.platform ? { platform: subscription.platform } : {}),
      references,
    };
  }

  /**
   * One tag (or digest) as the registry has it now, for checking hand-made Freight: its
   * digest and annotations as discovery would record them, or undefined when it is not built
   * for the subscription's `platform`. A missing tag throws a DiscoveryError with `notFound`.
   */
  async lookUp(
    subscription: ImageSubscription,
    reference: string,
    context: Pick<DiscoveryContext, 'credentialsFor' | 'signal'>,
  ): Promise<Reference | undefined> {
    const call: RegistryCall = {
      repository: parseImageRepository(subscription.repoURL),
      credentials: await context.credentialsFor('image', subscription.repoURL),
      signal: context.signal,
      insecure: subscription.insecureSkipTLSVerify,
    };
    const manifest = await this.#registry.manifest(call, reference);
    return this.#describe(call, subscription, reference, manifest.digest, manifest);
  }

  async #followTag(call: RegistryCall, subscription: ImageSubscription): Promise<Reference[]> {
    const tag = subscription.constraint ?? '';
    const digest = await this.#registry.resolveTag(call, tag);
    const reference = await this.#describe(call, subscription, tag, digest);
    return reference ? [reference] : [];
  }

  async #byTag(
    call: RegistryCall,
    subscription: ImageSubscription,
    previous: DiscoveredImages | undefined,
    revalidate: boolean,
  ): Promise<Reference[]> {
    const ordered = orderTags(await this.#registry.listTags(call), subscription);
    const known = new Map(
      previous?.platform === subscription.platform
        ? (previous?.references ?? []).map((ref) => [ref.tag, ref])
        : [],
    );
    return this.#collect(ordered, subscription.discoveryLimit, async (tag) => {
      const remembered = known.get(tag);
      // cacheByTag: the user vouches that tags never move, so even a refresh trusts them.
      if (remembered && (!revalidate || subscription.cacheByTag)) return remembered;
      const manifest = await this.#registry.manifest(call, tag);
      return this.#describe(call, subscription, tag, manifest.digest, manifest);
    });
  }

  async #newestBuilds(
    call: RegistryCall,
    subscription: ImageSubscription,
    revalidate: boolean,
  ): Promise<Reference[]> {
    const tags = orderTags(await this.#registry.listTags(call), subscription);
    const prefix = `${call.repository.registry}/${call.repository.path}:`;
    const builds = await Promise.all(
      tags.map(async (tag) => {
        const key = prefix + tag;
        let build = revalidate ? undefined : this.#builds.get(key);
        if (!build) {
          const manifest = await this.#registry.manifest(call, tag);
          const described = await this.#describe(
            call,
            subscription,
            tag,
            manifest.digest,
            manifest,
            {
              buildTime: true,
            },
          );
          build = { digest: manifest.digest, createdAt: described?.createdAt };
          if (this.#builds.size >= MAX_REMEMBERED_BUILDS) {
            const oldest = this.#builds.keys().next().value;
            if (oldest !== undefined) this.#builds.delete(oldest);
          }
          this.#builds.set(key, build);
        }
        return { tag, ...build };
      }),
    );
    builds.sort(
      (a, b) =>
        (b.createdAt ?? '').localeCompare(a.createdAt ?? '') ||
        (a.tag < b.tag ? 1 : a.tag > b.tag ? -1 : 0),
    );
    return this.#collect(
      builds.map((build) => build.tag),
      subscription.discoveryLimit,
      async (tag) => {
        const build = builds.find((b) => b.tag === tag)!;
        return this.#describe(call, subscription, tag, build.digest, undefined, {
          buildTime: true,
        });
      },
    );
  }

  /**
   * Describes candidates in order until `limit` are found, looking at a batch at a time (a
   * platform filter may skip some), so the registry sees parallel requests but no wasted ones.
   */
  async #collect(
    ordered: string[],
    limit: number,
    describe: (tag: string) => Promise<Reference | undefined>,
  ): Promise<Reference[]> {
    const found: Reference[] = [];
    for (let start = 0; start < ordered.length && found.length < limit;) {
      const batch = ordered.slice(start, start + (limit - found.length));
      start += batch.length;
      for (const reference of await Promise.all(batch.map(describe))) {
        if (reference && found.length < limit) found.push(reference);
      }
    }
    return found;
  }

  /**
   * A candidate's record: digest, annotations and build time. With a `platform`, an index
   * must list that platform (its digest stays the index's: what a pull of the tag resolves
   * to) and a single-platform image must be built for it; otherwise the tag is skipped.
   */
  async #describe(
    call: RegistryCall,
    subscription: ImageSubscription,
    tag: string,
    digest: string,
    manifest?: Manifest,
    options: { buildTime?: boolean } = {},
  ): Promise<Reference | undefined> {
    const top = manifest ?? (await this.#registry.manifest(call, digest));
    let image = top;
    if (INDEX_TYPES.has(top.mediaType) || top.body.manifests) {
      const children = top.body.manifests ?? [];
      const wanted = subscription.platform;
      const child = wanted
        ? children.find((m) => platformOf(m.platform) === wanted)
        : children.find((m) => m.platform?.os !== 'unknown');
      if (wanted && !child) return undefined;
      if (child && (wanted || options.buildTime))
        image = await this.#registry.manifest(call, child.digest);
    }
    const annotations = {
      ...top.body.annotations,
      ...(image !== top ? image.body.annotations : {}),
    };
    let createdAt = CREATED_ANNOTATIONS.map((key) => annotations[key]).find(Boolean);
    const needConfig = options.buildTime || (subscription.platform && image === top);
    if (needConfig && image.body.config?.digest) {
      const config = (await this.#registry.blobJson(call, image.body.config.digest)) as ImageConfig;
      if (subscription.platform && image === top && platformOf(config) !== subscription.platform)
        return undefined;
      const built = [
        config.created,
        config.config?.Labels?.['org.label-schema.build-date'],
        createdAt,
      ]
        .filter(
          (value): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value)),
        )
        .sort((a, b) => Date.parse(b) - Date.parse(a))[0];
      createdAt = built ?? createdAt;
    }
    return {
      tag,
      digest,
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ...(createdAt ? { createdAt: new Date(Date.parse(createdAt)).toISOString() } : {}),
    };
  }
}

interface ImageConfig {
  created?: string;
  os?: string;
  architecture?: string;
  variant?: string;
  config?: { Labels?: Record<string, string> };
}

/** `os/arch`, or `os/arch/variant` when the image names a variant: Kargo matches all three exactly. */
function platformOf(
  platform: { os?: string; architecture?: string; variant?: string } | undefined,
): string {
  const base = `${platform?.os ?? ''}/${platform?.architecture ?? ''}`;
  return platform?.variant ? `${base}/${platform.variant}` : base;
}
