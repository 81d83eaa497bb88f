import type { DiscoveredArtifacts, Subscription, Warehouse } from './warehouse-types.js';

/** One artifact a subscription found: what it is, and a detail (digest, commit subject). */
export interface Found {
  version: string;
  detail?: string | undefined;
  time?: string | undefined;
}

/** What one subscription asks for and what its last discovery found, or why nothing. */
export interface SubscriptionSummary {
  type: string;
  name?: string | undefined;
  repoURL: string;
  /** How it picks versions, in words: `SemVer, constraint ^1.0.0, tags matching ^v`. */
  selection: string[];
  found: Found[];
  /** Why nothing was found, in words, when nothing was and discovery did not fail. */
  nothing?: string | undefined;
  /** This subscription's discovery error, in full, when its last discovery failed. */
  error?: string | undefined;
}

export interface DiscoverySummary {
  subscriptions: SubscriptionSummary[];
  /** When the discovered artifacts last changed. */
  discoveredAt?: string | undefined;
  /** Whether the last discovery succeeded (its Ready condition), since when, and its words. */
  ready?: 'True' | 'False' | 'Unknown' | undefined;
  since?: string | undefined;
  /** `created Freight x`, `no Freight: …`, or every failing subscription's error. */
  result?: string | undefined;
  /** When the last refresh that discovery handled was asked for (from its token). */
  lastRefresh?: string | undefined;
}

/** Everything the Warehouse page says about discovery, from the Warehouse alone. */
export function summarizeDiscovery(warehouse: Warehouse): DiscoverySummary {
  const status = warehouse.status ?? {};
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const failed = ready?.status === 'False' ? (ready.message ?? '') : '';
  const subscriptions = warehouse.spec?.subscriptions ?? [];
  const errors = failuresBySubscription(failed, subscriptions.map(describeSubscription));
  const artifacts = status.discoveredArtifacts ?? {};
  return {
    subscriptions: subscriptions.map((sub, i) => summarize(sub, artifacts, errors[i])),
    discoveredAt: artifacts.discoveredAt,
    ready: ready?.status as DiscoverySummary['ready'],
    since: ready?.lastTransitionTime,
    result: ready?.message,
    lastRefresh: refreshTime(status.lastHandledRefresh),
  };
}

/**
 * How the server names a subscription in its errors (src/controllers/warehouse-freight.ts,
 * describeSubscription): `image REPO`, `git REPO`, `chart NAME in REPO`.
 */
export function describeSubscription(subscription: Subscription): string {
  const { type, body } = typeOf(subscription);
  const repo = typeof body.repoURL === 'string' ? body.repoURL : '';
  if (type === 'chart')
    return `chart ${typeof body.name === 'string' && body.name ? `${body.name} in ` : ''}${repo}`;
  if (type === 'image' || type === 'git') return `${type} ${repo}`;
  return `${type} ${subscription.name ?? ''}`.trim();
}

/**
 * The Ready condition's message of a failed discovery, split back into each subscription's
 * error: the server joins `DESCRIPTION: error` per failing subscription with `; `, and an error
 * may itself hold `; `, so each one runs up to the next subscription's description.
 */
export function failuresBySubscription(
  message: string,
  descriptions: string[],
): Array<string | undefined> {
  if (message === '') return descriptions.map(() => undefined);
  const starts = descriptions.map((d) => {
    if (message.startsWith(`${d}: `)) return 0;
    const at = message.indexOf(`; ${d}: `);
    return at < 0 ? -1 : at + 2;
  });
  return descriptions.map((d, i) => {
    const start = starts[i]!;
    if (start < 0) return undefined;
    const ends = starts.filter((s) => s > start).map((s) => s - 2);
    const end = ends.length > 0 ? Math.min(...ends) : message.length;
    return message.slice(start + d.length + 2, end);
  });
}

function typeOf(subscription: Subscription): { type: string; body: Record<string, unknown> } {
  const type = Object.keys(subscription).find((k) => k !== 'name') ?? 'unknown';
  const body = subscription[type];
  return { type, body: body && typeof body === 'object' ? (body as Record<string, unknown>) : {} };
}

function summarize(
  subscription: Subscription,
  artifacts: DiscoveredArtifacts,
  error: string | undefined,
): SubscriptionSummary {
  const { type, body } = typeOf(subscription);
  const repoURL = typeof body.repoURL === 'string' ? body.repoURL : '';
  const text = (key: string) => (typeof body[key] === 'string' ? body[key] : undefined);
  const list = (key: string) =>
    Array.isArray(body[key]) ? (body[key] as unknown[]).map(String) : [];
  const selection: string[] = [];
  const add = (label: string, value: string | undefined) => {
    if (value !== undefined && value !== '') selection.push(`${label} ${value}`);
  };
  let found: Found[] = [];
  let looked = false;
  // The status names repositories without credentials: compare without them too.
  const same = (url: string) => bare(url) === bare(repoURL);
  if (type === 'image') {
    selection.push(text('imageSelectionStrategy') ?? 'SemVer');
    add('constraint', text('constraint') ?? text('semverConstraint'));
    add('tags matching', list('allowTagsRegexes').join(', '));
    add('ignoring tags matching', list('ignoreTagsRegexes').join(', '));
    add('platform', text('platform'));
    const entry = artifacts.images?.find((e) => same(e.repoURL));
    looked = entry !== undefined;
    found = (entry?.references ?? []).map((r) => ({
      version: r.tag,
      detail: r.digest,
      time: r.createdAt,
    }));
  } else if (type === 'git') {
    selection.push(text('commitSelectionStrategy') ?? 'NewestFromBranch');
    add('branch', text('branch'));
    add('constraint', text('semverConstraint'));
    add('tags matching', list('allowTagsRegexes').join(', '));
    add('ignoring tags matching', list('ignoreTagsRegexes').join(', '));
    add('expression', text('expressionFilter'));
    add('paths', list('includePaths').join(', '));
    add('excluding paths', list('excludePaths').join(', '));
    const entry = artifacts.git?.find((e) => same(e.repoURL));
    looked = entry !== undefined;
    found = (entry?.commits ?? []).map((c) => ({
      version: c.tag ?? c.id.slice(0, 7),
      detail: [c.tag ? c.id.slice(0, 7) : '', c.subject ?? ''].filter(Boolean).join(' '),
      time: c.creatorDate,
    }));
  } else if (type === 'chart') {
    add('chart', text('name'));
    add('constraint', text('semverConstraint'));
    const entry = artifacts.charts?.find(
      (e) => same(e.repoURL) && (e.name ?? '') === (text('name') ?? ''),
    );
    looked = entry !== undefined;
    found = (entry?.versions ?? []).map((v) => ({ version: v }));
  } else {
    selection.push(`a ${type} subscription, which Gantry cannot discover`);
  }
  return {
    type,
    name: subscription.name,
    repoURL,
    selection,
    found,
    error,
    nothing:
      error !== undefined || found.length > 0
        ? undefined
        : looked
          ? `nothing matched: ${selection.join(', ')}`
          : 'not discovered yet',
  };
}

function bare(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** A refresh token is `ISO-TIME.random` (src/server/routes/warehouse-routes.ts). */
function refreshTime(token: string | undefined): string | undefined {
  const time = token?.match(/^(\d{4}-\d\d-\d\dT[\d:.]+Z)\./)?.[1];
  return time && !Number.isNaN(Date.parse(time)) ? time : undefined;
}
