import { deepEqualJson } from '../api/canonical-json.js';
import { ALIAS_LABEL } from '../api/labels.js';
import { freightName } from '../api/freight-name.js';
import { FREIGHT_CONTENT_FIELDS, type Freight } from '../api/freight.js';
import { redactUrl } from '../api/redact-url.js';
import { normalizeChartUrl, normalizeGitUrl } from '../api/repo-urls.js';
import type { Resource, StoredResource } from '../api/resource.js';
import type { Subscription, WarehouseSpec } from '../api/warehouse.js';
import { conflictError, type FieldIssue } from '../errors.js';

/**
 * Kargo's Freight admission rules. On create the name is always the fingerprint of the
 * contents and a missing alias is generated; the contents must match the origin Warehouse's
 * subscriptions, one artifact per subscription; once created, the contents never change.
 */

/** The name a new Freight gets, whatever name the manifest carried. */
export function admittedFreightName(freight: Freight): string {
  return freightName(freight);
}

/**
 * Fills the alias (as given, kept, or `newAlias()`: the caller checks a new one is free in the
 * project), mirrors it into the alias label, and defaults `discoveredAt`.
 */
export function defaultFreight(
  freight: Freight,
  existing: StoredResource | undefined,
  options: { now: Date; newAlias: () => string },
): Freight {
  const previous = existing as (StoredResource & Partial<Freight>) | undefined;
  const alias = freight.alias || previous?.alias || options.newAlias();
  const discoveredAt = freight.discoveredAt ?? previous?.discoveredAt ?? options.now.toISOString();
  return {
    ...freight,
    alias,
    discoveredAt,
    metadata: { ...freight.metadata, labels: { ...freight.metadata.labels, [ALIAS_LABEL]: alias } },
  };
}

/** The store-side check: Freight contents are immutable. */
export function freightImmutable(before: StoredResource | undefined, after: Resource): void {
  if (!before) return;
  for (const field of FREIGHT_CONTENT_FIELDS) {
    if (!deepEqualJson(before[field] ?? null, after[field] ?? null)) {
      throw conflictError(
        `Freight "${before.metadata.name}" is immutable: ${field} cannot change (only alias, labels, annotations and status can)`,
      );
    }
  }
}

/**
 * Kargo's cross-check between a Freight and its Warehouse: each commit, image and chart must
 * match a subscription, and each subscription must be matched exactly once.
 */
export function freightMatchesWarehouse(freight: Freight, warehouse: WarehouseSpec): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const subscriptions = warehouse.subscriptions;
  const uses = new Map<number, string>();
  const match = (
    field: 'commits' | 'images' | 'charts',
    index: number,
    describe: string,
    predicate: (sub: Subscription) => boolean,
  ) => {
    const found = subscriptions.findIndex(predicate);
    const path = `${field}[${index}]`;
    if (found < 0) {
      issues.push({
        path,
        message: `no subscription of Warehouse "${freight.origin.name}" matches ${describe}`,
      });
    } else if (uses.has(found)) {
      issues.push({
        path,
        message: `${describe} matches the same subscription as ${uses.get(found)}`,
      });
    } else {
      uses.set(found, path);
    }
  };
  freight.commits?.forEach((commit, index) => {
    // Stored Freight names repositories without credentials (redactUrl); subscriptions may not.
    const url = normalizeGitUrl(redactUrl(commit.repoURL ?? ''));
    match(
      'commits',
      index,
      `git repository "${commit.repoURL ?? ''}"`,
      (sub) =>
        'git' in sub &&
        !!sub.git &&
        normalizeGitUrl(redactUrl((sub.git as { repoURL: string }).repoURL)) === url,
    );
  });
  freight.images?.forEach((image, index) => {
    match(
      'images',
      index,
      `image "${image.repoURL ?? ''}"`,
      (sub) =>
        'image' in sub &&
        !!sub.image &&
        (sub.image as { repoURL: string }).repoURL === image.repoURL,
    );
  });
  freight.charts?.forEach((chart, index) => {
    const key = `${normalizeChartUrl(redactUrl(chart.repoURL ?? ''))}/${chart.name ?? ''}`;
    match(
      'charts',
      index,
      `chart "${chart.repoURL ?? ''}${chart.name ? ` ${chart.name}` : ''}"`,
      (sub) => {
        if (!('chart' in sub) || !sub.chart) return false;
        const c = sub.chart as { repoURL: string; name?: string };
        return `${normalizeChartUrl(redactUrl(c.repoURL))}/${c.name ?? ''}` === key;
      },
    );
  });
  subscriptions.forEach((sub, index) => {
    const typed = 'image' in sub || 'git' in sub || 'chart' in sub;
    if (typed && !uses.has(index)) {
      issues.push({
        path: '',
        message: `no artifact for subscriptions[${index}] of Warehouse "${freight.origin.name}": a Freight carries one version of each subscribed repository`,
      });
    }
  });
  return issues;
}
