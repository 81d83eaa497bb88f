import type { StoredResource } from '../../api/resource.js';
import { formatAge } from '../../api/age.js';
import { renderTable } from '../output/table.js';

/**
 * The building blocks of `gantry describe`'s report, laid out as `kubectl describe` does:
 * `Key:  value` lines with aligned values, sections whose content is indented two spaces,
 * and tables inside sections. Every function returns lines; the caller joins them.
 */

type Loose = Record<string, unknown>;

/** `Key:  value` lines, values aligned; an empty value shows as `<none>`. */
export function fields(pairs: Array<[string, string | undefined]>, indent = 0): string[] {
  const width = Math.max(0, ...pairs.map(([key]) => key.length)) + 2;
  const pad = ' '.repeat(indent);
  return pairs.map(([key, value]) => {
    const shown = value === undefined || value === '' ? '<none>' : value;
    // A value of several lines continues under the value column.
    const [first, ...rest] = shown.split('\n');
    return [
      `${pad}${`${key}:`.padEnd(width)}${first ?? ''}`,
      ...rest.map((line) => `${pad}${' '.repeat(width)}${line}`),
    ].join('\n');
  });
}

/** A titled section: `Title:` then its lines indented, or `Title:  <none>` when empty. */
export function section(title: string, lines: string[], indent = 0): string[] {
  const pad = ' '.repeat(indent);
  if (lines.length === 0) return [`${pad}${title}:  <none>`];
  return [`${pad}${title}:`, ...lines.map((line) => indentLines(line, indent + 2))];
}

/** A kubectl-style table, indented. */
export function table(headers: string[], rows: string[][], indent = 0): string[] {
  if (rows.length === 0) return [];
  const pad = ' '.repeat(indent);
  return renderTable(headers, rows)
    .split('\n')
    .map((line) => `${pad}${line}`);
}

function indentLines(text: string, indent: number): string {
  const pad = ' '.repeat(indent);
  return text
    .split('\n')
    .map((line) => (line === '' ? line : `${pad}${line}`))
    .join('\n');
}

/** `k=v` per line, or `<none>`. */
export function keyValues(map: Record<string, string> | undefined): string {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return '<none>';
  return entries.map(([key, value]) => `${key}=${value}`).join('\n');
}

/** `2025-03-01T10:00:00Z (5m ago)`. */
export function when(timestamp: string | undefined, now: Date): string | undefined {
  if (!timestamp) return undefined;
  return `${timestamp} (${ago(timestamp, now)})`;
}

/** `5m ago`. */
export function ago(timestamp: string, now: Date): string {
  return `${formatAge(timestamp, now)} ago`;
}

/** How long from `start` to `end` (or to now, while running): `1m5s`, `850ms`. */
export function duration(
  start: string | undefined,
  end: string | undefined,
  now: Date,
): string | undefined {
  if (!start) return undefined;
  const from = Date.parse(start);
  const to = end ? Date.parse(end) : now.getTime();
  if (Number.isNaN(from) || Number.isNaN(to)) return undefined;
  const ms = Math.max(0, to - from);
  if (ms < 1000) return `${ms}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes}m${seconds % 60}s` : `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours}h${minutes % 60}m` : `${hours}h`;
}

/**
 * The header every report starts with: name, project, labels, annotations, created, then the
 * kind's own top-level `extra` fields, all aligned as one block.
 */
export function metadataLines(
  object: StoredResource,
  now: Date,
  extra: Array<[string, string | undefined]> = [],
): string[] {
  const meta = object.metadata;
  return fields([
    ['Name', meta.name],
    ...(meta.namespace ? ([['Project', meta.namespace]] as Array<[string, string]>) : []),
    ['Kind', object.kind],
    ['Labels', keyValues(meta.labels)],
    ['Annotations', keyValues(meta.annotations)],
    ['Created', when(meta.creationTimestamp, now)],
    ...extra,
  ]);
}

/** `- text`, its further lines under the text. */
export function bullet(item: string): string {
  return item
    .split('\n')
    .map((line, index) => `${index === 0 ? '- ' : '  '}${line}`)
    .join('\n');
}

/** The object's conditions as a table (type, status, reason, message, last transition). */
export function conditionLines(object: StoredResource, now: Date): string[] {
  const conditions = ((object.status as Loose | undefined)?.conditions ?? []) as Loose[];
  return section(
    'Conditions',
    table(
      ['TYPE', 'STATUS', 'REASON', 'MESSAGE', 'LAST TRANSITION'],
      conditions.map((c) => [
        text(c.type),
        text(c.status),
        text(c.reason),
        text(c.message),
        c.lastTransitionTime ? ago(text(c.lastTransitionTime), now) : '',
      ]),
    ),
  );
}

/** One artifact per line: `image ghcr.io/acme/web:1.2.3 (sha256:…)`, `commit …@abc1234 "msg"`. */
export function artifactLines(holder: Loose): string[] {
  const lines: string[] = [];
  for (const image of (holder.images as Loose[] | undefined) ?? [])
    lines.push(
      `image   ${text(image.repoURL)}:${text(image.tag)}${image.digest ? ` (${text(image.digest)})` : ''}`,
    );
  for (const commit of (holder.commits as Loose[] | undefined) ?? []) {
    const ref = text(commit.tag) || text(commit.id).slice(0, 7);
    const message = text(commit.message).split('\n')[0];
    lines.push(
      `commit  ${text(commit.repoURL)}@${ref}${commit.branch ? ` (branch ${text(commit.branch)})` : ''}${message ? ` "${message}"` : ''}`,
    );
  }
  for (const chart of (holder.charts as Loose[] | undefined) ?? [])
    lines.push(
      `chart   ${text(chart.repoURL)}${chart.name ? `/${text(chart.name)}` : ''}:${text(chart.version)}`,
    );
  for (const artifact of (holder.artifacts as Loose[] | undefined) ?? [])
    lines.push(
      `${text(artifact.artifactType) || 'artifact'}  ${text(artifact.subscriptionName)}:${text(artifact.version)}`,
    );
  return lines;
}

export function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return typeof value === 'object' ? JSON.stringify(value) : `${value as number | boolean}`;
}
