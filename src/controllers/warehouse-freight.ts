import type { Freight } from '../api/freight.js';
import { KARGO_API_VERSION } from '../api/meta.js';
import { redactUrl } from '../api/redact-url.js';
import { normalizeChartUrl, normalizeGitUrl, normalizeImageRepo } from '../api/repo-urls.js';
import type {
  ChartSubscription,
  GitSubscription,
  ImageSubscription,
  Subscription,
  WarehouseStatus,
} from '../api/warehouse.js';

export type DiscoveredArtifacts = NonNullable<WarehouseStatus['discoveredArtifacts']>;

/** The Freight a discovery proposes, or why it proposes none. */
export type FreightProposal = { freight: Freight } | { freight?: undefined; reason: string };

/**
 * Kargo's rule: the newest candidate of every subscription, together, make the next Freight.
 * A subscription without candidates means no Freight (the reason says which). The result is
 * a Freight document without name or alias: admission derives the name from the contents
 * and picks the alias. Repository URLs lose any credentials they carry (`redactUrl`), as in
 * the Warehouse's status.
 */
export function proposeFreight(
  project: string,
  warehouse: string,
  subscriptions: Subscription[],
  discovered: DiscoveredArtifacts,
): FreightProposal {
  const freight: Freight = {
    apiVersion: KARGO_API_VERSION,
    kind: 'Freight',
    metadata: { name: '', namespace: project },
    origin: { kind: 'Warehouse', name: warehouse },
  };
  for (const subscription of subscriptions) {
    const named =
      typeof subscription.name === 'string' ? { subscriptionName: subscription.name } : {};
    if ('image' in subscription && subscription.image) {
      const sub = subscription.image as ImageSubscription;
      const found = discovered.images?.find(
        (entry) => normalizeImageRepo(entry.repoURL) === normalizeImageRepo(sub.repoURL),
      );
      const top = found?.references?.[0];
      if (!top) return { reason: `no image of ${sub.repoURL} matches the subscription` };
      (freight.images ??= []).push({
        repoURL: sub.repoURL,
        tag: top.tag,
        digest: top.digest,
        ...(top.annotations ? { annotations: top.annotations } : {}),
        ...named,
      });
    } else if ('git' in subscription && subscription.git) {
      const sub = subscription.git as GitSubscription;
      const url = redactUrl(sub.repoURL);
      const found = discovered.git?.find(
        (entry) => normalizeGitUrl(redactUrl(entry.repoURL)) === normalizeGitUrl(url),
      );
      const top = found?.commits?.[0];
      if (!top) return { reason: `no commit of ${url} matches the subscription` };
      (freight.commits ??= []).push({
        repoURL: url,
        id: top.id,
        ...(top.branch ? { branch: top.branch } : {}),
        ...(top.tag ? { tag: top.tag } : {}),
        ...(top.subject ? { message: top.subject } : {}),
        ...(top.author ? { author: top.author } : {}),
        ...(top.committer ? { committer: top.committer } : {}),
        ...named,
      });
    } else if ('chart' in subscription && subscription.chart) {
      const sub = subscription.chart as ChartSubscription;
      const url = redactUrl(sub.repoURL);
      const found = discovered.charts?.find(
        (entry) =>
          normalizeChartUrl(redactUrl(entry.repoURL)) === normalizeChartUrl(url) &&
          (entry.name ?? '') === (sub.name ?? ''),
      );
      const version = found?.versions?.[0];
      if (!version)
        return {
          reason: `no version of chart ${sub.name ? `${sub.name} in ` : ''}${url} matches the subscription`,
        };
      (freight.charts ??= []).push({
        repoURL: url,
        ...(sub.name ? { name: sub.name } : {}),
        version,
        ...named,
      });
    } else {
      const type = Object.keys(subscription).find((key) => key !== 'name') ?? '';
      return { reason: `subscription type "${type}" has no discoverer in Gantry` };
    }
  }
  return { freight };
}

/** The subscription's label in messages: `image 127.0.0.1:5000/team/api`. */
export function describeSubscription(subscription: Subscription): string {
  if ('image' in subscription && subscription.image)
    return `image ${(subscription.image as ImageSubscription).repoURL}`;
  if ('git' in subscription && subscription.git)
    return `git ${(subscription.git as GitSubscription).repoURL}`;
  if ('chart' in subscription && subscription.chart) {
    const chart = subscription.chart as ChartSubscription;
    return `chart ${chart.name ? `${chart.name} in ` : ''}${chart.repoURL}`;
  }
  const type = Object.keys(subscription).find((key) => key !== 'name') ?? '';
  return `${type} ${typeof subscription.name === 'string' ? subscription.name : ''}`.trim();
}
