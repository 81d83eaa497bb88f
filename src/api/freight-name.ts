import { createHash } from 'node:crypto';
import type { Freight } from './freight.js';
import { normalizeChartUrl, normalizeGitUrl } from './repo-urls.js';

type FreightContents = Pick<Freight, 'origin' | 'commits' | 'images' | 'charts' | 'artifacts'>;

/**
 * The deterministic name of a Freight: the SHA-1 of `"<Kind>/<name>:"` followed by the sorted
 * artifact parts joined with `|`, exactly as Kargo computes it, so the same artifacts from the
 * same Warehouse always make the same Freight (and a Kargo user's Freight names carry over).
 */
export function freightName(freight: FreightContents): string {
  const withSubscription = (part: string, subscriptionName: string | undefined) =>
    subscriptionName ? `${part}:${subscriptionName}` : part;
  const parts: string[] = [];
  for (const commit of freight.commits ?? []) {
    const repo = normalizeGitUrl(commit.repoURL ?? '');
    const part = commit.tag
      ? `${repo}:${commit.tag}:${commit.id ?? ''}`
      : `${repo}:${commit.id ?? ''}`;
    parts.push(withSubscription(part, commit.subscriptionName));
  }
  for (const image of freight.images ?? []) {
    parts.push(
      withSubscription(
        `${image.repoURL ?? ''}:${image.tag ?? ''}@${image.digest ?? ''}`,
        image.subscriptionName,
      ),
    );
  }
  for (const chart of freight.charts ?? []) {
    const base = goPathJoin(normalizeChartUrl(chart.repoURL ?? ''), chart.name ?? '');
    parts.push(withSubscription(`${base}:${chart.version ?? ''}`, chart.subscriptionName));
  }
  for (const artifact of freight.artifacts ?? []) {
    parts.push(`${artifact.artifactType ?? ''}:${artifact.subscriptionName}:${artifact.version}`);
  }
  parts.sort();
  const text = `${freight.origin.kind}/${freight.origin.name}:${parts.join('|')}`;
  return createHash('sha1').update(text).digest('hex');
}

/**
 * Go's `path.Join`, which Kargo uses here: joins the non-empty parts with `/` and cleans the
 * result (repeated slashes collapse, `.` and `..` resolve, no trailing slash). So an https
 * chart repository `https://charts.example.com/` becomes `https:/charts.example.com/<name>`;
 * reproducing that keeps Freight names identical to Kargo's.
 */
export function goPathJoin(...parts: string[]): string {
  const joined = parts.filter((part) => part !== '').join('/');
  if (joined === '') return '';
  const rooted = joined.startsWith('/');
  const out: string[] = [];
  for (const segment of joined.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(segment);
  }
  const cleaned = (rooted ? '/' : '') + out.join('/');
  return cleaned === '' ? '.' : cleaned;
}
